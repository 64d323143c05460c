/**
 * Verifier of Groth16 with one commitment (docs/circuits.md, "Inner nodes as Groth16 with one
 * commitment"). A proof is snarkjs's (A, B, C) plus D (the commitment) and P (its proof of
 * knowledge); the statement's public input is x' = Poseidon(x, H(D)), which the verifier computes
 * itself from the statement x it trusts and the proof's D:
 *   1. h = H(D), x' = Poseidon(x, h)
 *   2. e(A, B) = e(α, β)·e(IC₀ + x'·IC₁ + D, γ)·e(C, δ)
 *   3. e(P, [1]₂) = e(D, [σ]₂)
 * The keys (snarkjs verification key and [σ]₂) are the verifier's, never the proof's.
 */
import { z } from "zod";
import { P as FQ_P } from "../bn254/tower.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { desError } from "../errors.ts";

/** A G1 point as snarkjs writes it: decimal [x, y, "1"] (affine). */
const G1Json = z.tuple([z.string().regex(/^\d+$/), z.string().regex(/^\d+$/), z.literal("1")]);
const G2Json = z.tuple([
  z.tuple([z.string().regex(/^\d+$/), z.string().regex(/^\d+$/)]),
  z.tuple([z.string().regex(/^\d+$/), z.string().regex(/^\d+$/)]),
  z.tuple([z.literal("1"), z.literal("0")]),
]);

export const CommittedProof = z.object({
  protocol: z.literal("groth16-commit-1"),
  pi_a: G1Json,
  pi_b: G2Json,
  pi_c: G1Json,
  D: G1Json,
  P: G1Json,
});
export type CommittedProof = z.infer<typeof CommittedProof>;

/** A snarkjs Groth16 verification key with one public signal, and the commitment's [σ]₂. */
export interface CommittedVkey {
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
  nPublic: number;
  /** [σ]₂ (snarkjs G2 object form). */
  sigma_2: string[][];
}

/**
 * h = H(D): Poseidon over D's affine coordinates, each split at bit 215 (below: the first five
 * 43-bit limbs of the circuits' representation, above: the top limb), so that a circuit hashes
 * the same four elements from the canonical limbs of D. D must be an affine point with x, y < p.
 */
export function commitmentHash(D: readonly [bigint, bigint]): bigint {
  const [x, y] = D;
  if (x < 0n || x >= FQ_P || y < 0n || y >= FQ_P)
    throw desError("USAGE", "commitment coordinates not below p");
  const lo = (v: bigint) => v & ((1n << 215n) - 1n);
  return poseidon([lo(x), x >> 215n, lo(y), y >> 215n]);
}

/** The public input of a committed proof of statement x: x' = Poseidon(x, H(D)). */
export function committedPublicInput(x: bigint, D: readonly [bigint, bigint]): bigint {
  return poseidon([x, commitmentHash(D)]);
}

/** The parts of ffjavascript's bn128 (buildBn128) the verifier uses. */
type Curve = {
  G1: {
    fromObject(o: unknown): Uint8Array;
    add(a: Uint8Array, b: Uint8Array): Uint8Array;
    timesScalar(a: Uint8Array, s: bigint): Uint8Array;
    neg(a: Uint8Array): Uint8Array;
    isValid(a: Uint8Array): boolean;
  };
  G2: {
    fromObject(o: unknown): Uint8Array;
    fromRprLEM(b: Uint8Array, o?: number): Uint8Array;
    toAffine(a: Uint8Array): Uint8Array;
    toObject(a: Uint8Array): bigint[][];
    g: Uint8Array;
    isValid(a: Uint8Array): boolean;
  };
  pairingEq(...args: Uint8Array[]): Promise<boolean>;
};

/** A committed verification key: the snarkjs key of the zkey, with [σ]₂ from the commitment key. */
export function committedVkey(
  curve: object,
  vk: Omit<CommittedVkey, "sigma_2">,
  sigma2Lem: Uint8Array,
): CommittedVkey {
  const c = curve as unknown as Curve;
  const s = c.G2.toObject(c.G2.toAffine(c.G2.fromRprLEM(sigma2Lem, 0)));
  return { ...vk, sigma_2: s.map((e) => e.map(String)) };
}

/** Why a committed proof was rejected (undefined: it verifies). */
export type CommittedReject = "malformed" | "groth16" | "knowledge" | undefined;

/**
 * Verifies a committed proof of statement x (a field element) under vk. Returns undefined when it
 * verifies, else which check failed. Points off the curve or B outside G2 fail as "malformed".
 */
export async function verifyCommitted(
  curve: object,
  vk: CommittedVkey,
  x: bigint,
  proofJson: unknown,
): Promise<CommittedReject> {
  const c = curve as unknown as Curve;
  const parsed = CommittedProof.safeParse(proofJson);
  if (!parsed.success || vk.nPublic !== 1 || vk.IC.length !== 2) return "malformed";
  const p = parsed.data;
  const big = (a: readonly string[]) => a.map((v) => BigInt(v));
  const g1 = (a: readonly string[]) => c.G1.fromObject(big(a));
  const g2 = (a: readonly (readonly string[])[]) => c.G2.fromObject(a.map(big));
  const [dx, dy] = big(p.D) as [bigint, bigint];
  if (dx >= FQ_P || dy >= FQ_P) return "malformed";
  const A = g1(p.pi_a);
  const B = g2(p.pi_b);
  const C = g1(p.pi_c);
  const D = g1(p.D);
  const P = g1(p.P);
  if (![A, C, D, P].every((q) => c.G1.isValid(q)) || !c.G2.isValid(B)) return "malformed";
  const xp = committedPublicInput(x, [dx, dy]);
  const L = c.G1.add(c.G1.add(g1(vk.IC[0]!), c.G1.timesScalar(g1(vk.IC[1]!), xp)), D);
  const ok2 = await c.pairingEq(
    c.G1.neg(A),
    B,
    g1(vk.vk_alpha_1),
    g2(vk.vk_beta_2),
    L,
    g2(vk.vk_gamma_2),
    C,
    g2(vk.vk_delta_2),
  );
  if (!ok2) return "groth16";
  const ok3 = await c.pairingEq(P, c.G2.g, c.G1.neg(D), g2(vk.sigma_2));
  return ok3 ? undefined : "knowledge";
}
