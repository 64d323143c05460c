/**
 * Constants of the BN254 gadget library that circom cannot derive cheaply at compile time, and
 * the generator of circuits/lib/bn254/constants.circom:
 *
 *   npx tsx src/bn254/constants.ts            (rewrites the file; a test checks it is current)
 *
 * Extension products are computed by evaluation (circuits/lib/bn254/field.circom, ExtMul): an
 * element A = Σ_j a_j·e_j of Fq2 or Fq12 (basis e_j, coefficients a_j integers in limb form) is
 * mapped by S linear functionals ψ_s into the native field Fr, one multiplication ψ_s(A)·ψ_s(B)
 * per functional and per limb evaluation point, and a constant matrix Rec recovers the integer
 * coefficients of A·B (reduced by the extension's modulus over Z, not yet mod p) from the S
 * products. Rec·(ψ(A)∘ψ(B)) = coefficients of A·B must hold for all A, B (checked here on the
 * basis, and it is bilinear).
 *
 *  - Fq2 = Z[u]/(u² + 1): Fr contains i = √−1, ψ± (a0 + a1·u) = a0 ± i·a1 are ring homomorphisms:
 *    S = 2.
 *  - Fq12 = Z[u, w]/(u² + 1, w⁶ − 9 − u): with u ↦ i the polynomial w⁶ − (9 + i) splits in Fr
 *    (9 + i is a sixth power for one of the two square roots of −1, chosen here), giving 6 ring
 *    homomorphisms w ↦ ρ_k. With u ↦ −i, w⁶ − (9 − i) does not split: A maps to a polynomial of
 *    degree ≤ 5 over Fr, and the product of two of them (degree ≤ 10) is evaluated at 11 points
 *    and reduced mod w⁶ − (9 − i). S = 6 + 11 = 17 (a generic bivariate evaluation needs 33).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { REPO_ROOT } from "../build/circom.ts";
import { fq2, frobeniusCoeffs, invmod, modp, P, powmod, R, XI } from "./tower.ts";

const fr = (a: bigint) => modp(a, R);
const frInv = (a: bigint) => invmod(a, R);

/** A square root of −1 in Fr such that 9 + i is a sixth power. */
export function frSqrtMinusOne(): bigint {
  // r − 1 = 2^28·m: a non-residue g gives i = g^((r−1)/4).
  for (let g = 2n; ; g++) {
    if (powmod(g, (R - 1n) / 2n, R) !== R - 1n) continue;
    const i = powmod(g, (R - 1n) / 4n, R);
    for (const s of [i, R - i]) if (powmod(fr(9n + s), (R - 1n) / 6n, R) === 1n) return s;
    throw new Error("neither 9 + i nor 9 − i is a sixth power");
  }
}

// --- polynomials over Fr (coefficient arrays, low degree first) -------------------------------
type Poly = bigint[];
const trim = (a: Poly): Poly => {
  const b = a.slice();
  while (b.length && b[b.length - 1] === 0n) b.pop();
  return b;
};
function polyMod(a: Poly, m: Poly): Poly {
  const r = trim(a.map(fr));
  const lead = frInv(m[m.length - 1]!);
  while (r.length >= m.length) {
    const c = fr(r[r.length - 1]! * lead);
    const sh = r.length - m.length;
    for (let i = 0; i < m.length; i++) r[sh + i] = fr(r[sh + i]! - c * m[i]!);
    while (r.length && r[r.length - 1] === 0n) r.pop();
  }
  return r;
}
function polyMul(a: Poly, b: Poly): Poly {
  const c: Poly = Array(Math.max(a.length + b.length - 1, 0)).fill(0n);
  a.forEach((x, i) => {
    b.forEach((y, j) => {
      c[i + j] = fr(c[i + j]! + x * y);
    });
  });
  return c;
}
function polyGcd(a: Poly, b: Poly): Poly {
  let x = trim(a);
  let y = trim(b);
  while (y.length) [x, y] = [y, polyMod(x, y)];
  const l = frInv(x[x.length - 1]!);
  return x.map((c) => fr(c * l));
}
function polyPowMod(base: Poly, e: bigint, m: Poly): Poly {
  let x: Poly = [1n];
  let b = polyMod(base, m);
  while (e > 0n) {
    if (e & 1n) x = polyMod(polyMul(x, b), m);
    b = polyMod(polyMul(b, b), m);
    e >>= 1n;
  }
  return x;
}

/** All roots in Fr of a squarefree polynomial that splits (Cantor–Zassenhaus). */
function roots(f: Poly): bigint[] {
  const g = trim(f);
  if (g.length === 2) return [fr(-g[0]! * frInv(g[1]!))];
  for (let d = 1n; ; d++) {
    const h = polyPowMod([d, 1n], (R - 1n) / 2n, g);
    h[0] = fr((h[0] ?? 0n) - 1n);
    const k = polyGcd(g, h);
    if (k.length > 1 && k.length < g.length) {
      // g = k · (g / k)
      const q = polyDiv(g, k);
      return [...roots(k), ...roots(q)];
    }
  }
}
function polyDiv(a: Poly, m: Poly): Poly {
  const r = a.slice();
  const q: Poly = Array(a.length - m.length + 1).fill(0n);
  const lead = frInv(m[m.length - 1]!);
  for (let s = a.length - m.length; s >= 0; s--) {
    const c = fr(r[s + m.length - 1]! * lead);
    q[s] = c;
    for (let i = 0; i < m.length; i++) r[s + i] = fr(r[s + i]! - c * m[i]!);
  }
  return q;
}

/** Inverse of a square matrix over Fr (Gauss–Jordan). */
function matInv(m: bigint[][]): bigint[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row.map(fr), ...Array.from({ length: n }, (_, j) => (i === j ? 1n : 0n))]);
  for (let c = 0; c < n; c++) {
    const piv = a.findIndex((row, i) => i >= c && row[c] !== 0n);
    if (piv < 0) throw new Error("singular matrix");
    [a[c], a[piv]] = [a[piv]!, a[c]!];
    const iv = frInv(a[c]![c]!);
    a[c] = a[c]!.map((x) => fr(x * iv));
    for (let i = 0; i < n; i++) {
      if (i === c || a[i]![c] === 0n) continue;
      const f = a[i]![c]!;
      a[i] = a[i]!.map((x, j) => fr(x - f * a[c]![j]!));
    }
  }
  return a.map((row) => row.slice(n));
}

export interface ExtScheme {
  /** Extension degree over Fq (coefficients per element). */
  D: number;
  /** ψ[s][j] = ψ_s(e_j). */
  psi: bigint[][];
  /** rec[i][s]: coefficient i of A·B = Σ_s rec[i][s]·ψ_s(A)·ψ_s(B). */
  rec: bigint[][];
  /** Structure constants over Z: e_j·e_l = Σ_i W[i][j][l]·e_i. */
  W: number[][][];
  /** max_i Σ_{j,l} |W[i][j][l]|: bounds an output coefficient by this many limb-products. */
  M: number;
}

/** Integer structure constants of the tower basis e_{2b+a} = u^a·w^b (a < 2, b < 6). */
function towerStructure(): number[][][] {
  const W = Array.from({ length: 12 }, () => Array.from({ length: 12 }, () => Array(12).fill(0) as number[]));
  for (let j = 0; j < 12; j++)
    for (let l = 0; l < 12; l++) {
      let a = (j % 2) + (l % 2);
      let b = Math.floor(j / 2) + Math.floor(l / 2);
      // u^a w^b with a ≤ 2, b ≤ 10 → Σ c·u^a' w^b'
      let terms: [number, number, number][] = [[1, a, b]];
      if (b >= 6) {
        // w^6 = 9 + u
        terms = [
          [9, a, b - 6],
          [1, a + 1, b - 6],
        ];
      }
      for (const [c0, a0, b0] of terms) {
        a = a0;
        b = b0;
        let c = c0;
        while (a >= 2) {
          a -= 2;
          c = -c;
        }
        W[2 * b + a]![j]![l] += c;
      }
    }
  return W;
}

function schemeM(W: number[][][]): number {
  return Math.max(...W.map((m) => m.flat().reduce((s, x) => s + Math.abs(x), 0)));
}

export function fq2Scheme(): ExtScheme {
  const i = frSqrtMinusOne();
  const psi = [
    [1n, i],
    [1n, fr(-i)],
  ];
  const half = frInv(2n);
  const rec = [
    [half, half],
    [fr(frInv(fr(2n * i))), fr(-frInv(fr(2n * i)))],
  ];
  const W = [
    [
      [1, 0],
      [0, -1],
    ],
    [
      [0, 1],
      [1, 0],
    ],
  ];
  return { D: 2, psi, rec, W, M: schemeM(W) };
}

export function fq12Scheme(): ExtScheme {
  const i = frSqrtMinusOne();
  const xi = fr(9n + i);
  const xib = fr(9n - i);
  const rho = roots([fr(-xi), 0n, 0n, 0n, 0n, 0n, 1n]);
  if (rho.length !== 6) throw new Error("w^6 − (9 + i) does not split");
  const pts = Array.from({ length: 11 }, (_, s) => BigInt(s));
  const psi: bigint[][] = [];
  // e_{2b+a} = u^a w^b
  for (const r of rho)
    psi.push(Array.from({ length: 12 }, (_, j) => fr((j % 2 ? i : 1n) * powmod(r, BigInt(j >> 1), R))));
  for (const s of pts)
    psi.push(Array.from({ length: 12 }, (_, j) => fr((j % 2 ? -i : 1n) * powmod(s, BigInt(j >> 1), R))));
  // C⁺_b = c_{0,b} + i·c_{1,b}: interpolate the 6 root values.
  const V6 = matInv(rho.map((r) => Array.from({ length: 6 }, (_, b) => powmod(r, BigInt(b), R))));
  // g_m (m ≤ 10) from the 11 point values, then C⁻_b = g_b + ξ̄·g_{b+6}.
  const V11 = matInv(pts.map((s) => Array.from({ length: 11 }, (_, m) => powmod(s, BigInt(m), R))));
  const rec: bigint[][] = Array.from({ length: 12 }, () => Array(17).fill(0n) as bigint[]);
  const half = frInv(2n);
  const inv2i = frInv(fr(2n * i));
  for (let b = 0; b < 6; b++) {
    const cp = Array.from({ length: 17 }, (_, s) => (s < 6 ? V6[b]![s]! : 0n));
    const cm = Array.from({ length: 17 }, (_, s) =>
      s < 6 ? 0n : fr(V11[b]![s - 6]! + (b + 6 <= 10 ? xib * V11[b + 6]![s - 6]! : 0n)),
    );
    for (let s = 0; s < 17; s++) {
      rec[2 * b]![s] = fr((cp[s]! + cm[s]!) * half);
      rec[2 * b + 1]![s] = fr((cp[s]! - cm[s]!) * inv2i);
    }
  }
  const W = towerStructure();
  return { D: 12, psi, rec, W, M: schemeM(W) };
}

/** Checks Rec·(ψ(e_j)∘ψ(e_l)) = W[·][j][l] for every pair of basis elements. */
export function checkScheme(sc: ExtScheme): void {
  for (let j = 0; j < sc.D; j++)
    for (let l = 0; l < sc.D; l++)
      for (let i = 0; i < sc.D; i++) {
        let v = 0n;
        for (let s = 0; s < sc.psi.length; s++) v += sc.rec[i]![s]! * sc.psi[s]![j]! * sc.psi[s]![l]!;
        if (fr(v) !== fr(BigInt(sc.W[i]![j]![l]!))) throw new Error(`scheme wrong at ${i},${j},${l}`);
      }
}

const clog2 = (x: number) => Math.ceil(Math.log2(x));

/** The generated circom source. */
export function constantsCircom(): string {
  const s2 = fq2Scheme();
  const s12 = fq12Scheme();
  checkScheme(s2);
  checkScheme(s12);
  const S = 17;
  const D = 12;
  const pad = (m: bigint[][], rows: number, cols: number) =>
    Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => m[i]?.[j] ?? 0n));
  const mat = (name: string, m: bigint[][]) =>
    m
      .flatMap((row, i) =>
        row.map((v, j) => (v === 0n ? "" : `    ${name}[${i}][${j}] = ${v};`)).filter(Boolean),
      )
      .join("\n");
  const ext = (id: number, sc: ExtScheme) => ({ id, sc });
  const schemes = [ext(1, { D: 1, psi: [[1n]], rec: [[1n]], W: [[[1]]], M: 1 }), ext(2, s2), ext(12, s12)];
  const fn = (name: string, rows: number, cols: number, pick: (sc: ExtScheme) => bigint[][]) =>
    [
      `function ${name}(ID) {`,
      `    var m[${rows}][${cols}];`,
      `    for (var i = 0; i < ${rows}; i++) for (var j = 0; j < ${cols}; j++) m[i][j] = 0;`,
      ...schemes.map(({ id, sc }) => `    if (ID == ${id}) {\n${mat("m", pad(pick(sc), rows, cols))}\n    }`),
      "    return m;",
      "}",
    ].join("\n");
  const scalar = (name: string, pick: (sc: ExtScheme) => number) =>
    [
      `function ${name}(ID) {`,
      ...schemes.map(({ id, sc }) => `    if (ID == ${id}) return ${pick(sc)};`),
      "    assert(0);",
      "    return 0;",
      "}",
    ].join("\n");
  // Frobenius coefficients γ_e^b (e = 1..3, b = 0..5) as Fq2 values, in two 128-bit halves.
  const frob: string[] = [];
  for (let e = 1; e <= 3; e++) {
    const g = frobeniusCoeffs(e);
    for (let b = 0; b < 6; b++)
      for (let a = 0; a < 2; a++) {
        const v = g[b]![a]!;
        frob.push(
          `    g[${e}][${b}][${a}][0] = ${v & ((1n << 128n) - 1n)}; g[${e}][${b}][${a}][1] = ${v >> 128n};`,
        );
      }
  }
  // Twist coefficient b' = 3/ξ.
  const bt = fq2.scale(fq2.inv(XI), 3n);
  const half = (v: bigint) => `${v & ((1n << 128n) - 1n)}, ${v >> 128n}`;
  return `pragma circom 2.1.0;

/*
 * GENERATED by src/bn254/constants.ts (npx tsx src/bn254/constants.ts); do not edit.
 *
 * Evaluation schemes for extension-field products (ID 1: Fq, ID 2: Fq2, ID 12: Fq12 in the tower
 * basis e_{2b+a} = u^a·w^b): ψ[s][j] = ψ_s(e_j) ∈ Fr and rec[i][s], with
 * Σ_s rec[i][s]·ψ_s(A)·ψ_s(B) = coefficient i of A·B over Z (see src/bn254/constants.ts).
 * bn_ext_mbits(ID) = ⌈log2 max_i Σ_{j,l} |W[i][j][l]|⌉ (Fq2: M = ${s2.M}; Fq12: M = ${s12.M}).
 */

${scalar("bn_ext_dim", (sc) => sc.D)}

${scalar("bn_ext_points", (sc) => sc.psi.length)}

${scalar("bn_ext_mbits", (sc) => Math.max(clog2(sc.M), 0))}

${fn("bn_ext_psi", S, D, (sc) => sc.psi)}

${fn("bn_ext_rec", D, S, (sc) => sc.rec)}

/* Frobenius: γ_e^b = ξ^(b·(p^e − 1)/6), g[e][b][a][h]: coefficient a (of 1, u), half h (low/high 128 bits). */
/* Twist E': y² = x³ + b', b' = 3/(9 + u): [c0 low, c0 high, c1 low, c1 high]. */
function bn_twist_b_halves() {
    var b[4] = [${half(bt[0])}, ${half(bt[1])}];
    return b;
}

function bn_frobenius_halves() {
    var g[4][6][2][2];
    for (var e = 0; e < 4; e++) for (var b = 0; b < 6; b++) for (var a = 0; a < 2; a++) { g[e][b][a][0] = 0; g[e][b][a][1] = 0; }
${frob.join("\n")}
    return g;
}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = join(REPO_ROOT, "circuits/lib/bn254/constants.circom");
  writeFileSync(out, constantsCircom());
  console.log(`wrote ${out}`);
}

export { P };
