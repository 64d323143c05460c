/**
 * Piscina task: computes one witness with a circom WebAssembly witness generator
 * (src/circuits/wasm-witness.ts) and returns its failed checks, not the witness itself (a verifier
 * circuit's witness has millions of wires). Strict: the first failed check ends the run (ok false);
 * lenient: every failed check is counted and its message kept.
 */
import { type CircuitInput, isAssertFailure, WasmWitnessCalculator } from "../src/circuits/wasm-witness.ts";

export interface WitnessJob {
  wasm: string;
  input: CircuitInput;
  lenient?: boolean;
}

export interface WitnessOutcome {
  ok: boolean;
  seconds: number;
  wires: number;
  failedAsserts: number;
  /** circom's messages for the failed checks (template instance and line), at most 200. */
  messages: string[];
  error?: string;
}

export default async function witness(job: WitnessJob): Promise<WitnessOutcome> {
  const t0 = performance.now();
  const wc = await WasmWitnessCalculator.load(job.wasm, { lenient: !!job.lenient });
  try {
    const r = wc.calculate(job.input);
    return {
      ok: r.failedAsserts === 0,
      seconds: (performance.now() - t0) / 1000,
      wires: r.witness.length,
      failedAsserts: r.failedAsserts,
      messages: r.assertMessages.slice(0, 200),
    };
  } catch (e) {
    if (!isAssertFailure(e)) throw e;
    return {
      ok: false,
      seconds: (performance.now() - t0) / 1000,
      wires: 0,
      failedAsserts: 1,
      messages: [String((e as Error).message)],
      error: String((e as Error).message),
    };
  }
}
