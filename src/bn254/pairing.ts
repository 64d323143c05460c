/**
 * The optimal ate pairing of BN254 in the circuits' representation (src/bn254/tower.ts basis,
 * circuits/lib/bn254/pairing.circom line and step conventions), as the hint generator of the
 * in-circuit Groth16 verifier (issue #7):
 *
 *  - a multi-Miller loop over several (P_i, Q_i) pairs sharing one accumulator, recording for
 *    every step and pair the G2 point T before the step, the slope λ and the line coefficients;
 *  - line coefficients of fixed G2 points (constants of the circuit);
 *  - the residue witness (c, w) of Novakovic and Eagen, "On Proving Pairings", IACR ePrint
 *    2024/640, §4 (BN254: §4.3), which replaces the final exponentiation;
 *  - groth16VerifierHints / checkGroth16WithHints: every hint of one Groth16 verification, and a
 *    model of what the circuit checks.
 *
 * Conventions (pairing.circom):
 *  - G2 points are affine on the D-type twist E': y² = x³ + 3/ξ; untwisting is (x, y) ↦ (x·w², y·w³).
 *  - The line through T with slope λ (on the twist), evaluated at P = (x_P, y_P) ∈ G1, is the sparse
 *        ℓ(P) = y_P + c1·w + c3·w³,   c1 = −λ·x_P,   c3 = λ·x_T − y_T
 *    (LineEval). It differs from the textbook line by a factor in a proper subfield, which the
 *    final exponentiation — and the residue check, see below — ignores.
 *  - Doubling step (MillerDoubleStep): f ← f²·Π_i ℓ_{T_i,T_i}(P_i), T_i ← 2T_i, λ = 3x_T²/(2y_T).
 *  - Addition step (MillerAddStep):   f ← f·Π_i ℓ_{T_i,Q}(P_i),  T_i ← T_i + Q, λ = (y_Q − y_T)/(x_Q − x_T).
 *
 * The loop runs over the signed binary digits (NAF) of 6x + 2, x = BN_X (66 digits, 22 non-zero:
 * 65 doubling steps and 21 addition steps with ±Q), then two additions with Q1 = ψ(Q) and
 * Q2 = −ψ²(Q) (ψ the untwist-Frobenius-twist endomorphism, g2.circom G2Psi). x > 0 for BN254,
 * so no final conjugation.
 *
 * The residue check (ePrint 2024/640, Theorem 3 and §4.3). Let h = (p¹² − 1)/r and
 * λ = 6x + 2 + p − p² + p³ = 3·m′·r (gcd(m′, p¹² − 1) = 1). For a Miller-loop output f,
 * f^h = 1 (the pairing product is 1) iff f·w = c^λ for some c ∈ Fq12* and some w ∈ Fq6*
 * (Fq6 = Fq2[w²] ⊂ Fq12, i.e. w has zero odd coefficients):
 *  - ⇐: f^h = c^(λh)·w^(−h) = c^(3m′(p¹²−1))·w^(−h) = w^(−h) = 1, because h = (p⁶ − 1)·(p⁶ + 1)/r
 *    (r | p⁴ − p² + 1 | p⁶ + 1) and w^(p⁶−1) = 1 for w ∈ Fq6*. So the circuit need only keep w in
 *    Fq6 — no check that w is a 27th root of unity.
 *  - ⇒: residueWitness below constructs c and w = ω^k, ω a primitive 27th root of unity (in Fq6).
 * With λ's 6x + 2 part merged into the Miller loop (the accumulator starts at c⁻¹ and is multiplied
 * by c⁻¹ or c at each digit +1 or −1, so that it ends as f·c^(−(6x+2))), the circuit checks
 *
 *      acc · w == π(c) · π²(c⁻¹) · π³(c) · K            (RESIDUE IDENTITY)
 *
 * with π^e = Fq12Frobenius(·, e) (a ↦ a^(p^e)), c·c⁻¹ == 1, w ∈ Fq6, and K a constant (for Groth16
 * the Miller loop of e(α, β); K = 1 for a product of pairings that should be 1).
 */
import { fq2In, fq12In, g1In, g2In } from "./limbs.ts";
import { BN_X, type Fq2, type Fq12, fq2, fq12, frobeniusCoeffs, modp, P, R } from "./tower.ts";

export type G1Affine = [bigint, bigint];
export type G2Affine = [Fq2, Fq2];

// ---------------------------------------------------------------------------------------------
// Fq12 arithmetic beyond tower.ts (same basis; products reduced once per coefficient)
// ---------------------------------------------------------------------------------------------

/** a·b, as fq12.mul (tested equal) but with one reduction per output coefficient. */
export function fq12Mul(a: Fq12, b: Fq12): Fq12 {
  const re = Array<bigint>(11).fill(0n);
  const im = Array<bigint>(11).fill(0n);
  for (let i = 0; i < 6; i++) {
    const [a0, a1] = a[i]!;
    if (a0 === 0n && a1 === 0n) continue;
    for (let j = 0; j < 6; j++) {
      const [b0, b1] = b[j]!;
      re[i + j] = re[i + j]! + a0 * b0 - a1 * b1;
      im[i + j] = im[i + j]! + a0 * b1 + a1 * b0;
    }
  }
  // w⁶ = ξ = 9 + u: (x + y·u)·ξ = (9x − y) + (x + 9y)·u
  for (let k = 10; k >= 6; k--) {
    const x = re[k]!;
    const y = im[k]!;
    re[k - 6] = re[k - 6]! + 9n * x - y;
    im[k - 6] = im[k - 6]! + x + 9n * y;
  }
  return Array.from({ length: 6 }, (_, b) => [modp(re[b]!), modp(im[b]!)] as Fq2);
}

export const fq12IsOne = (a: Fq12): boolean => fq12.eq(a, fq12.one());

/** a^(p⁶) = Σ (−1)^b·A_b·w^b (w^(p⁶) = −w): the conjugate over Fq6. */
export const fq12Conj = (a: Fq12): Fq12 => a.map((x, b) => (b % 2 ? fq2.neg(x) : x));

/** True if a ∈ Fq6 = Fq2[w²] (odd coefficients zero). */
export const inFq6 = (a: Fq12): boolean => [1, 3, 5].every((b) => fq2.eq(a[b]!, fq2.zero));

/** a⁻¹: n = a·conj(a) ∈ Fq6 = Fq2[v]/(v³ − ξ), v = w², is inverted by the usual formula. */
export function fq12Inv(a: Fq12): Fq12 {
  const ac = fq12Conj(a);
  const n = fq12Mul(a, ac);
  const [b0, b1, b2] = [n[0]!, n[2]!, n[4]!];
  const xi = (z: Fq2) => fq2.mul(z, [9n, 1n]);
  const t0 = fq2.sub(fq2.mul(b0, b0), xi(fq2.mul(b1, b2)));
  const t1 = fq2.sub(xi(fq2.mul(b2, b2)), fq2.mul(b0, b1));
  const t2 = fq2.sub(fq2.mul(b1, b1), fq2.mul(b0, b2));
  const d = fq2.add(fq2.mul(b0, t0), xi(fq2.add(fq2.mul(b2, t1), fq2.mul(b1, t2))));
  const di = fq2Inv(d);
  const ninv: Fq12 = [fq2.mul(t0, di), fq2.zero, fq2.mul(t1, di), fq2.zero, fq2.mul(t2, di), fq2.zero];
  return fq12Mul(ac, ninv);
}

/** a^e for any integer e (negative: of the inverse); 4-bit fixed window. */
export function fq12Pow(a: Fq12, e: bigint): Fq12 {
  if (e < 0n) return fq12Pow(fq12Inv(a), -e);
  if (e === 0n) return fq12.one();
  const tbl: Fq12[] = [fq12.one(), a];
  for (let i = 2; i < 16; i++) tbl.push(fq12Mul(tbl[i - 1]!, a));
  const nib: number[] = [];
  for (let x = e; x > 0n; x >>= 4n) nib.push(Number(x & 15n));
  let acc = tbl[nib[nib.length - 1]!]!;
  for (let i = nib.length - 2; i >= 0; i--) {
    for (let s = 0; s < 4; s++) acc = fq12Mul(acc, acc);
    if (nib[i]) acc = fq12Mul(acc, tbl[nib[i]!]!);
  }
  return acc;
}

// ---------------------------------------------------------------------------------------------
// Curve arithmetic (affine; the point at infinity is null where it can occur)
// ---------------------------------------------------------------------------------------------

/** b' = 3/ξ of the twist E'. */
export const TWIST_B: Fq2 = fq2.scale(fq2.inv([9n, 1n]), 3n);

/** [k]·a by double-and-add over a group law with null as the identity (k ≥ 0). */
function doubleAndAdd<T>(add: (a: T | null, b: T | null) => T | null, a: T, k: bigint): T | null {
  let acc: T | null = null;
  for (let i = BigInt(k.toString(2).length) - 1n; i >= 0n; i--) {
    acc = add(acc, acc);
    if ((k >> i) & 1n) acc = add(acc, a);
  }
  return acc;
}

export const g1 = {
  onCurve: ([x, y]: G1Affine): boolean => modp(y * y - x * x * x - 3n) === 0n,
  neg: ([x, y]: G1Affine): G1Affine => [x, modp(-y)],
  eq: (a: G1Affine | null, b: G1Affine | null): boolean =>
    a === null || b === null ? a === b : a[0] === b[0] && a[1] === b[1],
  add(a: G1Affine | null, b: G1Affine | null): G1Affine | null {
    if (a === null) return b;
    if (b === null) return a;
    let l: bigint;
    if (a[0] === b[0]) {
      if (modp(a[1] + b[1]) === 0n) return null;
      l = modp(3n * a[0] * a[0] * fqInv(2n * a[1]));
    } else l = modp((b[1] - a[1]) * fqInv(b[0] - a[0]));
    const x = modp(l * l - a[0] - b[0]);
    return [x, modp(l * (a[0] - x) - a[1])];
  },
  mul: (a: G1Affine, k: bigint): G1Affine | null => doubleAndAdd(g1.add, a, k),
};

/** a⁻¹ in Fq by the extended Euclidean algorithm (faster than tower.ts's a^(p−2)). */
export function fqInv(a: bigint): bigint {
  if (modp(a) === 0n) throw new Error("inverse of zero");
  return egcdInv(a, P);
}
/** a⁻¹ in Fq2: conj(a)/(a0² + a1²). */
export function fq2Inv(a: Fq2): Fq2 {
  const n = fqInv(modp(a[0] * a[0] + a[1] * a[1]));
  return [modp(a[0] * n), modp(-a[1] * n)];
}

function egcdInv(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [modp(a, m), m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new Error("not invertible");
  return modp(s0, m);
}

const G1F = frobeniusCoeffs(1);
const G2F = frobeniusCoeffs(2);

export const g2 = {
  onCurve: ([x, y]: G2Affine): boolean => fq2.eq(fq2.mul(y, y), fq2.add(fq2.mul(fq2.mul(x, x), x), TWIST_B)),
  neg: ([x, y]: G2Affine): G2Affine => [x, fq2.neg(y)],
  eq: (a: G2Affine | null, b: G2Affine | null): boolean =>
    a === null || b === null ? a === b : fq2.eq(a[0], b[0]) && fq2.eq(a[1], b[1]),
  /** Slope of the chord through a and b (x_a ≠ x_b) or of the tangent at a (a = b). */
  slope(a: G2Affine, b: G2Affine): Fq2 {
    if (fq2.eq(a[0], b[0])) {
      if (!fq2.eq(a[1], b[1]) || fq2.eq(a[1], fq2.zero)) throw new Error("G2 slope: vertical line");
      const x2 = fq2.mul(a[0], a[0]);
      return fq2.mul(fq2.scale(x2, 3n), fq2Inv(fq2.scale(a[1], 2n)));
    }
    return fq2.mul(fq2.sub(b[1], a[1]), fq2Inv(fq2.sub(b[0], a[0])));
  },
  /** G2ApplySlope: x3 = λ² − x_a − x_b, y3 = λ(x_a − x3) − y_a. */
  applySlope(l: Fq2, a: G2Affine, b: G2Affine): G2Affine {
    const x = fq2.sub(fq2.sub(fq2.mul(l, l), a[0]), b[0]);
    return [x, fq2.sub(fq2.mul(l, fq2.sub(a[0], x)), a[1])];
  },
  add(a: G2Affine | null, b: G2Affine | null): G2Affine | null {
    if (a === null) return b;
    if (b === null) return a;
    if (fq2.eq(a[0], b[0]) && !fq2.eq(a[1], b[1])) return null;
    return g2.applySlope(g2.slope(a, b), a, b);
  },
  mul: (a: G2Affine, k: bigint): G2Affine | null => doubleAndAdd(g2.add, a, k),
  /** ψ(x, y) = (conj(x)·γ₁², conj(y)·γ₁³) (G2Psi); ψ(Q) = [p]Q on G2. */
  psi: ([x, y]: G2Affine): G2Affine => [fq2.mul(fq2.conj(x), G1F[2]!), fq2.mul(fq2.conj(y), G1F[3]!)],
  /** ψ²(x, y) = (x·γ₂², y·γ₂³), γ₂ ∈ Fq. */
  psi2: ([x, y]: G2Affine): G2Affine => [fq2.mul(x, G2F[2]!), fq2.mul(y, G2F[3]!)],
  /** ψ³ = ψ∘ψ²: (conj(x)·γ₂²·γ₁², conj(y)·γ₂³·γ₁³). */
  psi3: (q: G2Affine): G2Affine => g2.psi(g2.psi2(q)),
};

/**
 * G2 membership from the Miller loop's own T (no extra scalar multiplication): the frob2 step's
 * T_out is [6x+2]Q + ψ(Q) − ψ²(Q), and Q ∈ E′(Fq2) is in G2 iff it equals −ψ³(Q), i.e.
 * (6x + 2 + ψ − ψ² + ψ³)(Q) = O. Soundness: ψ² − tψ + p = 0 on E′ (t = 6x² + 1), so the
 * endomorphism is a + bψ (millerG2CheckDegree), of degree
 * N = a² + abt + b²p; gcd(N, #E′(Fq2)) = r (checked numerically: gcd(N, 2p − r) = 1, the same
 * criterion that validates Scott's ψ(Q) = [6x²]Q and El Housni et al.'s
 * [x+1]Q + ψ([x]Q) + ψ²([x]Q) = ψ³([2x]Q)), so its rational kernel is G2. Valid in the circuit
 * only if every step's slope constraint is non-degenerate — the circuit must assert x_T ≠ x_q at
 * the addition steps (doubling is safe: E′(Fq2) has odd order, so y_T ≠ 0) so that each T is the
 * true group-law result; honest B ∈ G2 never meets x_T = x_q.
 */
export function millerG2Check(
  trace: { steps: readonly Omit<MillerStep, "f">[] },
  pair: number,
  q: G2Affine,
): boolean {
  const last = trace.steps[trace.steps.length - 1]!;
  if (last.kind !== "frob2") throw new Error("not a complete Miller trace");
  return g2.eq(last.lines[pair]!.tOut, g2.neg(g2.psi3(q)));
}

/** The endomorphism a + bψ (ψ² = tψ − p) of 6x + 2 + ψ − ψ² + ψ³, and its degree. */
export function millerG2CheckDegree(): { a: bigint; b: bigint; degree: bigint } {
  const t = 6n * BN_X * BN_X + 1n;
  const c = [6n * BN_X + 2n, 1n, -1n, 1n];
  for (let k = c.length - 1; k >= 2; k--) {
    c[k - 1] = c[k - 1]! + c[k]! * t;
    c[k - 2] = c[k - 2]! - c[k]! * P;
    c.pop();
  }
  const [a, b] = [c[0]!, c[1]!];
  return { a, b, degree: a * a + a * b * t + b * b * P };
}

// ---------------------------------------------------------------------------------------------
// Miller loop
// ---------------------------------------------------------------------------------------------

/** Non-adjacent form of k, most significant digit first. */
export function naf(k: bigint): number[] {
  const d: number[] = [];
  while (k > 0n) {
    let z = 0;
    if (k & 1n) {
      z = 2 - Number(k & 3n);
      k -= BigInt(z);
    }
    d.push(z);
    k >>= 1n;
  }
  return d.reverse();
}

/** 6x + 2 = Σ ATE_LOOP[i]·2^(65−i); ATE_LOOP[0] = 1 (66 digits, 22 non-zero). */
export const ATE_LOOP_COUNT = 6n * BN_X + 2n;
export const ATE_LOOP: readonly number[] = naf(ATE_LOOP_COUNT);

export type StepKind = "double" | "add" | "frob1" | "frob2";

/** One pair's part of one step. */
export interface LineHint {
  /** T before the step. */
  t: G2Affine;
  /** The point added (±Q, ψ(Q), −ψ²(Q)); for a doubling step, T itself. */
  q: G2Affine;
  /** Slope (G2Slope: tangent for "double", chord through T and q otherwise). */
  lambda: Fq2;
  /** λ·x_T − y_T: the line's w³ coefficient (independent of P: a constant for a fixed Q). */
  mu: Fq2;
  /** Line at P: y_P + c1·w + c3·w³ with c1 = −λ·x_P, c3 = mu. */
  c1: Fq2;
  c3: Fq2;
  /** T after the step (G2ApplySlope; unused after the last step). */
  tOut: G2Affine;
}

export interface MillerStep {
  kind: StepKind;
  /** Index in ATE_LOOP of the digit processed ("double"/"add"); −1 for frob1/frob2. */
  digit: number;
  /** ATE_LOOP[digit] for "add" (+1: Q added and f·c⁻¹, −1: −Q added and f·c); 0 otherwise. */
  sign: number;
  lines: LineHint[];
  /** The accumulator after the step. */
  f: Fq12;
}

export interface MillerPair {
  p: G1Affine;
  q: G2Affine;
}

export interface MillerTrace {
  steps: MillerStep[];
  /** Π_i f_{6x+2,Q_i}(P_i)·ℓ_{…,ψ(Q_i)}(P_i)·ℓ_{…,−ψ²(Q_i)}(P_i), times c^(−(6x+2)) if c was given. */
  f: Fq12;
  /** The accumulator's initial value (1, or c⁻¹). */
  f0: Fq12;
}

/** The sparse line y_P + c1·w + c3·w³ as an Fq12 element (LineToFq12). */
export const lineToFq12 = (yP: bigint, c1: Fq2, c3: Fq2): Fq12 => [
  [modp(yP), 0n],
  c1,
  fq2.zero,
  c3,
  fq2.zero,
  fq2.zero,
];

function lineStep(t: G2Affine, q: G2Affine, p: G1Affine): LineHint {
  const lambda = g2.slope(t, q);
  const mu = fq2.sub(fq2.mul(lambda, t[0]), t[1]);
  return {
    t,
    q,
    lambda,
    mu,
    c1: fq2.neg(fq2.scale(lambda, p[0])),
    c3: mu,
    tOut: g2.applySlope(lambda, t, q),
  };
}

/**
 * The multi-Miller loop Π_i f_i over `pairs` with one accumulator. With `residue` = {c, cInv},
 * the accumulator starts at c⁻¹ and each addition step with digit +1 (−1) multiplies it by c⁻¹
 * (by c): the result is f·c^(−(6x+2)) (the 6x + 2 part of the residue check merged into the loop).
 * Step order: for each digit after the leading one, a "double" step (f², then the tangent lines of
 * all pairs in order), then for a non-zero digit an "add" step (the c factor, then the chord
 * lines with ±Q_i); finally "frob1" (lines through T_i and ψ(Q_i)) and "frob2" (through T_i and
 * −ψ²(Q_i)).
 */
export function multiMillerLoop(
  pairs: readonly MillerPair[],
  residue?: { c: Fq12; cInv: Fq12 },
): MillerTrace {
  return accumulateMiller(pairs, millerLines(pairs), residue);
}

/** The step schedule with every pair's lines (slopes, T, coefficients), accumulator not computed. */
export function millerLines(pairs: readonly MillerPair[]): Omit<MillerStep, "f">[] {
  const T = pairs.map((x) => x.q);
  const steps: Omit<MillerStep, "f">[] = [];
  const step = (
    kind: StepKind,
    digit: number,
    sign: number,
    addend: (q: G2Affine, t: G2Affine) => G2Affine,
  ) => {
    const lines = pairs.map((x, i) => lineStep(T[i]!, addend(x.q, T[i]!), x.p));
    lines.forEach((l, i) => {
      T[i] = l.tOut;
    });
    steps.push({ kind, digit, sign, lines });
  };
  for (let d = 1; d < ATE_LOOP.length; d++) {
    step("double", d, 0, (_q, t) => t);
    const s = ATE_LOOP[d]!;
    if (s !== 0) step("add", d, s, (q) => (s > 0 ? q : g2.neg(q)));
  }
  step("frob1", -1, 0, (q) => g2.psi(q));
  step("frob2", -1, 0, (q) => g2.neg(g2.psi2(q)));
  return steps;
}

/** The accumulator along a schedule from millerLines (see multiMillerLoop). */
export function accumulateMiller(
  pairs: readonly MillerPair[],
  schedule: readonly Omit<MillerStep, "f">[],
  residue?: { c: Fq12; cInv: Fq12 },
): MillerTrace {
  const f0 = residue ? residue.cInv : fq12.one();
  let f = f0;
  const steps = schedule.map((st) => {
    if (st.kind === "double") f = fq12Mul(f, f);
    if (st.kind === "add" && residue) f = fq12Mul(f, st.sign > 0 ? residue.cInv : residue.c);
    st.lines.forEach((l, i) => {
      f = fq12Mul(f, lineToFq12(pairs[i]!.p[1], l.c1, l.c3));
    });
    return { ...st, f };
  });
  return { steps, f, f0 };
}

export const millerLoop = (p: G1Affine, q: G2Affine): Fq12 => multiMillerLoop([{ p, q }]).f;

/** A line of a fixed G2 point: at P it is y_P − λ·x_P·w + μ·w³ (c1 = −λ·x_P, c3 = μ). */
export interface FixedLine {
  kind: StepKind;
  digit: number;
  lambda: Fq2;
  mu: Fq2;
}

/**
 * The lines of the Miller loop of a fixed Q (γ, δ of a verification key), one per step in
 * multiMillerLoop's step order: constants of the circuit, which then needs per step only
 * c1 = −λ·x_P (2 constant-by-variable Fq products) and no slope hint, no T and no G2 arithmetic.
 */
export function fixedG2Lines(q: G2Affine): FixedLine[] {
  const tr = multiMillerLoop([{ p: [0n, 0n], q }]);
  return tr.steps.map((s) => ({
    kind: s.kind,
    digit: s.digit,
    lambda: s.lines[0]!.lambda,
    mu: s.lines[0]!.mu,
  }));
}

/** A fixed line at P as an Fq12 element. */
export const evalFixedLine = (l: FixedLine, p: G1Affine): Fq12 =>
  lineToFq12(p[1], fq2.neg(fq2.scale(l.lambda, p[0])), l.mu);

// ---------------------------------------------------------------------------------------------
// Final exponentiation (reference; the circuit replaces it by the residue check)
// ---------------------------------------------------------------------------------------------

/** h = (p¹² − 1)/r. */
export const FINAL_EXP = (P ** 12n - 1n) / R;
const HARD = (P ** 4n - P ** 2n + 1n) / R;

/** f^((p¹² − 1)/r): easy part f^((p⁶ − 1)(p² + 1)) by conjugation, inversion and π², then the hard part. */
export function finalExponentiation(f: Fq12): Fq12 {
  let g = fq12Mul(fq12Conj(f), fq12Inv(f));
  g = fq12Mul(fq12.frobenius(g, 2), g);
  return fq12Pow(g, HARD);
}

export const pairing = (p: G1Affine, q: G2Affine): Fq12 => finalExponentiation(millerLoop(p, q));

/**
 * ffjavascript's (and so snarkjs's vk_alphabeta_12) final exponentiation computes the hard part of
 * Fuentes-Castañeda et al., f^(h·k) with k = 2x(6x² + 3x + 1) (coprime to r): its pairing is
 * pairing(P, Q)^k, and ffjavascript's finalExponentiation(millerLoop(P, Q)) is its pairing(P, Q).
 */
export const FFJS_FINAL_EXP_POWER = 2n * BN_X * (6n * BN_X * BN_X + 3n * BN_X + 1n);

// ---------------------------------------------------------------------------------------------
// Residue witness (Novakovic–Eagen, ePrint 2024/640, §4.3)
// ---------------------------------------------------------------------------------------------

/** λ = 6x + 2 + p − p² + p³, a multiple of r. */
export const LAMBDA = ATE_LOOP_COUNT + P - P ** 2n + P ** 3n;
/** λ = 3·m′·r. */
export const M_PRIME = LAMBDA / (3n * R);
/** h = (p¹² − 1)/r = 27·t₂ with gcd(t₂, 3) = 1 (v₃(p¹² − 1) = v₃(p − 1) + v₃(12) = 3). */
const H = FINAL_EXP;
const H3 = H / 3n;
const T2 = H / 27n;

/** (m′·r)⁻¹ mod h/3: y = f′^E1 satisfies y^(m′r) = f′ when f′^(h/3) = 1. */
const E1 = egcdInv(M_PRIME * R, H3);
/** 3⁻¹ mod t₂: the cube root on the part of order t₂. */
const E3 = egcdInv(3n, T2);
const J3 = (3n * E3 - 1n) / T2;

let omegaCache: { omega: Fq12; powers: Fq12[]; zeta: Fq12 } | null = null;
/**
 * A fixed primitive 27th root of unity ω ∈ Fq6 (the 3-Sylow subgroup of Fq12* has order 27 and
 * lies in Fq6*, as v₃(p⁶ − 1) = v₃(p¹² − 1) = 3): ω = g^((p⁶−1)/27) for the first g = k + w²
 * (k = 1, 2, …) with ω⁹ ≠ 1. Also its powers ω^0…ω^26 and ζ = ω^(h/3), a primitive cube root of 1.
 */
export function omega27(): { omega: Fq12; powers: Fq12[]; zeta: Fq12 } {
  if (omegaCache) return omegaCache;
  for (let k = 1n; ; k++) {
    const g: Fq12 = [[k, 0n], fq2.zero, fq2.one, fq2.zero, fq2.zero, fq2.zero];
    const omega = fq12Pow(g, (P ** 6n - 1n) / 27n);
    if (fq12IsOne(fq12Pow(omega, 9n))) continue;
    const powers = [fq12.one()];
    for (let i = 1; i < 27; i++) powers.push(fq12Mul(powers[i - 1]!, omega));
    omegaCache = { omega, powers, zeta: fq12Pow(omega, H3 % 27n) };
    return omegaCache;
  }
}

export class NoResidueError extends Error {
  constructor() {
    super("no residue witness: f^((p¹²−1)/r) ≠ 1 (the pairing product is not 1)");
    this.name = "NoResidueError";
  }
}

export interface ResidueWitness {
  /** c with c^λ = f·w. */
  c: Fq12;
  cInv: Fq12;
  /** w = ω^k ∈ Fq6 (odd coefficients zero), k = wExp ∈ {0, 1, 2}. */
  w: Fq12;
  wExp: number;
}

/**
 * The residue witness of ePrint 2024/640 §4.3 for BN254: given f with f^h = 1, returns c and
 * w ∈ ⟨ω⟩ with f·w = c^λ; throws NoResidueError if f^h ≠ 1 (then no such c and w ∈ Fq6 exist).
 *
 *  1. Cubic character: s = f^(h/3); s³ = f^h, so s ∈ μ₃ iff f^h = 1, else fail (NoResidueError).
 *     For f^h = 1, f is a cube in Fq12* iff f^((p¹²−1)/3) = 1, and f^((p¹²−1)/3) = f^((h/3)·r) = s
 *     (r ≡ 1 mod 3). ω has cubic character ζ = ω^(h/3) ≠ 1, so exactly one w = ω^j, j ∈ {0, 1, 2},
 *     makes f′ = f·w a cube: (f·ω^j)^(h/3) = s·ζ^j = 1. Then f′^(h/3) = 1.
 *  2. r-th and m′-th roots: gcd(m′·r, h/3) = 1, so y = f′^((m′r)⁻¹ mod h/3) has y^(m′r) = f′.
 *  3. Cube root (the 3-part of h/3 is 9, of p¹² − 1 is 27, so the root may leave the order-h/3
 *     subgroup): c₀ = y^(3⁻¹ mod t₂) has c₀³ = y·z^J with z = y^t₂ ∈ μ₉ and J = (3·(3⁻¹ mod t₂) − 1)/t₂;
 *     the correction u ∈ μ₂₇ = ⟨ω⟩ with u³ = z^(−J) is found among the 27 powers of ω; c = c₀·u.
 *  Then c^λ = (c³)^(m′r) = y^(m′r) = f′ = f·w.
 */
export function residueWitness(f: Fq12): ResidueWitness {
  const { powers } = omega27();
  const s = fq12Pow(f, H3);
  let wExp = -1;
  for (const j of [0, 1, 2]) {
    // (f·ω^j)^(h/3) = s·ζ^j
    if (fq12IsOne(fq12Mul(s, powers[Number((BigInt(j) * H3) % 27n)]!))) {
      wExp = j;
      break;
    }
  }
  if (wExp < 0) throw new NoResidueError();
  const w = powers[wExp]!;
  const f1 = fq12Mul(f, w);
  const c0 = fq12Pow(f1, (E1 * E3) % H3);
  const z = fq12Pow(f1, (E1 * T2) % H3); // y^t₂ ∈ μ₉
  const target = fq12Pow(z, -J3); // u³ must equal z^(−J)
  let u: Fq12 | null = null;
  for (let i = 0; i < 27 && !u; i++) if (fq12.eq(powers[(3 * i) % 27]!, target)) u = powers[i]!;
  if (!u) throw new Error("residue witness: cube-root correction not found (internal error)");
  const c = fq12Mul(c0, u);
  return { c, cInv: fq12Inv(c), w, wExp };
}

/** Like residueWitness, null instead of NoResidueError. */
export function tryResidueWitness(f: Fq12): ResidueWitness | null {
  try {
    return residueWitness(f);
  } catch (e) {
    if (e instanceof NoResidueError) return null;
    throw e;
  }
}

/**
 * The RESIDUE IDENTITY, with tower.ts arithmetic only (a model of the circuit's final check):
 *   c·c⁻¹ == 1,  w ∈ Fq6,  acc·w == π(c)·π²(c⁻¹)·π³(c)·K
 * where acc = f·c^(−(6x+2)) is the merged Miller loop's output.
 */
export function residueIdentity(acc: Fq12, c: Fq12, cInv: Fq12, w: Fq12, K: Fq12 = fq12.one()): boolean {
  if (!fq12IsOne(fq12.mul(c, cInv)) || !inFq6(w)) return false;
  const lhs = fq12.mul(acc, w);
  const rhs = fq12.mul(
    fq12.mul(fq12.mul(fq12.frobenius(c, 1), fq12.frobenius(cInv, 2)), fq12.frobenius(c, 3)),
    K,
  );
  return fq12.eq(lhs, rhs);
}

// ---------------------------------------------------------------------------------------------
// Groth16 (snarkjs JSON, one public input)
// ---------------------------------------------------------------------------------------------

export interface SnarkjsProof {
  pi_a: string[];
  pi_b: string[][];
  pi_c: string[];
}
export interface SnarkjsVkey {
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  IC: string[][];
}

/** A snarkjs JSON G1 point (affine, z = 1). */
export const jsonG1 = (a: readonly string[]): G1Affine => {
  if (a[2] !== "1") throw new Error("G1 point not affine (or at infinity)");
  return [BigInt(a[0]!), BigInt(a[1]!)];
};
/** A snarkjs JSON G2 point (affine, z = 1). */
export const jsonG2 = (a: readonly (readonly string[])[]): G2Affine => {
  if (a[2]?.[0] !== "1" || a[2]?.[1] !== "0") throw new Error("G2 point not affine (or at infinity)");
  return [
    [BigInt(a[0]![0]!), BigInt(a[0]![1]!)],
    [BigInt(a[1]![0]!), BigInt(a[1]![1]!)],
  ];
};

/** The verification key's constants, values and circuit constants. */
export interface Groth16VkeyConstants {
  alpha: G1Affine;
  beta: G2Affine;
  gamma: G2Affine;
  delta: G2Affine;
  ic0: G1Affine;
  ic1: G1Affine;
  /** Lines of −γ and −δ (the pairs (L, −γ), (C, −δ) need no negation of L and C). */
  negGammaLines: FixedLine[];
  negDeltaLines: FixedLine[];
  /** K = Miller loop of (α, β): its final exponentiation is e(α, β) (snarkjs vk_alphabeta_12). */
  alphaBetaMiller: Fq12;
}

export function groth16VkeyConstants(vkey: SnarkjsVkey): Groth16VkeyConstants {
  if (vkey.nPublic !== 1 || vkey.IC.length !== 2)
    throw new Error("expected a verification key with one public input");
  const alpha = jsonG1(vkey.vk_alpha_1);
  const beta = jsonG2(vkey.vk_beta_2);
  const gamma = jsonG2(vkey.vk_gamma_2);
  const delta = jsonG2(vkey.vk_delta_2);
  return {
    alpha,
    beta,
    gamma,
    delta,
    ic0: jsonG1(vkey.IC[0]!),
    ic1: jsonG1(vkey.IC[1]!),
    negGammaLines: fixedG2Lines(g2.neg(gamma)),
    negDeltaLines: fixedG2Lines(g2.neg(delta)),
    alphaBetaMiller: millerLoop(alpha, beta),
  };
}

export interface Groth16Hints {
  a: G1Affine;
  b: G2Affine;
  c: G1Affine;
  /** The public input x ∈ [0, r). */
  x: bigint;
  /** L = IC0 + x·IC1. */
  l: G1Affine;
  vk: Groth16VkeyConstants;
  /** Multi-Miller loop over (A, B), (L, −γ), (C, −δ), merged with c^(−(6x+2)). */
  miller: MillerTrace;
  residue: ResidueWitness;
}

/**
 * Every hint of the in-circuit verification of e(A, B) = e(α, β)·e(L, γ)·e(C, δ), i.e.
 * e(A, B)·e(L, −γ)·e(C, −δ)·e(α, β)⁻¹ = 1: the residue witness of
 * f = Miller(A, B)·Miller(L, −γ)·Miller(C, −δ)·K⁻¹ (K = Miller(α, β)) and the merged Miller loop.
 * Throws NoResidueError if the proof does not verify, and an Error for malformed points.
 */
/** A snarkjs proof's points and public input x ∈ [0, r) (affine points; not checked on the curve). */
export function proofValues(
  proof: SnarkjsProof,
  publicSignal: string | bigint,
): { a: G1Affine; b: G2Affine; c: G1Affine; x: bigint } {
  const x = BigInt(publicSignal);
  if (x < 0n || x >= R) throw new Error("public input out of range");
  return { a: jsonG1(proof.pi_a), b: jsonG2(proof.pi_b), c: jsonG1(proof.pi_c), x };
}

export function groth16VerifierHints(
  proof: SnarkjsProof,
  vkey: SnarkjsVkey,
  publicSignal: string | bigint,
  vk: Groth16VkeyConstants = groth16VkeyConstants(vkey),
): Groth16Hints {
  const { a, b, c, x } = proofValues(proof, publicSignal);
  if (!g1.onCurve(a) || !g1.onCurve(c)) throw new Error("A or C not on the curve");
  if (!g2.onCurve(b)) throw new Error("B not on the twist");
  const l = g1.add(vk.ic0, g1.mul(vk.ic1, x));
  if (l === null) throw new Error("IC0 + x·IC1 is the point at infinity");
  const pairs: MillerPair[] = [
    { p: a, q: b },
    { p: l, q: g2.neg(vk.gamma) },
    { p: c, q: g2.neg(vk.delta) },
  ];
  const schedule = millerLines(pairs);
  if (!millerG2Check({ steps: schedule }, 0, b)) throw new Error("B not in G2");
  const f = fq12Mul(accumulateMiller(pairs, schedule).f, fq12Inv(vk.alphaBetaMiller));
  const residue = residueWitness(f);
  const miller = accumulateMiller(pairs, schedule, residue);
  return { a, b, c, x, l, vk, miller, residue };
}

/**
 * Re-checks a Groth16Hints with tower.ts arithmetic, as the circuit will: A, C on the curve, B on
 * the twist; each step's slopes (2λy_T = 3x_T², or λ(x_q − x_T) = y_q − y_T) and T chain; the
 * fixed pairs' lines equal the constants; the accumulator rebuilt from the lines (with c⁻¹/c at
 * the ±1 digits); and the residue identity acc·w == π(c)·π²(c⁻¹)·π³(c)·K.
 * (The subgroup check of B and the computation of L are not modelled here.)
 */
export function checkGroth16WithHints(h: Groth16Hints): boolean {
  if (!g1.onCurve(h.a) || !g1.onCurve(h.c) || !g1.onCurve(h.l) || !g2.onCurve(h.b)) return false;
  const { c, cInv, w } = h.residue;
  const P_ = [h.a, h.l, h.c];
  const Q_ = [h.b, g2.neg(h.vk.gamma), g2.neg(h.vk.delta)];
  const fixed = [null, h.vk.negGammaLines, h.vk.negDeltaLines];
  const T = Q_.slice();
  let acc = cInv;
  for (const [si, st] of h.miller.steps.entries()) {
    if (st.kind === "double") acc = fq12.mul(acc, acc);
    else if (st.kind === "add") acc = fq12.mul(acc, st.sign > 0 ? cInv : c);
    for (let i = 0; i < 3; i++) {
      const ln = st.lines[i]!;
      const t = T[i]!;
      const q0 = Q_[i]!;
      const q: G2Affine =
        st.kind === "double"
          ? t
          : st.kind === "add"
            ? st.sign > 0
              ? q0
              : g2.neg(q0)
            : st.kind === "frob1"
              ? g2.psi(q0)
              : g2.neg(g2.psi2(q0));
      const lam = ln.lambda;
      const slopeOk =
        st.kind === "double"
          ? fq2.eq(fq2.mul(fq2.scale(lam, 2n), t[1]), fq2.scale(fq2.mul(t[0], t[0]), 3n))
          : fq2.eq(fq2.mul(lam, fq2.sub(q[0], t[0])), fq2.sub(q[1], t[1]));
      if (!slopeOk) return false;
      const fx = fixed[i];
      if (fx && !(fq2.eq(fx[si]!.lambda, lam) && fq2.eq(fx[si]!.mu, fq2.sub(fq2.mul(lam, t[0]), t[1]))))
        return false;
      const c1 = fq2.neg(fq2.scale(lam, P_[i]![0]));
      const c3 = fq2.sub(fq2.mul(lam, t[0]), t[1]);
      acc = fq12.mul(acc, lineToFq12(P_[i]![1], c1, c3));
      T[i] = g2.applySlope(lam, t, q);
    }
  }
  return residueIdentity(acc, c, cInv, w, h.vk.alphaBetaMiller);
}

// ---------------------------------------------------------------------------------------------
// Limb encoding (circuit inputs and constants)
// ---------------------------------------------------------------------------------------------

/**
 * The Groth16 hints in limb encoding (src/bn254/limbs.ts): private inputs of the variable pair
 * (A, B) per step (slope λ; T is recomputed by the circuit), the residue witness (c, c⁻¹, and w's
 * even coefficients w0, w2, w4), and the constants of the verification key (fixed lines as
 * [λ, μ] per step, K).
 */
export function groth16HintsToLimbs(h: Groth16Hints) {
  const w = h.residue.w;
  return {
    inputs: {
      a: g1In(h.a),
      b: g2In(h.b),
      c: g1In(h.c),
      x: h.x.toString(),
      l: g1In(h.l),
      slopes: h.miller.steps.map((s) => fq2In(s.lines[0]!.lambda)),
      residueC: fq12In(h.residue.c),
      residueCInv: fq12In(h.residue.cInv),
      residueW: [0, 2, 4].map((b) => fq2In(w[b]!)),
    },
    constants: {
      alpha: g1In(h.vk.alpha),
      beta: g2In(h.vk.beta),
      ic0: g1In(h.vk.ic0),
      ic1: g1In(h.vk.ic1),
      negGammaLines: h.vk.negGammaLines.map((l) => [fq2In(l.lambda), fq2In(l.mu)]),
      negDeltaLines: h.vk.negDeltaLines.map((l) => [fq2In(l.lambda), fq2In(l.mu)]),
      alphaBetaMiller: fq12In(h.vk.alphaBetaMiller),
    },
  };
}
