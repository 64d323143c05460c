/**
 * The Miller loop, fixed-point lines, residue witness and Groth16 hints of src/bn254/pairing.ts
 * against ffjavascript's bn128 (pairing, finalExponentiation, G1/G2, F12) and a real snarkjs
 * Groth16 proof (test/fixtures/groth16-column-tiny.*: a column-tiny proof and its key, copied
 * from artifacts/). Pure TypeScript: no circuit is compiled.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import { type FfCurve, ffToFq12, ffToG1, ffToG2, fq12ToFf, LIMBS } from "../src/bn254/limbs.ts";
import {
  ATE_LOOP,
  ATE_LOOP_COUNT,
  accumulateMiller,
  checkGroth16WithHints,
  evalFixedLine,
  FFJS_FINAL_EXP_POWER,
  finalExponentiation,
  fixedG2Lines,
  fq12Conj,
  fq12Inv,
  fq12IsOne,
  fq12Mul,
  fq12Pow,
  type G1Affine,
  type G2Affine,
  g1,
  g2,
  groth16HintsToLimbs,
  groth16VerifierHints,
  groth16VkeyConstants,
  inFq6,
  LAMBDA,
  lineToFq12,
  millerG2Check,
  millerG2CheckDegree,
  millerLines,
  millerLoop,
  multiMillerLoop,
  NoResidueError,
  type ResidueWitness,
  residueIdentity,
  residueWitness,
  type SnarkjsProof,
  type SnarkjsVkey,
  TWIST_B,
  tryResidueWitness,
} from "../src/bn254/pairing.ts";
import { type Fq2, type Fq12, fq2, fq12, P, R } from "../src/bn254/tower.ts";

interface Grp {
  g: Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  neg(a: Uint8Array): Uint8Array;
  timesScalar(a: Uint8Array, s: bigint): Uint8Array;
  fromObject(o: unknown): Uint8Array;
}
type Curve = FfCurve & {
  G1: Grp & FfCurve["G1"];
  G2: Grp & FfCurve["G2"];
  F12: { mul(a: Uint8Array, b: Uint8Array): Uint8Array; inv(a: Uint8Array): Uint8Array };
  pairing(a: Uint8Array, b: Uint8Array): Uint8Array;
  finalExponentiation(a: Uint8Array): Uint8Array;
  terminate(): Promise<void>;
};
let cv: Curve;
before(async () => {
  cv = (await buildBn128(true)) as unknown as Curve;
});
after(async () => {
  await cv.terminate();
});

let seed = 7n;
function rnd(m: bigint = R): bigint {
  let x = 0n;
  for (let i = 0; i < 4; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    x = (x << 64n) | seed;
  }
  return (x % (m - 1n)) + 1n;
}
const r12 = (): Fq12 => Array.from({ length: 6 }, () => [rnd(P), rnd(P)] as Fq2);
const g1At = (k: bigint): G1Affine => ffToG1(cv, cv.G1.timesScalar(cv.G1.g, k));
const g2At = (k: bigint): G2Affine => ffToG2(cv, cv.G2.timesScalar(cv.G2.g, k));
const ffPairing = (a: bigint, b: bigint): Fq12 =>
  ffToFq12(cv, cv.pairing(cv.G1.timesScalar(cv.G1.g, a), cv.G2.timesScalar(cv.G2.g, b)));
const ffFinalExp = (f: Fq12): Fq12 => ffToFq12(cv, cv.finalExponentiation(fq12ToFf(cv, f)));

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
const VKEY = fixture("groth16-column-tiny.vkey.json") as SnarkjsVkey & { vk_alphabeta_12: string[][][] };
const PROOFS = fixture("groth16-column-tiny.proofs.json").proofs as Record<
  string,
  { proof: SnarkjsProof; publicSignals: string[] }
>;

describe("Fq12 helpers", () => {
  test("fq12Mul, fq12Inv, fq12Pow, fq12Conj against tower.ts and ffjavascript F12", () => {
    for (let i = 0; i < 3; i++) {
      const [a, b] = [r12(), r12()];
      assert.ok(fq12.eq(fq12Mul(a, b), fq12.mul(a, b)));
      assert.ok(fq12.eq(fq12Mul(a, b), ffToFq12(cv, cv.F12.mul(fq12ToFf(cv, a), fq12ToFf(cv, b)))));
      assert.ok(fq12.eq(fq12Inv(a), ffToFq12(cv, cv.F12.inv(fq12ToFf(cv, a)))));
      assert.ok(fq12IsOne(fq12Mul(a, fq12Inv(a))));
      assert.ok(fq12.eq(fq12Conj(a), fq12.frobenius(fq12.frobenius(fq12.frobenius(a, 3), 2), 1)));
      assert.ok(fq12.eq(fq12Pow(a, P), fq12.frobenius(a, 1)));
      assert.ok(fq12.eq(fq12Pow(a, -3n), fq12Inv(fq12.mul(fq12.mul(a, a), a))));
    }
  });
});

describe("curve and loop schedule", () => {
  test("ATE_LOOP is a NAF of 6x + 2 (66 digits, 22 non-zero)", () => {
    assert.equal(
      ATE_LOOP.reduce((acc, d) => 2n * acc + BigInt(d), 0n),
      ATE_LOOP_COUNT,
    );
    assert.equal(ATE_LOOP.length, 66);
    assert.equal(ATE_LOOP.filter((d) => d !== 0).length, 22);
    assert.ok(ATE_LOOP.every((d, i) => i === 0 || d === 0 || ATE_LOOP[i - 1] === 0));
  });

  test("ψ(Q) = [p]Q and ψ² = ψ∘ψ on G2; G1/G2 arithmetic against ffjavascript", () => {
    const k = rnd();
    const q = g2At(k);
    assert.ok(g2.onCurve(q));
    assert.ok(g2.eq(g2.psi(q), g2.mul(q, P % R)));
    assert.ok(g2.eq(g2.psi2(q), g2.psi(g2.psi(q))));
    assert.ok(g2.eq(g2.mul(q, 12345n), g2At((k * 12345n) % R)));
    assert.equal(g2.mul(q, R), null);
    const p = g1At(k);
    assert.ok(g1.onCurve(p));
    assert.ok(g1.eq(g1.mul(p, 987654321n), g1At((k * 987654321n) % R)));
  });
});

/** A square root in Fq2 (p ≡ 3 mod 4: Adj and Rodríguez-Henríquez, Algorithm 9), or null. */
function fq2Sqrt(a: Fq2): Fq2 | null {
  const a1 = fq2.pow(a, (P - 3n) / 4n);
  const alpha = fq2.mul(fq2.mul(a1, a1), a);
  const x0 = fq2.mul(a1, a);
  const x = fq2.eq(alpha, [P - 1n, 0n])
    ? fq2.mul([0n, 1n], x0)
    : fq2.mul(fq2.pow(fq2.add(fq2.one, alpha), (P - 1n) / 2n), x0);
  return fq2.eq(fq2.mul(x, x), a) ? x : null;
}

/** A point of E′(Fq2) with a given x-coordinate seed (generally not in G2). */
function twistPoint(): G2Affine {
  for (;;) {
    const x: Fq2 = [rnd(P), rnd(P)];
    const y = fq2Sqrt(fq2.add(fq2.mul(fq2.mul(x, x), x), TWIST_B));
    if (y) return [x, y];
  }
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
};

describe("Miller loop", () => {
  test("ffjavascript finalExponentiation(millerLoop(P, Q)) = ffjavascript pairing(P, Q); f^h = pairing^(1/k)", () => {
    for (let i = 0; i < 3; i++) {
      const [a, b] = [rnd(), rnd()];
      const f = millerLoop(g1At(a), g2At(b));
      const ref = ffPairing(a, b);
      assert.ok(fq12.eq(ffFinalExp(f), ref));
      // the textbook pairing f^((p¹²−1)/r) relates to ffjavascript's by the fixed power k
      assert.ok(fq12.eq(fq12Pow(finalExponentiation(f), FFJS_FINAL_EXP_POWER % R), ref));
    }
  });

  test("bilinear: e(aP, bQ) = e(P, Q)^(ab); multi-Miller = product of Miller loops", () => {
    const [p, q] = [g1At(3n), g2At(5n)];
    const [a, b] = [rnd(), rnd()];
    const lhs = finalExponentiation(millerLoop(g1At((3n * a) % R), g2At((5n * b) % R)));
    assert.ok(fq12.eq(lhs, fq12Pow(finalExponentiation(millerLoop(p, q)), (a * b) % R)));
    const pairs = [
      { p: g1At(a), q: g2At(b) },
      { p: g1At(b), q: g2At(a) },
      { p, q },
    ];
    const prod = pairs.map((x) => millerLoop(x.p, x.q)).reduce(fq12Mul);
    assert.ok(fq12.eq(multiMillerLoop(pairs).f, prod));
  });

  test("step hints chain as the circuit's templates compute them; T ends at [6x+2]Q + ψ(Q)", () => {
    const [a, b] = [rnd(), rnd()];
    const pr = { p: g1At(a), q: g2At(b) };
    const tr = multiMillerLoop([pr]);
    assert.equal(tr.steps.length, 65 + 21 + 2);
    let f = fq12.one();
    let t = pr.q;
    for (const st of tr.steps) {
      const l = st.lines[0]!;
      assert.ok(g2.eq(l.t, t));
      // G2Slope's constraints
      if (st.kind === "double") {
        assert.ok(g2.eq(l.q, t));
        assert.ok(fq2.eq(fq2.mul(fq2.scale(l.lambda, 2n), t[1]), fq2.scale(fq2.mul(t[0], t[0]), 3n)));
      } else {
        assert.ok(fq2.eq(fq2.mul(l.lambda, fq2.sub(l.q[0], t[0])), fq2.sub(l.q[1], t[1])));
      }
      // LineEval: c1 = −λ·x_P, c3 = λ·x_T − y_T; MillerDoubleStep / MillerAddStep
      assert.ok(fq2.eq(l.c1, fq2.neg(fq2.scale(l.lambda, pr.p[0]))));
      assert.ok(fq2.eq(l.c3, fq2.sub(fq2.mul(l.lambda, t[0]), t[1])));
      const line = lineToFq12(pr.p[1], l.c1, l.c3);
      f = st.kind === "double" ? fq12.mul(fq12.mul(f, f), line) : fq12.mul(f, line);
      assert.ok(fq12.eq(f, st.f));
      assert.ok(g2.eq(l.tOut, g2.add(t, l.q)));
      t = l.tOut;
      if (st.kind === "add")
        assert.ok(
          g2.eq(t, g2At((b * ATE_LOOP.slice(0, st.digit + 1).reduce((x, d) => 2n * x + BigInt(d), 0n)) % R)),
        );
    }
    const frob1 = tr.steps[tr.steps.length - 2]!.lines[0]!;
    assert.ok(g2.eq(frob1.tOut, g2At((b * (ATE_LOOP_COUNT + P)) % R)));
    assert.ok(g2.eq(frob1.q, g2.psi(pr.q)));
    assert.ok(g2.eq(tr.steps[tr.steps.length - 1]!.lines[0]!.q, g2.neg(g2.psi2(pr.q))));
  });

  test("G2 membership from the loop's T: [6x+2]Q + ψ(Q) − ψ²(Q) = −ψ³(Q) iff Q ∈ G2", () => {
    const { degree } = millerG2CheckDegree();
    assert.equal(degree % R, 0n);
    assert.equal(gcd(degree, 2n * P - R), 1n, "kernel on E′(Fq2) is exactly G2");
    const q = g2At(rnd());
    assert.ok(millerG2Check(multiMillerLoop([{ p: g1At(5n), q }]), 0, q));
    for (let i = 0; i < 2; i++) {
      const bad = twistPoint();
      assert.ok(g2.onCurve(bad));
      assert.notEqual(g2.mul(bad, R), null, "not in G2");
      assert.ok(!millerG2Check(multiMillerLoop([{ p: g1At(5n), q: bad }]), 0, bad));
    }
  });

  test("fixed-Q lines: constants independent of P reproduce the Miller loop", () => {
    const q = g2At(rnd());
    const lines = fixedG2Lines(q);
    assert.equal(lines.length, 88);
    for (let i = 0; i < 2; i++) {
      const p = g1At(rnd());
      let f = fq12.one();
      for (const l of lines) {
        if (l.kind === "double") f = fq12Mul(f, f);
        f = fq12Mul(f, evalFixedLine(l, p));
      }
      assert.ok(fq12.eq(f, millerLoop(p, q)));
    }
  });
});

/** f = Π Miller(a_i·P, b_i·Q) with Σ a_i·b_i ≡ 0: f^h = 1. */
function trivialProduct(): { pairs: { p: G1Affine; q: G2Affine }[]; f: Fq12 } {
  const [a, b, c, d] = [rnd(), rnd(), rnd(), rnd()];
  const e = (R - ((a * b + c * d) % R)) % R;
  const pairs = [
    { p: g1At(a), q: g2At(b) },
    { p: g1At(c), q: g2At(d) },
    { p: g1At(e), q: g2At(1n) },
  ];
  return { pairs, f: multiMillerLoop(pairs).f };
}

function assertResidue(f: Fq12, rw: ResidueWitness) {
  assert.ok(inFq6(rw.w));
  assert.ok(fq12IsOne(fq12Pow(rw.w, 27n)));
  assert.ok(fq12IsOne(fq12Mul(rw.c, rw.cInv)));
  assert.ok(fq12.eq(fq12Pow(rw.c, LAMBDA), fq12Mul(f, rw.w)), "c^λ = f·w");
}

describe("residue witness (ePrint 2024/640 §4.3)", () => {
  test("f·w = c^λ and the merged-loop identity acc·w = π(c)·π²(c⁻¹)·π³(c) for products equal to 1", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 8 && seen.size < 3; i++) {
      const { pairs, f } = trivialProduct();
      assert.ok(fq12IsOne(finalExponentiation(f)));
      const rw = residueWitness(f);
      seen.add(rw.wExp);
      assertResidue(f, rw);
      const acc = multiMillerLoop(pairs, rw).f;
      assert.ok(fq12.eq(acc, fq12Mul(f, fq12Pow(rw.c, -ATE_LOOP_COUNT))));
      assert.ok(residueIdentity(acc, rw.c, rw.cInv, rw.w));
      // wrong w (another 27th root of unity in Fq6) or wrong c fails
      assert.ok(!residueIdentity(acc, rw.c, rw.cInv, fq12Mul(rw.w, rw.w)) || fq12IsOne(rw.w));
      assert.ok(!residueIdentity(acc, rw.cInv, rw.c, rw.w));
    }
    assert.deepEqual([...seen].sort(), [0, 1, 2], "all three cubic classes met");
  });

  test("no residue when the pairing product is not 1: NoResidueError / null", () => {
    const [p, q] = [g1At(rnd()), g2At(rnd())];
    const f = millerLoop(p, q);
    assert.throws(() => residueWitness(f), NoResidueError);
    assert.equal(tryResidueWitness(f), null);
    const { f: one } = trivialProduct();
    assert.equal(tryResidueWitness(fq12Mul(one, r12())), null);
  });
});

describe("Groth16 verifier hints (real snarkjs proof)", () => {
  test("vkey constants: K = Miller(α, β) matches snarkjs vk_alphabeta_12; fixed lines of −γ, −δ", () => {
    const vk = groth16VkeyConstants(VKEY);
    const ab = VKEY.vk_alphabeta_12;
    const ref: Fq12 = Array.from(
      { length: 6 },
      (_, b) => [BigInt(ab[b % 2]![b >> 1]![0]!), BigInt(ab[b % 2]![b >> 1]![1]!)] as Fq2,
    );
    assert.ok(fq12.eq(ffFinalExp(vk.alphaBetaMiller), ref));
    assert.equal(vk.negGammaLines.length, 88);
    const direct = multiMillerLoop([{ p: vk.ic0, q: g2.neg(vk.delta) }]).steps;
    vk.negDeltaLines.forEach((l, i) => {
      assert.ok(fq2.eq(l.lambda, direct[i]!.lines[0]!.lambda) && fq2.eq(l.mu, direct[i]!.lines[0]!.mu));
    });
  });

  for (const name of Object.keys(PROOFS)) {
    test(`${name}: hints verify; residue identity holds; limb encoding; timing`, (t) => {
      const { proof, publicSignals } = PROOFS[name]!;
      const vk = groth16VkeyConstants(VKEY);
      const t0 = performance.now();
      const h = groth16VerifierHints(proof, VKEY, publicSignals[0]!, vk);
      t.diagnostic(
        `groth16VerifierHints: ${(performance.now() - t0).toFixed(0)} ms (vkey constants precomputed)`,
      );
      assert.ok(checkGroth16WithHints(h));
      // the product's Miller loop really is 1 after final exponentiation
      const pairs = [
        { p: h.a, q: h.b },
        { p: h.l, q: g2.neg(vk.gamma) },
        { p: h.c, q: g2.neg(vk.delta) },
      ];
      const f = fq12Mul(multiMillerLoop(pairs).f, fq12Inv(vk.alphaBetaMiller));
      assert.ok(fq12IsOne(finalExponentiation(f)));
      assertResidue(f, h.residue);
      assert.equal(h.miller.steps.length, 88);
      assert.ok(millerG2Check(h.miller, 0, h.b));
      assert.ok(fq12.eq(h.miller.f0, h.residue.cInv));
      // tampered hints fail the model
      const bad = structuredClone(h);
      bad.residue.c[0]![0] = (bad.residue.c[0]![0] + 1n) % P;
      assert.ok(!checkGroth16WithHints(bad));
      const bad2 = structuredClone(h);
      bad2.miller.steps[10]!.lines[0]!.lambda = fq2.add(bad2.miller.steps[10]!.lines[0]!.lambda, fq2.one);
      assert.ok(!checkGroth16WithHints(bad2));
      const bad3 = structuredClone(h);
      bad3.residue.w[1] = [1n, 0n];
      assert.ok(!checkGroth16WithHints(bad3));
      // limb encoding
      const lb = groth16HintsToLimbs(h);
      assert.equal(lb.inputs.slopes.length, 88);
      assert.equal(lb.inputs.residueC.length, 6);
      assert.equal(lb.inputs.residueW.length, 3);
      assert.equal(lb.inputs.a[0]!.length, LIMBS);
      assert.equal(lb.constants.negDeltaLines[0]!.length, 2);
      assert.equal(lb.inputs.x, publicSignals[0]);
    });
  }

  test("tampered proof or wrong public input: no residue (NoResidueError)", () => {
    const { proof, publicSignals } = PROOFS["column-0"]!;
    const vk = groth16VkeyConstants(VKEY);
    const x = BigInt(publicSignals[0]!);
    assert.throws(() => groth16VerifierHints(proof, VKEY, (x + 1n) % R, vk), NoResidueError);
    const g = g1At(2n);
    const otherA = { ...proof, pi_a: [String(g[0]), String(g[1]), "1"] };
    assert.throws(() => groth16VerifierHints(otherA, VKEY, x, vk), NoResidueError);
    const other = PROOFS["column-1"]!;
    if (other.publicSignals[0] !== publicSignals[0]) {
      assert.throws(() => groth16VerifierHints(proof, VKEY, other.publicSignals[0]!, vk), NoResidueError);
    }
    const offCurve = { ...proof, pi_a: [proof.pi_a[0]!, String((BigInt(proof.pi_a[1]!) + 1n) % P), "1"] };
    assert.throws(() => groth16VerifierHints(offCurve, VKEY, x, vk), /not on the curve/);
  });

  test("schedule reuse: accumulateMiller over millerLines equals multiMillerLoop", () => {
    const pairs = trivialProduct().pairs;
    assert.ok(fq12.eq(accumulateMiller(pairs, millerLines(pairs)).f, multiMillerLoop(pairs).f));
  });
});
