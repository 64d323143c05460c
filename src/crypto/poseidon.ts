/**
 * circomlibjs Poseidon and EdDSA-Poseidon, loaded once. `loadCrypto()` must be awaited before any
 * synchronous hash function in this module is called (the CLI and the pipeline do so at start-up).
 * Values cross this boundary as bigints; circomlibjs's Montgomery-form buffers stay inside.
 */
import { buildEddsa, type Eddsa } from "circomlibjs";

interface CryptoContext {
  eddsa: Eddsa;
  /** Poseidon hashes computed so far, by number of inputs (for benchmarks). */
  hashCount: number[];
}

let ctx: CryptoContext | undefined;
let loading: Promise<CryptoContext> | undefined;

export async function loadCrypto(): Promise<void> {
  if (ctx) return;
  loading ??= buildEddsa().then((eddsa) => ({ eddsa, hashCount: new Array<number>(17).fill(0) }));
  ctx = await loading;
}

function context(): CryptoContext {
  if (!ctx) throw new Error("crypto not loaded: await loadCrypto() first");
  return ctx;
}

export function eddsa(): Eddsa {
  return context().eddsa;
}

/** Poseidon over 1..16 field elements (circomlib's parameters), as a bigint. */
export function poseidon(inputs: readonly bigint[]): bigint {
  const c = context();
  c.hashCount[inputs.length]!++;
  const F = c.eddsa.poseidon.F;
  return F.toObject(c.eddsa.poseidon(inputs as bigint[]));
}

/** Poseidon hashes computed since load (or the last reset), indexed by number of inputs. */
export function poseidonCount(reset = false): number[] {
  const c = context();
  const n = [...c.hashCount];
  if (reset) c.hashCount.fill(0);
  return n;
}
