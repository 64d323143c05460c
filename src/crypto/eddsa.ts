/**
 * EdDSA-Poseidon over BabyJubjub (circomlib's scheme, as verified by its EdDSAPoseidonVerifier),
 * with bigint values at the boundary.
 */
import { createHash } from "node:crypto";
import type { Point } from "circomlibjs";
import { BABYJUB_SUBORDER, isFieldElement, onBabyJub } from "./field.ts";
import { eddsa } from "./poseidon.ts";

export type PubKey = [bigint, bigint];
export interface Signature {
  R8: [bigint, bigint];
  S: bigint;
}
export interface KeyPair {
  prv: Uint8Array;
  pub: PubKey;
}

/** Deterministic key pair from a seed string (sample blocks and tests). */
export function keyFromSeed(seed: string): KeyPair {
  const prv = new Uint8Array(createHash("sha256").update(`des-key:${seed}`).digest());
  return { prv, pub: pubOf(prv) };
}

export function pubOf(prv: Uint8Array): PubKey {
  const e = eddsa();
  const [x, y] = e.prv2pub(prv);
  return [e.F.toObject(x), e.F.toObject(y)];
}

export function sign(prv: Uint8Array, msg: bigint): Signature {
  const e = eddsa();
  const sig = e.signPoseidon(prv, e.F.e(msg));
  return { R8: [e.F.toObject(sig.R8[0]), e.F.toObject(sig.R8[1])], S: sig.S };
}

function point(p: readonly [bigint, bigint]): Point {
  const F = eddsa().F;
  return [F.e(p[0]), F.e(p[1])];
}

/**
 * Verifies an EdDSA-Poseidon signature. Rejects, like circomlib's circuit and circomlibjs:
 * R8 or A off the curve, S ≥ subgroup order, and a public key of small order (8·A = identity).
 */
export function verify(msg: bigint, sig: Signature, pub: PubKey): boolean {
  if (!isFieldElement(sig.R8[0]) || !isFieldElement(sig.R8[1])) return false;
  if (!isFieldElement(pub[0]) || !isFieldElement(pub[1])) return false;
  if (sig.S < 0n || sig.S >= BABYJUB_SUBORDER) return false;
  if (!onBabyJub(pub[0], pub[1]) || !onBabyJub(sig.R8[0], sig.R8[1])) return false;
  const e = eddsa();
  const A = point(pub);
  // A of small order (8·A = identity, x = 0) is rejected by circomlib's circuit: reject it here too.
  if (e.F.toObject(e.babyJub.mulPointEscalar(A, 8n)[0]) === 0n) return false;
  return e.verifyPoseidon(e.F.e(msg), { R8: point(sig.R8), S: sig.S }, A);
}
