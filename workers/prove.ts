/**
 * Piscina task: witness + Groth16 proof for one circuit input.
 *
 * Kept warm between tasks in this worker: the BN254 curve (one single-threaded ffjavascript engine,
 * installed where snarkjs looks for a shared curve, so snarkjs reuses it instead of building a new
 * WebAssembly instance per proof), each circuit's witness calculator, and each proving key's bytes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { threadId } from "node:worker_threads";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { nativeProve } from "../src/build/prover.ts";

export interface ProveTask {
  /** Circuit's witness generator (.wasm, next to circom's witness_calculator.js). */
  wasm: string;
  zkey: string;
  /** Circuit input; bigints or decimal strings. */
  input: Record<string, unknown>;
  /**
   * The native prover's binary (src/build/prover.ts), built by the caller; absent: snarkjs proves.
   * `threads`: its thread count (the caller's share of the cores per worker).
   */
  native?: { bin: string; threads: number };
  /** Test hook: crash this worker before proving (simulates a prover fault). */
  crash?: boolean;
}

export interface ProveResult {
  proof: snarkjs.Groth16Proof;
  publicSignals: string[];
  witnessMs: number;
  proveMs: number;
  threadId: number;
  pid: number;
  prover: "native" | "snarkjs";
}

interface WitnessCalculator {
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck: boolean): Promise<Uint8Array>;
}

const calculators = new Map<string, Promise<WitnessCalculator>>();
const zkeys = new Map<string, Uint8Array>();
let curveReady: Promise<void> | undefined;

function warmCurve(): Promise<void> {
  curveReady ??= buildBn128(true).then((curve: unknown) => {
    // snarkjs asks ffjavascript for the shared (multi-threaded) curve unless told singleThread;
    // handing it this single-threaded engine as the shared one keeps it warm across proofs.
    (globalThis as { curve_bn128?: unknown }).curve_bn128 = curve;
  });
  return curveReady;
}

function calculator(wasm: string): Promise<WitnessCalculator> {
  let c = calculators.get(wasm);
  if (!c) {
    const require = createRequire(import.meta.url);
    const builder = require(join(dirname(wasm), "witness_calculator.js")) as (
      code: Uint8Array,
      opts: object,
    ) => Promise<WitnessCalculator>;
    c = builder(readFileSync(wasm), {});
    calculators.set(wasm, c);
  }
  return c;
}

function zkeyBytes(file: string): Uint8Array {
  let z = zkeys.get(file);
  if (!z) {
    z = readFileSync(file);
    zkeys.set(file, z);
  }
  return z;
}

const stringify = (input: Record<string, unknown>) =>
  JSON.parse(JSON.stringify(input, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Record<
    string,
    unknown
  >;

export default async function prove(task: ProveTask): Promise<ProveResult> {
  await warmCurve();
  if (task.crash) process.exit(70);
  const t0 = performance.now();
  const wc = await calculator(task.wasm);
  const wtns = await wc.calculateWTNSBin(stringify(task.input), true);
  const t1 = performance.now();
  let proved: { proof: snarkjs.Groth16Proof; publicSignals: string[] };
  if (task.native) {
    // the native prover reads the witness from a file (and maps the zkey itself)
    const dir = mkdtempSync(join(tmpdir(), "des-leaf-"));
    try {
      const file = join(dir, "leaf.wtns");
      writeFileSync(file, wtns);
      proved = await nativeProve(task.zkey, file, { bin: task.native.bin, threads: task.native.threads });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    proved = await snarkjs.groth16.prove(
      { type: "mem", data: zkeyBytes(task.zkey) },
      { type: "mem", data: wtns },
      undefined,
      { singleThread: false },
    );
  }
  const t2 = performance.now();
  return {
    proof: proved.proof,
    publicSignals: proved.publicSignals,
    witnessMs: t1 - t0,
    proveMs: t2 - t1,
    threadId,
    pid: process.pid,
    prover: task.native ? "native" : "snarkjs",
  };
}
