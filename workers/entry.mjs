// Piscina entry point for every task of workers/ (bundled to plain JavaScript by src/pool/pool.ts).
// `web-worker` (used by ffjavascript for its own thread pool) assumes that any worker thread is one
// it spawned and rewrites the thread's globals when loaded; inside our pool that breaks piscina.
// Workers run the curve single-threaded, so we pre-load a stub that refuses to spawn.
import { createRequire } from "node:module";
import { workerData } from "node:worker_threads";

const require = createRequire(import.meta.url);
class NoNestedWorkers {
  constructor() {
    throw new Error("nested web workers are disabled in pool workers: run the curve with singleThread");
  }
}
for (const owner of ["ffjavascript", "snarkjs", "circomlibjs"]) {
  let path;
  try {
    path = createRequire(require.resolve(owner)).resolve("web-worker");
  } catch {
    continue;
  }
  require.cache[path] = {
    id: path,
    filename: path,
    loaded: true,
    exports: NoNestedWorkers,
    children: [],
    paths: [],
  };
}

const mod = await import(workerData.task);
export default mod.default;
