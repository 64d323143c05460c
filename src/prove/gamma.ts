/**
 * Fiat–Shamir challenge γ for the write-set fingerprints. It is a Poseidon chain over everything
 * the fingerprints must be bound to, all of which is fixed before any proof is made:
 *
 *   g ← Poseidon(DOMAIN_GAMMA, R0, R1)
 *   g ← Poseidon(g, txDigest_c, writeDigest_c)        for each column c, in bundle order
 *   g ← Poseidon(g, writeDigest_s, keyLo_s, keyHi_s)  for each state-update chunk s, in order
 *   γ = g
 *
 * Write digests are hash chains of the (key, before, after) lists, so γ is fixed by the claimed
 * write multisets themselves; equal fingerprint products at a random γ then show (Schwartz–Zippel,
 * error ≤ writes / r) that columns and state update claim the same multiset of writes.
 */
import { poseidon } from "../crypto/poseidon.ts";

export const DOMAIN_GAMMA = 0x67616d6d61n; // "gamma"

export interface GammaInputs {
  r0: bigint;
  r1: bigint;
  columns: readonly { txDigest: bigint; writeDigest: bigint }[];
  states: readonly { writeDigest: bigint; keyLo: number; keyHi: number }[];
}

export function deriveGamma(g: GammaInputs): bigint {
  let acc = poseidon([DOMAIN_GAMMA, g.r0, g.r1]);
  for (const c of g.columns) acc = poseidon([acc, c.txDigest, c.writeDigest]);
  for (const s of g.states) acc = poseidon([acc, s.writeDigest, BigInt(s.keyLo), BigInt(s.keyHi)]);
  return acc;
}
