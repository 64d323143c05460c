/**
 * TypeScript mirror of the reduction check's parameters and hints (circuits/lib/bn254/bigint.circom
 * bn_reduce_params / bn_reduce_hint, fq.circom FqReduce). The circuits compute their own hints;
 * this mirror lets tests build honest and adversarial inputs for FqReduceCheck, whose hints are
 * inputs, and documents the bound argument in executable form.
 */
import { type LimbShape, SHAPE, toLimbs } from "./limbs.ts";
import { invmod, modp, P, R } from "./tower.ts";

export interface ReduceParams {
  /** max(VB, 254) */
  vb: number;
  /** bits of q' = q + OFF */
  qb: number;
  /** limbs of q' */
  kq: number;
  /** bits of q's top limb */
  qt: number;
  /** OFF = 2^offe */
  offe: number;
  /** coefficients of D(X) */
  md: number;
  /** |D_m| < 2^dball */
  dball: number;
  /** |carry| < 2^cb */
  cb: number;
  /** limbs per carry segment */
  s: number;
  /** limbs covered by carries */
  j: number;
  /** number of carries */
  nseg: number;
}

const clog2 = (x: number) => {
  let b = 0;
  while (2 ** b < x) b++;
  return b;
};

export function reduceParams(M: number, DB: number, VB: number, sh: LimbShape = SHAPE): ReduceParams {
  const { n: N, k: K } = sh;
  const vb = Math.max(VB, 254);
  const qb = vb - 252;
  const kq = Math.ceil(qb / N);
  const qt = qb - N * (kq - 1);
  const offe = vb - 253;
  const md = Math.max(M, kq + K - 1, K, Math.floor(offe / N) + K);
  const qmax = kq === 1 ? qt : N;
  const dball = Math.max(DB, N + qmax + clog2(Math.min(kq, K)), N + (offe % N), N) + 2;
  if (dball > 250 - N) throw new Error(`coefficient bound 2^${dball} too large for ${N}-bit limbs`);
  const cb = dball - N + 1;
  const s = Math.floor((250 - dball) / N) + 1;
  const j = Math.ceil((vb + 3 - 252) / N);
  return { vb, qb, kq, qt, offe, md, dball, cb, s, j, nseg: Math.ceil(j / s) };
}

/** Integer coefficients D_m = d_m + (OFF·P)_m − (q'·P)_m − r_m. */
function dCoeffs(d: bigint[], q: bigint[], r: bigint[] | null, prm: ReduceParams, sh: LimbShape): bigint[] {
  const p = toLimbs(P, sh);
  const off = 1n << BigInt(prm.offe);
  const offL = toLimbs(off, { n: sh.n, k: prm.md });
  const D = Array.from({ length: prm.md }, (_, m) => d[m] ?? 0n);
  for (let m = 0; m < prm.md; m++) {
    for (let i = 0; i <= m; i++) {
      const pj = p[m - i] ?? 0n;
      D[m] = D[m]! + (offL[i] ?? 0n) * pj - (q[i] ?? 0n) * pj;
    }
    if (r && m < sh.k) D[m] = D[m]! - r[m]!;
  }
  return D;
}

/** Carries as the circuit computes them: field divisions (exact when the low limbs vanish). */
export function reduceCarries(
  d: bigint[],
  q: bigint[],
  r: bigint[] | null,
  prm: ReduceParams,
  sh: LimbShape = SHAPE,
): bigint[] {
  const D = dCoeffs(d, q, r, prm, sh);
  const out: bigint[] = [];
  let prev = 0n;
  for (let st = 0; st < prm.j; st += prm.s) {
    const len = Math.min(prm.s, prm.j - st);
    let lhs = prev;
    for (let m = st; m < st + len; m++) lhs += (D[m] ?? 0n) * (1n << BigInt(sh.n * (m - st)));
    prev = modp(lhs * invmod(modp(1n << BigInt(sh.n * len), R), R), R);
    out.push(prev);
  }
  return out;
}

/** Signed field element → circuit input (negative values as r − |x|). */
export const fe = (x: bigint): string => String(modp(x, R));

/** Honest hints for V = Σ d_m·2^(N·m): r = V mod p, q' = (V − r)/p + OFF, carries. */
export function reduceHints(d: bigint[], prm: ReduceParams, sh: LimbShape = SHAPE) {
  const V = d.reduce((acc, x, m) => acc + x * (1n << BigInt(sh.n * m)), 0n);
  const r = modp(V);
  const qv = (V - r) / P + (1n << BigInt(prm.offe));
  const q = toLimbs(qv, { n: sh.n, k: prm.kq });
  const rl = toLimbs(r, sh);
  return { V, r, rLimbs: rl, q, qValue: qv, carries: reduceCarries(d, q, rl, prm, sh) };
}

/** Limb-product coefficients of a(X)·b(X). */
export function polyMul(a: bigint[], b: bigint[]): bigint[] {
  const c = Array<bigint>(a.length + b.length - 1).fill(0n);
  a.forEach((x, i) => {
    b.forEach((y, j) => {
      c[i + j] = c[i + j]! + x * y;
    });
  });
  return c;
}
