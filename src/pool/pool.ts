/**
 * Worker pools (piscina) running the project's task files from workers/. Each pool is sized by the
 * caller and must be destroyed (`await pool.destroy()`) so the process can exit.
 *
 * Task files are TypeScript. Rather than registering a TypeScript loader inside every worker thread
 * (loader hooks in worker threads crashed processes at exit, intermittently, on Node 20), each task
 * is bundled once with esbuild into plain JavaScript under artifacts/workers/ (npm packages stay
 * external imports), written atomically, and the workers import that.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { Piscina } from "piscina";
import { ARTIFACTS, REPO_ROOT } from "../build/circom.ts";
import { writeFileAtomic } from "../util/fsx.ts";

export interface PoolOptions {
  /** Task file name in workers/, e.g. "verify-signatures.ts". */
  task: string;
  threads: number;
  /** Per-worker heap limit in MiB (optional). */
  maxOldGenerationSizeMb?: number;
}

const bundled = new Map<string, string>();

/** Bundles workers/<task> (and the project sources it imports) into one ES module; returns its path. */
export function bundleTask(task: string): string {
  let out = bundled.get(task);
  if (out) return out;
  const r = buildSync({
    entryPoints: [join(REPO_ROOT, "workers", task)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    outfile: "task.mjs",
    logLevel: "silent",
  });
  const code = r.outputFiles[0]!.contents;
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  out = join(ARTIFACTS, "workers", `${task.replace(/\.ts$/, "")}-${hash}.mjs`);
  if (!existsSync(out)) writeFileAtomic(out, code);
  bundled.set(task, out);
  return out;
}

export function createPool({ task, threads, maxOldGenerationSizeMb }: PoolOptions): Piscina {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return new Piscina({
    // workers/entry.mjs guards the thread against ffjavascript's web-worker shim, then imports the task
    filename: pathToFileURL(join(REPO_ROOT, "workers", "entry.mjs")).href,
    workerData: { task: pathToFileURL(bundleTask(task)).href },
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    ...(maxOldGenerationSizeMb ? { resourceLimits: { maxOldGenerationSizeMb } } : {}),
  });
}
