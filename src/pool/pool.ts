/**
 * Worker pools (piscina) running the project's TypeScript task files from workers/. Workers load
 * the TypeScript sources through tsx, like the CLI; each pool is sized by the caller and must be
 * destroyed (`await pool.destroy()`) so the process can exit.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { REPO_ROOT } from "../build/circom.ts";

export interface PoolOptions {
  /** Task file name in workers/, e.g. "verify-signatures.ts". */
  task: string;
  threads: number;
  /** Per-worker heap limit in MiB (optional). */
  maxOldGenerationSizeMb?: number;
}

export function createPool({ task, threads, maxOldGenerationSizeMb }: PoolOptions): Piscina {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be a positive integer, got ${threads}`);
  return new Piscina({
    // workers/entry.mjs registers tsx inside the worker, then loads the task file named here
    filename: pathToFileURL(join(REPO_ROOT, "workers", "entry.mjs")).href,
    workerData: { task },
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    ...(maxOldGenerationSizeMb ? { resourceLimits: { maxOldGenerationSizeMb } } : {}),
  });
}
