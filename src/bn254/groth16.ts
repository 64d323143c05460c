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
 */
import { createHash } from "node:crypto";
import { fq2In, fq12In, fqIn, g1In, g2In, LIMB_BITS, LIMBS, toLimbs } from "./limbs.ts";
import {
  type FixedLine,
  fq2Inv,
  fq12Inv,
  fq12Mul,
  fqInv,
  type G1Affine,
  type G2Affine,
  g1,
  groth16VkeyConstants,
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
const XI: Fq2 = [9n, 1n];

/** The j-th m of FixedLinesProduct: 0 is the constant 1, then X_L, X_C, Y_L, Y_C, X_L·X_C, Y_L·Y_C, X_L·Y_C, X_C·Y_L. */
export const M_TERMS = 9;

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

export function verifierConstants(vkey: SnarkjsVkey): VerifierConstants {
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
  return {
    id,
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
 * bn_vk_lines(VK, S), bn_vk_msm_window_bits(VK), bn_vk_msm_coeffs(VK, i), bn_vk_msm_base(VK),
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
  norm: [[bigint, bigint], [bigint, bigint]];
  /** m_1…m_8 (M_TERMS without the constant). */
  m: bigint[];
  /** B's steps (pair (A, B) of pairing.ts millerLines). */
  steps: Omit<MillerStep, "f">[];
  /** The circuit's accumulator without c, times K⁻¹ (the f of the residue witness). */
  f: Fq12;
  residue: ResidueWitness | null;
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
  proof: SnarkjsProof,
  publicSignal: string | bigint,
  opts: { allowInvalid?: boolean } = {},
): VerifierTrace {
  const { a, b, c, x } = proofValues(proof, publicSignal);
  const { l, adds } = fixedBaseMul(k, x);
  const norm: [[bigint, bigint], [bigint, bigint]] = [
    [modp(l[0] * fqInv(l[1])), fqInv(l[1])],
    [modp(c[0] * fqInv(c[1])), fqInv(c[1])],
  ];
  const [[XL, YL], [XC, YC]] = norm;
  const m = [XL, XC, YL, YC, XL * XC, YL * YC, XL * YC, XC * YL].map((v) => modp(v));
  const steps = millerLines([{ p: a, q: b }]);
  // The circuit's accumulator without the c factors.
  let f = fq12.one();
  steps.forEach((st, s) => {
    if (st.kind === "double") f = fq12Mul(f, f);
    const ln = st.lines[0]!;
    f = fq12Mul(f, lineToFq12(a[1], ln.c1, ln.c3));
    f = fq12Mul(f, evalFixedLinesForms(k.lines[s]!, m));
  });
  f = fq12Mul(f, fq12Inv(k.k));
  let residue: ResidueWitness | null = null;
  try {
    residue = residueWitness(f);
  } catch (e) {
    if (!(e instanceof NoResidueError) || !opts.allowInvalid) throw e;
  }
  return { a, b, c, x, l, msmAdds: adds, norm, m, steps, f, residue };
}

/** The Groth16Verifier's input signals for a trace (hints in limbs). A trace without a residue gets c = w = 1. */
export function verifierInput(t: VerifierTrace): Record<string, unknown> {
  const r = t.residue ?? { c: fq12.one(), cInv: fq12.one(), w: fq12.one() };
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
    msmLambda: t.msmAdds.map(({ p, q }) => fqIn(modp((q[1] - p[1]) * fqInv(q[0] - p[0])))),
    msmXInv: t.msmAdds.map(({ p, q }) => fqIn(fqInv(q[0] - p[0]))),
    norm: t.norm.map(([X, Y]) => [fqIn(X), fqIn(Y)]),
    lambda: t.steps.map((s) => fq2In(s.lines[0]!.lambda)),
    xInv,
    rc: fq12In(r.c),
    rcInv: fq12In(r.cInv),
    rw: [0, 2, 4].map((i) => fq2In(r.w[i]!)),
  };
}
