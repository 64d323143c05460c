/**
 * circomlibjs Poseidon, loaded once. `loadCrypto()` must be awaited before any synchronous hash
 * function in this module is called (the CLI and the pipeline do so at start-up). Values cross
 * this boundary as bigints; circomlibjs's Montgomery-form buffers stay inside.
 *
 * Only circomlibjs's Poseidon module is loaded, not its package entry: that one also loads EdDSA
 * and the native blake-hash addon, which corrupts the heap at exit when loaded in worker threads.
 * circomlibjs's EdDSA (the reference our own EdDSA is tested against) is `loadReference()`.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Eddsa, Poseidon } from "circomlibjs";

interface CryptoContext {
  poseidon: Poseidon;
  /** Poseidon hashes computed so far, by number of inputs (for benchmarks). */
  hashCount: number[];
}

let ctx: CryptoContext | undefined;
let loading: Promise<CryptoContext> | undefined;
let reference: Eddsa | undefined;

async function buildPoseidonOnly(): Promise<Poseidon> {
  const main = createRequire(import.meta.url).resolve("circomlibjs"); // …/circomlibjs/build/main.cjs
  const file = join(dirname(main), "..", "src", "poseidon_wasm.js");
  const mod = (await import(pathToFileURL(file).href)) as { buildPoseidon(): Promise<Poseidon> };
  return mod.buildPoseidon();
}

export async function loadCrypto(): Promise<void> {
  if (ctx) return;
  loading ??= buildPoseidonOnly().then((poseidon) => ({
    poseidon,
    hashCount: new Array<number>(17).fill(0),
  }));
  ctx = await loading;
}

/** circomlibjs's EdDSA, for reference checks in tests and benchmarks (main thread only). */
export async function loadReference(): Promise<Eddsa> {
  if (!reference) {
    const { buildEddsa } = await import("circomlibjs");
    reference = await buildEddsa();
  }
  return reference;
}

function context(): CryptoContext {
  if (!ctx) throw new Error("crypto not loaded: await loadCrypto() first");
  return ctx;
}

/** circomlibjs's Poseidon object itself (benchmarks compare against it). */
export function rawPoseidon(): Poseidon {
  return context().poseidon;
}

/** Poseidon over 1..16 field elements (circomlib's parameters), as a bigint. */
export function poseidon(inputs: readonly bigint[]): bigint {
  const c = context();
  c.hashCount[inputs.length]!++;
  return c.poseidon.F.toObject(c.poseidon(inputs as bigint[]));
}

/** Poseidon hashes computed since load (or the last reset), indexed by number of inputs. */
export function poseidonCount(reset = false): number[] {
  const c = context();
  const n = [...c.hashCount];
  if (reset) c.hashCount.fill(0);
  return n;
}
