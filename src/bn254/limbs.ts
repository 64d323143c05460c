/**
 * Conversions between BN254 values and the limb encoding of circuits/lib/bn254 (K limbs of N bits,
 * least significant first; see circuits/lib/bn254/fq.circom), and between ffjavascript's bn128
 * objects and the circuits' layouts:
 *
 *   Fq    → string[K]
 *   Fq2   → string[2][K]               [c0, c1] = c0 + c1·u
 *   Fq12  → string[6][2][K]            Σ_b A_b·w^b (tower basis, src/bn254/tower.ts)
 *   G1    → string[2][K]               affine (x, y)
 *   G2    → string[2][2][K]            affine (x, y) on the twist, coordinates in Fq2
 */
import { type Fq2, type Fq12, P } from "./tower.ts";

/** The project's limb shape. */
export const LIMB_BITS = 43;
export const LIMBS = 6;

export interface LimbShape {
  n: number;
  k: number;
}
export const SHAPE: LimbShape = { n: LIMB_BITS, k: LIMBS };

/** Bits of the top limb: reduced-form values are < 2^254. */
export const topBits = (s: LimbShape = SHAPE) => 254 - s.n * (s.k - 1);

/** x (0 ≤ x < 2^(N·K)) as K limbs. Not reduced mod p: callers choose the representative. */
export function toLimbs(x: bigint, s: LimbShape = SHAPE): bigint[] {
  if (x < 0n || x >> BigInt(s.n * s.k) !== 0n) throw new RangeError(`${x} does not fit ${s.k}×${s.n} limbs`);
  const mask = (1n << BigInt(s.n)) - 1n;
  return Array.from({ length: s.k }, (_, i) => (x >> BigInt(s.n * i)) & mask);
}

/** Σ limb_i·2^(N·i) (limbs may be any integers). */
export function fromLimbs(limbs: readonly (bigint | number | string)[], s: LimbShape = SHAPE): bigint {
  return limbs.reduce<bigint>((acc, l, i) => acc + BigInt(l) * (1n << BigInt(s.n * i)), 0n);
}

/** True if the limbs are in reduced form (each N bits, the top one topBits). */
export function isReduced(limbs: readonly bigint[], s: LimbShape = SHAPE): boolean {
  return (
    limbs.length === s.k &&
    limbs.every((l, i) => l >= 0n && l >> BigInt(i === s.k - 1 ? topBits(s) : s.n) === 0n)
  );
}

const str = (v: bigint[]) => v.map(String);

/** Canonical Fq value (reduced mod p) as circuit input. */
export const fqIn = (x: bigint, s: LimbShape = SHAPE): string[] => str(toLimbs(((x % P) + P) % P, s));
export const fq2In = (a: Fq2, s: LimbShape = SHAPE): string[][] => a.map((c) => fqIn(c, s));
export const fq12In = (a: Fq12, s: LimbShape = SHAPE): string[][][] => a.map((c) => fq2In(c, s));

// --- ffjavascript (wasm curve objects: F1/F2/F12 elements as Uint8Array, toObject → bigints) ---

/** The parts of ffjavascript's bn128 curve object used here. */
export interface FfCurve {
  F1: FfField;
  F2: FfField;
  F12: FfField;
  G1: FfGroup;
  G2: FfGroup;
}
export interface FfField {
  toObject(a: Uint8Array): unknown;
  fromObject(o: unknown): Uint8Array;
}
export interface FfGroup {
  F: FfField;
  toAffine(a: Uint8Array): Uint8Array;
  toObject(a: Uint8Array): unknown;
  fromObject(o: unknown): Uint8Array;
}

type Obj2 = [bigint, bigint];

export const ffToFq = (c: FfCurve, a: Uint8Array): bigint => c.F1.toObject(a) as bigint;
export const ffToFq2 = (c: FfCurve, a: Uint8Array): Fq2 => {
  const o = c.F2.toObject(a) as Obj2;
  return [o[0], o[1]];
};

/** ffjavascript F12 [[c00, c01, c02], [c10, c11, c12]] → tower coefficients A_b (A_{2j} = c0j, A_{2j+1} = c1j). */
export function ffToFq12(c: FfCurve, a: Uint8Array): Fq12 {
  const o = c.F12.toObject(a) as [Obj2[], Obj2[]];
  return Array.from({ length: 6 }, (_, b) => {
    const x = o[b % 2]![b >> 1]!;
    return [x[0], x[1]] as Fq2;
  });
}

export function fq12ToFf(c: FfCurve, a: Fq12): Uint8Array {
  const half = (h: number) => [0, 1, 2].map((j) => a[2 * j + h]!);
  return c.F12.fromObject([half(0), half(1)]);
}

export const fq2ToFf = (c: FfCurve, a: Fq2): Uint8Array => c.F2.fromObject(a);

/** Affine G1 point (x, y) as bigints (the point at infinity is not representable). */
export function ffToG1(c: FfCurve, p: Uint8Array): [bigint, bigint] {
  const o = c.G1.toObject(c.G1.toAffine(p)) as bigint[];
  return [o[0]!, o[1]!];
}

export function ffToG2(c: FfCurve, p: Uint8Array): [Fq2, Fq2] {
  const o = c.G2.toObject(c.G2.toAffine(p)) as Obj2[];
  return [
    [o[0]![0], o[0]![1]],
    [o[1]![0], o[1]![1]],
  ];
}

export const g1In = (p: [bigint, bigint], s: LimbShape = SHAPE): string[][] => [fqIn(p[0], s), fqIn(p[1], s)];
export const g2In = (p: [Fq2, Fq2], s: LimbShape = SHAPE): string[][][] => [fq2In(p[0], s), fq2In(p[1], s)];

/** Reads circuit limb arrays back (decimal strings or bigints) into values (not reduced mod p). */
export const fqOut = (limbs: readonly (string | bigint)[], s: LimbShape = SHAPE): bigint =>
  fromLimbs(limbs, s);
export const fq2Out = (a: readonly (readonly (string | bigint)[])[], s: LimbShape = SHAPE): Fq2 => [
  fqOut(a[0]!, s) % P,
  fqOut(a[1]!, s) % P,
];
