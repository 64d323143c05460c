/**
 * Reference BN254 base-field arithmetic in plain bigints, in the circuits' basis (used to derive
 * the circuit constants and to compute hints and expected values in tests).
 *
 *   Fq   = Z/p
 *   Fq2  = Fq[u]/(u² + 1)                         element [a0, a1] = a0 + a1·u
 *   Fq12 = Fq2[w]/(w⁶ − ξ), ξ = 9 + u              element [A0 … A5] = Σ A_b·w^b, A_b ∈ Fq2
 *
 * ffjavascript's bn128 tower is Fq6 = Fq2[v]/(v³ − ξ), Fq12 = Fq6[w]/(w² − v), so v = w² and its
 * element [[c00, c01, c02], [c10, c11, c12]] is Σ_j c0j·w^{2j} + c1j·w^{2j+1}: A_{2j} = c0j,
 * A_{2j+1} = c1j (src/bn254/limbs.ts converts).
 */

import { FIELD_P, FIELD_Q } from "../crypto/field.ts";

/** BN254 base field modulus p (the curve's coordinates live here). */
export const P = FIELD_Q;
/** BN254 scalar field modulus r (circom's native field). */
export const R = FIELD_P;
/** BN parameter x (t = 6x + 2 drives the optimal ate loop). */
export const BN_X = 4965661367192848881n;

export const modp = (a: bigint, m: bigint = P): bigint => {
  const r = a % m;
  return r < 0n ? r + m : r;
};

export function powmod(b: bigint, e: bigint, m: bigint): bigint {
  let x = 1n;
  b = modp(b, m);
  while (e > 0n) {
    if (e & 1n) x = (x * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return x;
}

export const invmod = (a: bigint, m: bigint = P): bigint => {
  if (modp(a, m) === 0n) throw new Error("inverse of zero");
  return powmod(a, m - 2n, m);
};

export type Fq2 = [bigint, bigint];
export type Fq12 = Fq2[]; // 6 coefficients

export const fq2 = {
  zero: [0n, 0n] as Fq2,
  one: [1n, 0n] as Fq2,
  add: (a: Fq2, b: Fq2): Fq2 => [modp(a[0] + b[0]), modp(a[1] + b[1])],
  sub: (a: Fq2, b: Fq2): Fq2 => [modp(a[0] - b[0]), modp(a[1] - b[1])],
  neg: (a: Fq2): Fq2 => [modp(-a[0]), modp(-a[1])],
  mul: (a: Fq2, b: Fq2): Fq2 => [modp(a[0] * b[0] - a[1] * b[1]), modp(a[0] * b[1] + a[1] * b[0])],
  scale: (a: Fq2, k: bigint): Fq2 => [modp(a[0] * k), modp(a[1] * k)],
  conj: (a: Fq2): Fq2 => [modp(a[0]), modp(-a[1])],
  inv: (a: Fq2): Fq2 => {
    const n = invmod(modp(a[0] * a[0] + a[1] * a[1]));
    return [modp(a[0] * n), modp(-a[1] * n)];
  },
  eq: (a: Fq2, b: Fq2): boolean => modp(a[0] - b[0]) === 0n && modp(a[1] - b[1]) === 0n,
  pow: (a: Fq2, e: bigint): Fq2 => {
    let x: Fq2 = [1n, 0n];
    let b = a;
    while (e > 0n) {
      if (e & 1n) x = fq2.mul(x, b);
      b = fq2.mul(b, b);
      e >>= 1n;
    }
    return x;
  },
};

export const XI: Fq2 = [9n, 1n];

export const fq12 = {
  zero: (): Fq12 => Array.from({ length: 6 }, () => [0n, 0n] as Fq2),
  one: (): Fq12 => [[1n, 0n], ...Array.from({ length: 5 }, () => [0n, 0n] as Fq2)],
  mul: (a: Fq12, b: Fq12): Fq12 => {
    const c: Fq2[] = Array.from({ length: 11 }, () => [0n, 0n] as Fq2);
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 6; j++) c[i + j] = fq2.add(c[i + j]!, fq2.mul(a[i]!, b[j]!));
    for (let k = 10; k >= 6; k--) c[k - 6] = fq2.add(c[k - 6]!, fq2.mul(c[k]!, XI));
    return c.slice(0, 6);
  },
  eq: (a: Fq12, b: Fq12): boolean => a.every((x, i) => fq2.eq(x, b[i]!)),
  /** a^(p^e): Σ conj^e(A_b)·γ_e^b·w^b with γ_e = ξ^((p^e − 1)/6). */
  frobenius: (a: Fq12, e: number): Fq12 => {
    const g = frobeniusCoeffs(e);
    return a.map((x, b) => fq2.mul(e % 2 ? fq2.conj(x) : x, g[b]!));
  },
};

/** γ_e^b for b = 0..5: w^(b·p^e) = γ_e^b·w^b. */
export function frobeniusCoeffs(e: number): Fq2[] {
  const pe = P ** BigInt(e);
  const g = fq2.pow(XI, (pe - 1n) / 6n);
  const out: Fq2[] = [[1n, 0n]];
  for (let b = 1; b < 6; b++) out.push(fq2.mul(out[b - 1]!, g));
  return out;
}
