/**
 * G1, G2 (affine, slope hints) and Miller-loop steps (circuits/lib/bn254/g1.circom, g2.circom,
 * pairing.circom) against ffjavascript's bn128 G1/G2 (add, double, [p]Q for ψ) and the reference
 * tower arithmetic (src/bn254/tower.ts) for the line evaluations. Each valid case passes; a wrong
 * result, a point off the curve and doubling a point with y = 0 violate a constraint.
 * (Slope hints invert in circom functions: a few seconds of witness time each, so cases are few.)
 */
import { describe, test } from "node:test";
import { ffToG1, ffToG2, fq12In, g1In, g2In } from "../src/bn254/limbs.ts";
import { type Fq2, type Fq12, fq2, fq12, modp, P, R } from "../src/bn254/tower.ts";
import { compileGadgetTest, useBn128 } from "./helpers/bn128.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const N = 43;
const K = 6;
const FILE = "circuits/lib/bn254/test_ext.circom";

const load = async (template: string, params: number[]) =>
  CircuitHarness.load(await compileGadgetTest(FILE, template, params));

const cv = useBn128();
// biome-ignore lint/suspicious/noExplicitAny: ffjavascript objects
const ff = () => cv() as any;

const zero1 = () => g1In([0n, 0n]);
const zero2 = () => g2In([fq2.zero, fq2.zero]);

describe("G1", () => {
  test("add, double, on-curve against ffjavascript G1", async () => {
    const add = await load("TestG1Op", [N, K, 0]);
    const dbl = await load("TestG1Op", [N, K, 1]);
    const on = await load("TestG1Op", [N, K, 2]);
    const P1 = cv().G1.timesScalar(cv().G1.g, 1234567n);
    const Q1 = cv().G1.timesScalar(cv().G1.g, 987654321987654321n);
    const [p, q] = [ffToG1(ff(), P1), ffToG1(ff(), Q1)];
    const sum = ffToG1(ff(), cv().G1.add(P1, Q1));
    const dd = ffToG1(ff(), cv().G1.double(P1));
    add.expectPass({ p: g1In(p), q: g1In(q), expected: g1In(sum) });
    dbl.expectPass({ p: g1In(p), q: zero1(), expected: g1In(dd) });
    on.expectPass({ p: g1In(p), q: zero1(), expected: zero1() });
    on.expectPass({ p: g1In(ffToG1(ff(), cv().G1.g)), q: zero1(), expected: zero1() });
    add.expectFail({ p: g1In(p), q: g1In(q), expected: g1In([sum[0], sum[1] + 1n]) }, /main\.g0\./);
    dbl.expectFail({ p: g1In(p), q: zero1(), expected: g1In([dd[0] + 1n, dd[1]]) }, /main\.g1\./);
    on.expectFail({ p: g1In([p[0], p[1] + 1n]), q: zero1(), expected: zero1() }, /main\.g2\./);
    // y = 0: no slope satisfies 2λy = 3x² (x ≠ 0)
    dbl.expectFail({ p: g1In([5n, 0n]), q: zero1(), expected: zero1() }, /main\.g1\./);
  });
});

describe("G2", () => {
  test("add, double, on-curve, ψ against ffjavascript G2", async () => {
    const add = await load("TestG2Op", [N, K, 0]);
    const dbl = await load("TestG2Op", [N, K, 1]);
    const on = await load("TestG2Op", [N, K, 2]);
    const psi = await load("TestG2Op", [N, K, 3]);
    const P2 = cv().G2.timesScalar(cv().G2.g, 31415926535n);
    const Q2 = cv().G2.timesScalar(cv().G2.g, 2718281828459045n);
    const [p, q] = [ffToG2(ff(), P2), ffToG2(ff(), Q2)];
    const sum = ffToG2(ff(), cv().G2.add(P2, Q2));
    const dd = ffToG2(ff(), cv().G2.double(P2));
    add.expectPass({ p: g2In(p), q: g2In(q), expected: g2In(sum) });
    dbl.expectPass({ p: g2In(p), q: zero2(), expected: g2In(dd) });
    on.expectPass({ p: g2In(p), q: zero2(), expected: zero2() });
    // ψ(Q) = [p]Q on G2 (p mod r)
    const pq = ffToG2(ff(), cv().G2.timesScalar(P2, modp(P, R)));
    psi.expectPass({ p: g2In(p), q: zero2(), expected: g2In(pq) });
    add.expectFail(
      { p: g2In(p), q: g2In(q), expected: g2In([sum[0], fq2.add(sum[1], [0n, 1n])]) },
      /main\.g0\./,
    );
    dbl.expectFail(
      { p: g2In(p), q: zero2(), expected: g2In([fq2.add(dd[0], [1n, 0n]), dd[1]]) },
      /main\.g1\./,
    );
    on.expectFail({ p: g2In([p[0], fq2.add(p[1], [1n, 0n])]), q: zero2(), expected: zero2() }, /main\.g2\./);
    psi.expectFail({ p: g2In(p), q: zero2(), expected: g2In(p) }, /main\.g3\./);
  });
});

/** Reference Miller step: λ, T' and f' = f^(1 or 2)·ℓ(P), ℓ = y_P − λx_P·w + (λx_T − y_T)·w³. */
function millerRef(f: Fq12, t: [Fq2, Fq2], q: [Fq2, Fq2] | null, p: [bigint, bigint]) {
  const [xt, yt] = t;
  const lambda = q
    ? fq2.mul(fq2.sub(q[1], yt), fq2.inv(fq2.sub(q[0], xt)))
    : fq2.mul(fq2.scale(fq2.mul(xt, xt), 3n), fq2.inv(fq2.scale(yt, 2n)));
  const x3 = fq2.sub(fq2.sub(fq2.mul(lambda, lambda), xt), q ? q[0] : xt);
  const y3 = fq2.sub(fq2.mul(lambda, fq2.sub(xt, x3)), yt);
  const line: Fq12 = fq12.zero();
  line[0] = [modp(p[1]), 0n];
  line[1] = fq2.neg(fq2.scale(lambda, p[0]));
  line[3] = fq2.sub(fq2.mul(lambda, xt), yt);
  const base = q ? f : fq12.mul(f, f);
  return { f: fq12.mul(base, line), t: [x3, y3] as [Fq2, Fq2] };
}

describe("Miller loop steps", () => {
  test("doubling and addition steps: f and T against the reference; tampering rejected", async () => {
    const P1 = ffToG1(ff(), cv().G1.timesScalar(cv().G1.g, 77n));
    const T = ffToG2(ff(), cv().G2.timesScalar(cv().G2.g, 5n));
    const Q = ffToG2(ff(), cv().G2.g);
    let s = 5n;
    const f: Fq12 = Array.from({ length: 6 }, () => {
      s = (s * 48271n + 11n) % P;
      return [s, modp(s * s)] as Fq2;
    });
    const dbl = await load("TestMillerStep", [N, K, 0]);
    const d = millerRef(f, T, null, P1);
    // the doubled T agrees with ffjavascript
    const want = ffToG2(ff(), cv().G2.timesScalar(cv().G2.g, 10n));
    if (!fq2.eq(want[0], d.t[0]) || !fq2.eq(want[1], d.t[1])) throw new Error("reference doubling wrong");
    const base = { f: fq12In(f), t: g2In(T), q: g2In(Q), p: g1In(P1) };
    dbl.expectPass({ ...base, expectedF: fq12In(d.f), expectedT: g2In(d.t) });
    const badF = d.f.map((x) => [...x] as Fq2);
    badF[2]![0] = (badF[2]![0] + 1n) % P;
    dbl.expectFail({ ...base, expectedF: fq12In(badF), expectedT: g2In(d.t) }, /main\.g0\./);
    const add = await load("TestMillerStep", [N, K, 1]);
    const a = millerRef(f, T, Q, P1);
    const want2 = ffToG2(ff(), cv().G2.timesScalar(cv().G2.g, 6n));
    if (!fq2.eq(want2[0], a.t[0])) throw new Error("reference addition wrong");
    add.expectPass({ ...base, expectedF: fq12In(a.f), expectedT: g2In(a.t) });
    add.expectFail(
      { ...base, expectedF: fq12In(a.f), expectedT: g2In([a.t[0], fq2.neg(a.t[1])]) },
      /main\.g1\./,
    );
  });
});
