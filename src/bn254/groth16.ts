/**
 * The in-circuit Groth16 verifier's constants and witness (circuits/groth16_verifier.circom):
 *
 *  - verifierConstants: from a snarkjs verification key, the circuit's constants — the per-step
 *    linear forms of the two constant-line products, the fixed-base tables of IC1 in multilinear
 *    form, IC0 − ΣΔ and K = MillerLoop(α, β);
 *  - renderVkeyCircom: those constants as the circom functions the verifier calls (a generated file
 *    that includes the verifier);
 *  - verifierTrace / verifierInput: every private input (hint) of one verification, computed here
 *    with bigint arithmetic (src/bn254/pairing.ts) in the order and normalisation the circuit uses,
 *    so that the residue witness matches the circuit's accumulator exactly.
 *
 * The accumulator the circuit computes (VerifierStep): start at c⁻¹; per step f ← f² (doubling) or
 * f·c^∓1 (digit ±1), then f ← f·ℓ_B(A)·G_s with ℓ_B(A) = y_A + c1·w + c3·w³ and
 * G_s = (1 − λ_γ·X_L·w + μ_γ·Y_L·w³)(1 − λ_δ·X_C·w + μ_δ·Y_C·w³) (lines of −γ and −δ divided by
 * y_L, y_C: Fq factors, absorbed by the residue w ∈ Fq6 — pairing.ts explains why any Fq6 factor
 * may be).
 *
 * A committed key (a verification key with the commitment's [σ]₂, src/commit/verify.ts) gets the
 * committed verifier (Groth16Verifier's CM = 1): the child's public input is x' = Poseidon(x, H(D)),
 * L' = IC0 + x'·IC1 + D, and the knowledge check e(P, [1]₂) = e(D, [σ]₂) joins the same Miller loop
 * raised to a random scalar (2^65 + ρ₁) + λ·ρ₂ from ρ = committedRho(…), a hash of the child proof
 * (committedRhoScalar): G_s is then the product of four constant lines,
 * of −γ at L', −δ at C, [1]₂ at ρ·P and −[σ]₂ at ρ·D (fixedLinesForms4).
 */
import { createHash } from "node:crypto";
import { committedPublicInput } from "../commit/verify.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { fq2In, fq12In, fqIn, g1In, g2In, LIMB_BITS, LIMBS, toLimbs } from "./limbs.ts";
import {
  type FixedLine,
  fixedG2Lines,
  fq2Inv,
  fq12Inv,
  fq12Mul,
  fqInv,
  type G1Affine,
  type G2Affine,
  g1,
  g2,
  groth16VkeyConstants,
  jsonG1,
  jsonG2,
  lineToFq12,
  type MillerStep,
  millerLines,
  NoResidueError,
  proofValues,
  type ResidueWitness,
  residueWitness,
  type SnarkjsProof,
  type SnarkjsVkey,
} from "./pairing.ts";
import { type Fq2, type Fq12, fq2, fq12, modp, R } from "./tower.ts";

/** Window width of the fixed-base multiplication L = IC0 + x·IC1. */
export const MSM_WINDOW = 8;
export const MSM_WINDOWS = Math.ceil(254 / MSM_WINDOW);
/** Miller steps (65 doublings, 21 digit additions, ψ and −ψ²) and non-doubling steps. */
export const VERIFIER_STEPS = 88;
export const VERIFIER_ADDS = 23;
const G1_GEN: G1Affine = [1n, 2n];
/** [1]₂, the G2 generator of snarkjs/ffjavascript (bn128 G2.g). */
export const G2_GEN: G2Affine = [
  [
    10857046999023057135944570762232829481370756359578518086990519993285655852781n,
    11559732032986387107991004021392285783925812861821192530917403151452391805634n,
  ],
  [
    8495653923123431417604973247489272438418190587263600148770280649306958101930n,
    4082367875863433681332203403145435568316851327593401208105741076214120093531n,
  ],
];
const XI: Fq2 = [9n, 1n];

/** The j-th m of FixedLinesProduct: 0 is the constant 1, then X_L, X_C, Y_L, Y_C, X_L·X_C, Y_L·Y_C, X_L·Y_C, X_C·Y_L. */
export const M_TERMS = 9;

/** Monomials of the four-line product (CM = 1): 3^4, index Σ d_i·3^i with d_i ∈ {0: 1, 1: X_i, 2: Y_i}. */
export const M4_TERMS = 81;

/**
 * The GLV endomorphism of G1: φ(x, y) = (β·x, y) = [λ]·(x, y), β a cube root of unity in Fq,
 * λ = 36x³ + 18x² + 6x + 1 a cube root of unity in Fr (test/groth16-verifier.test.ts checks both).
 */
export const GLV_BETA = 2203960485148121921418603742825762020974279258880205651966n;
export const GLV_LAMBDA = 4407920970296243842393367215006156084916469457145843978461n;
/** Bits of each half of the scalar (2^65 + ρ₁) + λ·ρ₂, ρ_i = Σ (2b − 1)·2^i over RHO_BITS bits of ρ. */
export const RHO_BITS = 64;
/** Additions of one ρ·P: P + φ(P), P − φ(P), their sum 2P, then two per bit. */
export const GLV_ADDS = 3 + 2 * RHO_BITS;

/** The commitment part of a committed key: [σ]₂ and the per-step forms of the four-line product. */
export interface CommittedConstants {
  sigma: G2Affine;
  oneLines: FixedLine[];
  negSigmaLines: FixedLine[];
  /** lines4[s][j] ∈ Fq2: the coefficient of monomial j at step s (power of w: m4Exponent(j) mod 6). */
  lines4: Fq2[][];
}

export interface VerifierConstants {
  /** vkeyHash-like identity of the key (sha256 of the canonical constants), for file names. */
  id: string;
  alpha: G1Affine;
  beta: G2Affine;
  ic0: G1Affine;
  ic1: G1Affine;
  negGammaLines: FixedLine[];
  negDeltaLines: FixedLine[];
  /** lines[s][o][j] ∈ Fq: coefficient o = 2·(power of w) + (0: real, 1: u) of G_s, on m_j. */
  lines: bigint[][][];
  /** Offsets Δ_i and tables T_i[j] = [j·2^(W·i)]·IC1 + Δ_i. */
  offsets: G1Affine[];
  tables: G1Affine[][];
  /** IC0 − ΣΔ_i. */
  base: G1Affine;
  /** K = MillerLoop(α, β). */
  k: Fq12;
  /** Present for a committed key (sigma_2 in the verification key). */
  committed?: CommittedConstants;
}

const mustPoint = (p: G1Affine | null, what: string): G1Affine => {
  if (p === null) throw new Error(`${what} is the point at infinity`);
  return p;
};

/** Δ_i = [s_i]·G1 with s_i from SHA-256 of a fixed label: nobody chooses them. */
export function msmOffset(i: number): G1Affine {
  const s =
    BigInt(`0x${createHash("sha256").update(`des-prover/groth16-verifier/msm-offset/${i}`).digest("hex")}`) %
    R;
  return mustPoint(g1.mul(G1_GEN, s), "offset");
}

/** G_s's coefficients as linear forms in m (see M_TERMS) from the lines of −γ and −δ at step s. */
export function fixedLinesForms(lg: FixedLine, ld: FixedLine): bigint[][] {
  const a = fq2.neg(lg.lambda);
  const b = lg.mu;
  const a2 = fq2.neg(ld.lambda);
  const b2 = ld.mu;
  const coef: Fq2[][] = Array.from({ length: 5 }, () => Array.from({ length: M_TERMS }, () => fq2.zero));
  coef[0]![0] = fq2.one;
  coef[0]![6] = fq2.mul(XI, fq2.mul(b, b2));
  coef[1]![1] = a;
  coef[1]![2] = a2;
  coef[2]![5] = fq2.mul(a, a2);
  coef[3]![3] = b;
  coef[3]![4] = b2;
  coef[4]![7] = fq2.mul(a, b2);
  coef[4]![8] = fq2.mul(a2, b);
  const out: bigint[][] = [];
  for (let o = 0; o < 10; o++) out.push(coef[o >> 1]!.map((c) => c[o & 1]!));
  return out;
}

/** Evaluates G_s from its linear forms at m (the circuit's FixedLinesProduct, in Fq). */
export function evalFixedLinesForms(forms: bigint[][], m: readonly bigint[]): Fq12 {
  const full = [1n, ...m];
  const g: Fq12 = Array.from({ length: 6 }, () => [0n, 0n] as Fq2);
  forms.forEach((row, o) => {
    g[o >> 1]![o & 1] = modp(row.reduce((acc, k, j) => acc + k * full[j]!, 0n));
  });
  return g;
}

/** The digits of monomial j of the four-line product: d_i ∈ {0, 1, 2} (1, X_i, Y_i). */
export const m4Digits = (j: number): number[] => [0, 1, 2, 3].map((i) => Math.floor(j / 3 ** i) % 3);

/** The power of w that monomial j multiplies, before reduction by w⁶ = ξ (0 … 12). */
export const m4Exponent = (j: number): number =>
  m4Digits(j).reduce((a, d) => a + (d === 1 ? 1 : d === 2 ? 3 : 0), 0);

/**
 * The product of four normalised constant lines Π_i (1 + a_i·X_i·w + b_i·Y_i·w³), a_i = −λ_i,
 * b_i = μ_i, as one Fq2 coefficient per monomial j (fixed to the power m4Exponent(j) mod 6, the
 * factor ξ^⌊exponent/6⌋ folded in).
 */
export function fixedLinesForms4(ls: readonly FixedLine[]): Fq2[] {
  if (ls.length !== 4) throw new Error("four lines expected");
  const out: Fq2[] = [];
  for (let j = 0; j < M4_TERMS; j++) {
    let c: Fq2 = fq2.one;
    m4Digits(j).forEach((d, i) => {
      if (d === 1) c = fq2.mul(c, fq2.neg(ls[i]!.lambda));
      if (d === 2) c = fq2.mul(c, ls[i]!.mu);
    });
    for (let e = m4Exponent(j); e >= 6; e -= 6) c = fq2.mul(c, XI);
    out.push(c);
  }
  return out;
}

/** The monomials m_j (j = 0 … 80, m_0 = 1) of normalised points (X_i, Y_i), i = 0 … 3. */
export function monomials4(norm: readonly (readonly [bigint, bigint])[]): bigint[] {
  return Array.from({ length: M4_TERMS }, (_, j) =>
    m4Digits(j).reduce((a, d, i) => (d === 0 ? a : modp(a * norm[i]![d - 1]!)), 1n),
  );
}

/** Evaluates the four-line product from its forms at the monomials (FixedLinesProduct4, in Fq). */
export function evalFixedLinesForms4(forms: readonly Fq2[], m: readonly bigint[]): Fq12 {
  const g: Fq12 = Array.from({ length: 6 }, () => [0n, 0n] as Fq2);
  forms.forEach((c, j) => {
    const e = m4Exponent(j) % 6;
    g[e] = fq2.add(g[e]!, fq2.scale(c, m[j]!));
  });
  return g;
}

/** A verification key the verifier is built for: plain, or committed (with the commitment's [σ]₂). */
export type VerifierVkey = SnarkjsVkey & { sigma_2?: string[][] };

export function verifierConstants(vkey: VerifierVkey): VerifierConstants {
  const vk = groth16VkeyConstants(vkey);
  const negGammaLines = vk.negGammaLines;
  const negDeltaLines = vk.negDeltaLines;
  if (negGammaLines.length !== VERIFIER_STEPS) throw new Error("unexpected Miller schedule");
  const lines = negGammaLines.map((lg, s) => fixedLinesForms(lg, negDeltaLines[s]!));
  const offsets: G1Affine[] = [];
  const tables: G1Affine[][] = [];
  let step: G1Affine = vk.ic1; // [2^(W·i)]·IC1
  for (let i = 0; i < MSM_WINDOWS; i++) {
    const wb = Math.min(MSM_WINDOW, 254 - MSM_WINDOW * i);
    const off = msmOffset(i);
    offsets.push(off);
    const row: G1Affine[] = [off];
    for (let j = 1; j < 1 << wb; j++) row.push(mustPoint(g1.add(row[j - 1]!, step), "table entry"));
    tables.push(row);
    for (let t = 0; t < MSM_WINDOW; t++) step = mustPoint(g1.add(step, step), "IC1 multiple");
  }
  let sumOff: G1Affine | null = null;
  for (const o of offsets) sumOff = g1.add(sumOff, o);
  const base = mustPoint(g1.add(vk.ic0, g1.neg(mustPoint(sumOff, "Σ offsets"))), "IC0 − ΣΔ");
  const id = createHash("sha256")
    .update(
      JSON.stringify([vk.alpha, vk.beta, vk.gamma, vk.delta, vk.ic0, vk.ic1], (_k, v) =>
        typeof v === "bigint" ? v.toString() : v,
      ),
    )
    .digest("hex")
    .slice(0, 16);
  let committed: CommittedConstants | undefined;
  if (vkey.sigma_2 !== undefined) {
    const sigma = jsonG2(vkey.sigma_2);
    const oneLines = fixedG2Lines(G2_GEN);
    const negSigmaLines = fixedG2Lines(g2.neg(sigma));
    committed = {
      sigma,
      oneLines,
      negSigmaLines,
      lines4: negGammaLines.map((lg, s) =>
        fixedLinesForms4([lg, negDeltaLines[s]!, oneLines[s]!, negSigmaLines[s]!]),
      ),
    };
  }
  return {
    id: committed
      ? createHash("sha256")
          .update(`${id}/${committed.sigma.flat().join(",")}`)
          .digest("hex")
          .slice(0, 16)
      : id,
    alpha: vk.alpha,
    beta: vk.beta,
    ic0: vk.ic0,
    ic1: vk.ic1,
    negGammaLines,
    negDeltaLines,
    lines,
    offsets,
    tables,
    base,
    k: vk.alphaBetaMiller,
    committed,
  };
}

// ---------------------------------------------------------------------------------------------
// Circom constants
// ---------------------------------------------------------------------------------------------

/**
 * Multilinear coefficients of a table over w bits: v(bits) = Σ_mask c[mask]·Π_{i∈mask} b_i with
 * v(j) = table[j] (Möbius transform over subsets). Integers (signed), exact for limb values.
 */
export function mobius(values: readonly bigint[]): bigint[] {
  const c = values.slice();
  for (let bit = 1; bit < c.length; bit <<= 1) {
    for (let mask = 0; mask < c.length; mask++) if (mask & bit) c[mask] = c[mask]! - c[mask ^ bit]!;
  }
  return c;
}

const lit = (x: unknown): string => (Array.isArray(x) ? `[${x.map(lit).join(",")}]` : String(x));

/** The limbs of an Fq constant as circom literals (canonical value, 43-bit limbs). */
const limbs = (x: bigint): bigint[] => toLimbs(modp(x));

/**
 * The circom functions the verifier calls, for keys numbered 0, 1, … in `keys`' order:
 * bn_vk_lines(VK, S), bn_vk_lines4(VK, S) (committed keys), bn_vk_msm_window_bits(VK), bn_vk_msm_coeffs(VK, i), bn_vk_msm_base(VK),
 * bn_vk_k(VK). `include` is the path of circuits/groth16_verifier.circom relative to the file.
 */
export function renderVkeyCircom(keys: readonly VerifierConstants[], include: string): string {
  if (LIMB_BITS !== 43 || LIMBS !== 6) throw new Error("the generated constants assume 43-bit × 6 limbs");
  const out: string[] = [
    "pragma circom 2.1.0;",
    "",
    "// Generated by src/bn254/groth16.ts (renderVkeyCircom) from verification keys; do not edit.",
    `// Keys: ${keys.map((k, i) => `${i} = ${k.id}`).join(", ")}`,
    "",
    `include "${include}";`,
    "",
  ];
  const zeros = (dims: number[]): unknown =>
    dims.length ? Array.from({ length: dims[0]! }, () => zeros(dims.slice(1))) : 0;
  const dispatch = (
    name: string,
    args: string,
    dims: number[],
    body: (k: VerifierConstants, vk: number) => string[],
  ) => {
    out.push(`function ${name}(${args}) {`);
    keys.forEach((k, vk) => {
      out.push(`    if (VK == ${vk}) {`);
      for (const l of body(k, vk)) out.push(`        ${l}`);
      out.push("    }");
    });
    out.push("    assert(0 == 1);", `    return ${lit(zeros(dims))};`, "}", "");
  };
  dispatch("bn_vk_msm_window_bits", "VK", [], () => [`return ${MSM_WINDOW};`]);
  dispatch("bn_vk_lines", "VK, S", [10, M_TERMS, LIMBS], (k) =>
    k.lines.map((forms, s) => `if (S == ${s}) { return ${lit(forms.map((row) => row.map(limbs)))}; }`),
  );
  // committed keys only (CM = 1): per step, monomial j's Fq2 coefficient as [real limbs, u limbs]
  dispatch("bn_vk_lines4", "VK, S", [M4_TERMS, 2, LIMBS], (k) =>
    k.committed
      ? k.committed.lines4.map(
          (forms, s) => `if (S == ${s}) { return ${lit(forms.map((c) => [limbs(c[0]), limbs(c[1])]))}; }`,
        )
      : [],
  );
  dispatch("bn_vk_msm_coeffs", "VK, I", [1 << MSM_WINDOW, 2, LIMBS], (k) =>
    k.tables.map((row, i) => {
      const padded: bigint[][][] = Array.from({ length: 1 << MSM_WINDOW }, () => [
        Array(LIMBS).fill(0n),
        Array(LIMBS).fill(0n),
      ]);
      for (let c = 0; c < 2; c++) {
        for (let l = 0; l < LIMBS; l++) {
          const co = mobius(row.map((p) => toLimbs(p[c]!)[l]!));
          co.forEach((v, mask) => {
            padded[mask]![c]![l] = v;
          });
        }
      }
      return `if (I == ${i}) { return ${lit(padded)}; }`;
    }),
  );
  dispatch("bn_vk_msm_base", "VK", [2, LIMBS], (k) => [
    `return ${lit([limbs(k.base[0]), limbs(k.base[1])])};`,
  ]);
  dispatch("bn_vk_k", "VK", [6, 2, LIMBS], (k) => [
    `return ${lit(k.k.map((c) => [limbs(c[0]), limbs(c[1])]))};`,
  ]);
  return out.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Witness
// ---------------------------------------------------------------------------------------------

export interface VerifierTrace {
  a: G1Affine;
  b: G2Affine;
  c: G1Affine;
  x: bigint;
  l: G1Affine;
  /** Additions of the fixed-base multiplication: (p, q) per addition, p + q. */
  msmAdds: { p: G1Affine; q: G1Affine }[];
  /** X_P = x_P/y_P, Y_P = 1/y_P for L and C. */
  norm: [bigint, bigint][];
  /** m_1…m_8 (M_TERMS without the constant). */
  m: bigint[];
  /** B's steps (pair (A, B) of pairing.ts millerLines). */
  steps: Omit<MillerStep, "f">[];
  /** The circuit's accumulator without c, times K⁻¹ (the f of the residue witness). */
  f: Fq12;
  residue: ResidueWitness | null;
  /** A committed child's part (CM = 1); then norm holds L', C, ρ·P, ρ·D and m the 80 monomials. */
  committed?: CommittedTrace;
}

export interface CommittedTrace {
  d: G1Affine;
  pok: G1Affine;
  /** x' = Poseidon(x, H(D)), the child's public input. */
  xp: bigint;
  /** L' = L + D (the addition's operands: L, D). */
  lp: G1Affine;
  rho: bigint;
  /** ρ·P and ρ·D with every addition's operands (glvMul). */
  mulP: GlvMul;
  mulD: GlvMul;
}

export interface GlvMul {
  out: G1Affine;
  adds: { p: G1Affine; q: G1Affine }[];
}

/** A committed child's proof: snarkjs's (A, B, C) with the commitment D and its proof of knowledge P. */
export interface CommittedChildProof extends SnarkjsProof {
  D: string[];
  P: string[];
}

/** An Fq coordinate as two field elements, bits 0–214 and 215–253 (commitment.circom's split). */
const split215 = (v: bigint): bigint[] => [v & ((1n << 215n) - 1n), v >> 215n];

/**
 * ρ of the committed check: Poseidon(Poseidon(x', A, B), C, P), coordinates split as split215
 * (D enters through x'). The circuit takes bits 0 … 127 of it (committedRhoHalves).
 */
export function committedRho(xp: bigint, a: G1Affine, b: G2Affine, c: G1Affine, pok: G1Affine): bigint {
  const t = poseidon([xp, ...a.flatMap(split215), ...b.flat().flatMap(split215)]);
  return poseidon([t, ...c.flatMap(split215), ...pok.flatMap(split215)]);
}

/** The signed bits of ρ's halves: s_i = 2·b_i − 1 for bits 0 … 63 (ρ₁) and 64 … 127 (ρ₂). */
export function committedRhoHalves(rho: bigint): [number[], number[]] {
  const bit = (i: number) => Number((rho >> BigInt(i)) & 1n);
  const half = (o: number) => Array.from({ length: RHO_BITS }, (_, i) => 2 * bit(o + i) - 1);
  return [half(0), half(RHO_BITS)];
}

/** The scalar (2^65 + ρ₁) + λ·ρ₂ mod r that the circuit multiplies by (glvMul starts at 2P). */
export function committedRhoScalar(rho: bigint): bigint {
  const [s1, s2] = committedRhoHalves(rho);
  const v = (s: number[]) => s.reduce((a, d, i) => a + BigInt(d) * (1n << BigInt(i)), 0n);
  return modp((1n << BigInt(RHO_BITS + 1)) + v(s1) + GLV_LAMBDA * v(s2), R);
}

/**
 * ρ·P by the circuit's GLV double-and-add (DG1GlvMul): Q₁ = P + φ(P), Q₂ = P − φ(P); the digit pair
 * (s₁, s₂) of bit i selects T_i = s₁·P + s₂·φ(P) ∈ {±Q₁, ±Q₂}; acc = Q₁ + Q₂ = 2P, then per bit
 * (63 down to 0) acc ← (acc + T_i) + acc. Starting at 2P keeps acc's coefficient of P at |v| ≥ 2,
 * so acc ≠ ±T_i at every step (a start at T_63 meets acc = T_i with probability about 1/4 per step
 * while both coefficients are ±1). Every addition's operands are recorded (hints: slope, inverse
 * x-difference).
 */
export function glvMul(pt: G1Affine, rho: bigint): GlvMul {
  const [s1, s2] = committedRhoHalves(rho);
  return glvMulDigits(pt, s1, s2);
}

/** glvMul from the signed digits (s₁, s₂ ∈ {−1, 1}, least significant first, equal lengths). */
export function glvMulDigits(pt: G1Affine, s1: readonly number[], s2: readonly number[]): GlvMul {
  const phi: G1Affine = [modp(GLV_BETA * pt[0]), pt[1]];
  const adds: { p: G1Affine; q: G1Affine }[] = [];
  const add = (p: G1Affine, q: G1Affine): G1Affine => {
    if (p[0] === q[0]) throw new Error("GLV multiplication: equal x (the point is not in G1)");
    adds.push({ p, q });
    return mustPoint(g1.add(p, q), "GLV sum");
  };
  const q1 = add(pt, phi);
  const q2 = add(pt, g1.neg(phi));
  const digit = (i: number): G1Affine => {
    const q = s1[i]! === s2[i]! ? q1 : q2;
    return s1[i]! > 0 ? q : g1.neg(q);
  };
  let acc = add(q1, q2);
  for (let i = s1.length - 1; i >= 0; i--) acc = add(add(acc, digit(i)), acc);
  return { out: acc, adds };
}

/** L = IC0 + x·IC1 by the circuit's windows, with every addition's operands. */
export function fixedBaseMul(
  k: VerifierConstants,
  x: bigint,
): { l: G1Affine; adds: { p: G1Affine; q: G1Affine }[] } {
  const adds: { p: G1Affine; q: G1Affine }[] = [];
  let acc: G1Affine | null = null;
  for (let i = 0; i < MSM_WINDOWS; i++) {
    const j = Number((x >> BigInt(MSM_WINDOW * i)) & BigInt((1 << MSM_WINDOW) - 1));
    const t = k.tables[i]![j]!;
    if (acc === null) acc = t;
    else {
      adds.push({ p: acc, q: t });
      acc = mustPoint(g1.add(acc, t), "window sum");
    }
  }
  adds.push({ p: acc!, q: k.base });
  return { l: mustPoint(g1.add(acc, k.base), "IC0 + x·IC1"), adds };
}

/**
 * Every value of one in-circuit verification. With `allowInvalid`, a proof that does not verify
 * still gets its trace (residue null) — for tests that feed the circuit a bad proof.
 */
export function verifierTrace(
  k: VerifierConstants,
  proof: SnarkjsProof | CommittedChildProof,
  publicSignal: string | bigint,
  opts: { allowInvalid?: boolean } = {},
): VerifierTrace {
  const { a, b, c, x } = proofValues(proof, publicSignal);
  const normalise = (p: G1Affine): [bigint, bigint] => [modp(p[0] * fqInv(p[1])), fqInv(p[1])];
  let committed: CommittedTrace | undefined;
  let l: G1Affine;
  let adds: { p: G1Affine; q: G1Affine }[];
  let norm: [bigint, bigint][];
  let m: bigint[];
  if (k.committed) {
    const cp = proof as Partial<CommittedChildProof>;
    if (!cp.D || !cp.P) throw new Error("a committed key verifies committed proofs (D and P)");
    const d = jsonG1(cp.D);
    const pok = jsonG1(cp.P);
    if ((!g1.onCurve(d) || !g1.onCurve(pok)) && !opts.allowInvalid)
      throw new Error("D or P not on the curve");
    const xp = committedPublicInput(x, d);
    ({ l, adds } = fixedBaseMul(k, xp));
    if (l[0] === d[0]) throw new Error("L + D: equal x");
    const lp = mustPoint(g1.add(l, d), "L + D");
    const rho = committedRho(xp, a, b, c, pok);
    const mulP = glvMul(pok, rho);
    const mulD = glvMul(d, rho);
    committed = { d, pok, xp, lp, rho, mulP, mulD };
    norm = [lp, c, mulP.out, mulD.out].map(normalise);
    m = monomials4(norm).slice(1);
  } else {
    ({ l, adds } = fixedBaseMul(k, x));
    norm = [l, c].map(normalise);
    const [[XL, YL], [XC, YC]] = norm as [[bigint, bigint], [bigint, bigint]];
    m = [XL, XC, YL, YC, XL * XC, YL * YC, XL * YC, XC * YL].map((v) => modp(v));
  }
  const steps = millerLines([{ p: a, q: b }]);
  // The circuit's accumulator without the c factors.
  let f = fq12.one();
  steps.forEach((st, s) => {
    if (st.kind === "double") f = fq12Mul(f, f);
    const ln = st.lines[0]!;
    f = fq12Mul(f, lineToFq12(a[1], ln.c1, ln.c3));
    f = fq12Mul(
      f,
      k.committed
        ? evalFixedLinesForms4(k.committed.lines4[s]!, [1n, ...m])
        : evalFixedLinesForms(k.lines[s]!, m),
    );
  });
  f = fq12Mul(f, fq12Inv(k.k));
  let residue: ResidueWitness | null = null;
  try {
    residue = residueWitness(f);
  } catch (e) {
    if (!(e instanceof NoResidueError) || !opts.allowInvalid) throw e;
  }
  return { a, b, c, x, l, msmAdds: adds, norm, m, steps, f, residue, committed };
}

/** The hints of one slope-hinted G1 addition p + q (DG1AddHinted): its slope, as limbs. */
export const slopeHint = ({ p, q }: { p: G1Affine; q: G1Affine }): string[] =>
  fqIn(modp((q[1] - p[1]) * fqInv(q[0] - p[0])));
/** … and its inverse x-difference (x_q − x_p)⁻¹, as limbs. */
export const xDiffInvHint = ({ p, q }: { p: G1Affine; q: G1Affine }): string[] => fqIn(fqInv(q[0] - p[0]));

/** The Groth16Verifier's input signals for a trace (hints in limbs). A trace without a residue gets c = w = 1. */
export function verifierInput(t: VerifierTrace): Record<string, unknown> {
  const r = t.residue ?? { c: fq12.one(), cInv: fq12.one(), w: fq12.one() };
  const cm = t.committed;
  const committedInput = cm
    ? {
        d: g1In(cm.d),
        pok: g1In(cm.pok),
        ldLambda: slopeHint({ p: t.l, q: cm.d }),
        ldXInv: xDiffInvHint({ p: t.l, q: cm.d }),
        glvLambda: [cm.mulP, cm.mulD].map((g) => g.adds.map(slopeHint)),
        glvXInv: [cm.mulP, cm.mulD].map((g) => g.adds.map(xDiffInvHint)),
      }
    : {};
  const xInv: string[][][] = [];
  for (const st of t.steps) {
    if (st.kind === "double") continue;
    const ln = st.lines[0]!;
    xInv.push(fq2In(fq2Inv(fq2.sub(ln.q[0], ln.t[0]))));
  }
  return {
    x: t.x.toString(),
    a: g1In(t.a),
    b: g2In(t.b),
    c: g1In(t.c),
    msmLambda: t.msmAdds.map(slopeHint),
    msmXInv: t.msmAdds.map(xDiffInvHint),
    norm: t.norm.map(([X, Y]) => [fqIn(X), fqIn(Y)]),
    lambda: t.steps.map((s) => fq2In(s.lines[0]!.lambda)),
    xInv,
    rc: fq12In(r.c),
    rcInv: fq12In(r.cInv),
    rw: [0, 2, 4].map((i) => fq2In(r.w[i]!)),
    ...committedInput,
  };
}
