// Piscina entry point for every task file in workers/.
// 1. `web-worker` (used by ffjavascript for its own thread pool) assumes that any worker thread is
//    one it spawned and rewrites the thread's globals when loaded; inside our pool that breaks
//    piscina. Workers run the curve single-threaded, so we pre-load a stub that refuses to spawn.
// 2. tsx is registered here because loader flags of the main process do not reach worker threads.
import { createRequire } from "node:module";
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

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

register();
const mod = await import(new URL(`./${workerData.task}`, import.meta.url).href);
export default mod.default;
