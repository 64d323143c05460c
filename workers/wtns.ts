/**
 * Piscina task: computes one witness with a circom WebAssembly witness generator (circom's
 * witness_calculator.js, strict: a failed check throws) and writes it as a .wtns file. Used for the
 * aggregator's child verifiers, whose witnesses (≈ 2M wires) are linked on disk (src/aggregate).
 * A calculator is built per task and dropped after it: a verifier's WebAssembly memory is about a
 * gigabyte, and keeping several warm would break the memory each task declares to the scheduler.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../src/util/fsx.ts";

export interface WtnsTask {
  wasm: string;
  /** Circuit input (decimal strings or nested arrays of them). */
  input: Record<string, unknown>;
  out: string;
}

interface WitnessCalculator {
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck: boolean): Promise<Uint8Array>;
}

function calculator(wasm: string): Promise<WitnessCalculator> {
  const require = createRequire(import.meta.url);
  const builder = require(join(dirname(wasm), "witness_calculator.js")) as (
    code: Uint8Array,
    opts: object,
  ) => Promise<WitnessCalculator>;
  return builder(readFileSync(wasm), {});
}

export default async function wtns(task: WtnsTask): Promise<{ seconds: number; bytes: number }> {
  const t0 = performance.now();
  const bin = await (await calculator(task.wasm)).calculateWTNSBin(task.input, true);
  writeFileAtomic(task.out, bin);
  return { seconds: (performance.now() - t0) / 1000, bytes: bin.length };
}
