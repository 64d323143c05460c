/**
 * EdDSA-Poseidon over BabyJubjub: circomlib's scheme, as verified by its EdDSAPoseidonVerifier
 * circuit. Keys and signatures are bit-identical to circomlibjs's prv2pub / signPoseidon (tests
 * compare them); the group arithmetic runs in crypto/babyjub.ts for speed.
 */
import { createHash } from "node:crypto";
import createBlakeHash from "blake-hash/js.js";
import { checkVerificationEquation, hasSmallOrder, mulBase } from "./babyjub.ts";
import { BABYJUB_SUBORDER, isFieldElement, onBabyJub } from "./field.ts";
import { poseidon } from "./poseidon.ts";

export type PubKey = [bigint, bigint];
export interface Signature {
  R8: [bigint, bigint];
  S: bigint;
}
export interface KeyPair {
  prv: Uint8Array;
  pub: PubKey;
}

const leBytesToBigint = (b: Uint8Array): bigint => {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
};

const bigintToLe32 = (v: bigint): Uint8Array => {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 255n);
  return out;
};

/** circomlib's key expansion: blake512(prv), pruned; the secret scalar is the low half. */
function expand(prv: Uint8Array): { s: bigint; nonceKey: Uint8Array } {
  const h = createBlakeHash("blake512").update(Buffer.from(prv)).digest();
  h[0] = h[0]! & 0xf8;
  h[31] = (h[31]! & 0x7f) | 0x40;
  return { s: leBytesToBigint(h.subarray(0, 32)), nonceKey: new Uint8Array(h.subarray(32, 64)) };
}

/** Deterministic key pair from a seed string (sample blocks and tests). */
export function keyFromSeed(seed: string): KeyPair {
  const prv = new Uint8Array(createHash("sha256").update(`des-key:${seed}`).digest());
  return { prv, pub: pubOf(prv) };
}

export function pubOf(prv: Uint8Array): PubKey {
  const [x, y] = mulBase(expand(prv).s >> 3n);
  return [x, y];
}

/** Signs a field element: R8 = r·B8 with r = blake512(nonceKey ‖ msg) mod l; S = r + H(R8, A, msg)·s. */
export function sign(prv: Uint8Array, msg: bigint): Signature {
  const { s, nonceKey } = expand(prv);
  const A = mulBase(s >> 3n);
  const compose = new Uint8Array(64);
  compose.set(nonceKey, 0);
  compose.set(bigintToLe32(msg), 32);
  const r =
    leBytesToBigint(createBlakeHash("blake512").update(Buffer.from(compose)).digest()) % BABYJUB_SUBORDER;
  const [rx, ry] = mulBase(r);
  const hm = poseidon([rx, ry, A[0], A[1], msg]);
  return { R8: [rx, ry], S: (r + hm * s) % BABYJUB_SUBORDER };
}

/**
 * Verifies an EdDSA-Poseidon signature: S·B8 = R8 + 8·H(R8, A, msg)·A. Rejects, like circomlib's
 * circuit and circomlibjs: R8 or A off the curve, S ≥ subgroup order, and a public key of small
 * order (8·A = identity).
 */
export function verify(msg: bigint, sig: Signature, pub: PubKey): boolean {
  if (!isFieldElement(sig.R8[0]) || !isFieldElement(sig.R8[1])) return false;
  if (!isFieldElement(pub[0]) || !isFieldElement(pub[1])) return false;
  if (sig.S < 0n || sig.S >= BABYJUB_SUBORDER) return false;
  if (!onBabyJub(pub[0], pub[1]) || !onBabyJub(sig.R8[0], sig.R8[1])) return false;
  if (hasSmallOrder(pub)) return false;
  const hm = poseidon([sig.R8[0], sig.R8[1], pub[0], pub[1], msg]);
  return checkVerificationEquation(sig.S, sig.R8, 8n * hm, pub);
}
