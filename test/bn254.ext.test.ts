/**
 * Fq2 and Fq12 gadgets (circuits/lib/bn254/fq2.circom, fq12.circom) against ffjavascript's bn128
 * F2 and F12 (converted with src/bn254/limbs.ts): products, squares, inverse, ξ·a, conjugate and
 * the Frobenius maps a^(p^e) (ffjavascript: F12.exp(a, p^e)) on random and edge values (0, 1,
 * p − 1 everywhere, all limbs maximal); a wrong claimed result violates a constraint of the gadget.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import {
  type FfCurve,
  ffToFq2,
  ffToFq12,
  fq2In,
  fq2ToFf,
  fq12In,
  fq12ToFf,
  toLimbs,
} from "../src/bn254/limbs.ts";
import { type Fq2, type Fq12, fq2, fq12, P } from "../src/bn254/tower.ts";
import { compileCircuit } from "../src/build/circom.ts";
import { COMPILE_OPTIONS } from "../src/circuits/registry.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const N = 43;
const K = 6;
const FILE = "circuits/lib/bn254/test_ext.circom";
const MAX = (1n << 254n) - 1n;

const load = async (template: string, params: number[]) =>
  CircuitHarness.load(
    await compileCircuit(
      { name: `t-bn254-${template.toLowerCase()}-${params.join("-")}`, file: FILE, template, params },
      COMPILE_OPTIONS,
    ),
  );

let seed = 99n;
function rnd(): bigint {
  let x = 0n;
  for (let i = 0; i < 4; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    x = (x << 64n) | seed;
  }
  return x % P;
}
const r2 = (): Fq2 => [rnd(), rnd()];
const r12 = (): Fq12 => Array.from({ length: 6 }, r2);
const raw = (x: bigint) => toLimbs(x).map(String);
const maxFq2 = () => [raw(MAX), raw(MAX)];

let curve: FfCurve & {
  F12: {
    exp(a: Uint8Array, e: bigint): Uint8Array;
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    square(a: Uint8Array): Uint8Array;
  };
  F2: {
    mul(a: Uint8Array, b: Uint8Array): Uint8Array;
    inv(a: Uint8Array): Uint8Array;
    square(a: Uint8Array): Uint8Array;
  };
} & { terminate(): Promise<void> };
before(async () => {
  curve = (await buildBn128(true)) as unknown as typeof curve;
});
after(async () => {
  await curve.terminate();
});

describe("Fq2", () => {
  test("mul, square against ffjavascript F2; edge cases; wrong result rejected", async () => {
    const mul = await load("TestFq2Op", [N, K, 0]);
    const sq = await load("TestFq2Op", [N, K, 1]);
    const cases: [Fq2, Fq2][] = [
      [r2(), r2()],
      [r2(), r2()],
      [
        [0n, 0n],
        [1n, 0n],
      ],
      [
        [P - 1n, P - 1n],
        [P - 1n, P - 1n],
      ],
      [
        [0n, 1n],
        [0n, 1n],
      ],
    ];
    for (const [a, b] of cases) {
      const fa = fq2ToFf(curve, a);
      const fb = fq2ToFf(curve, b);
      const prod = ffToFq2(curve, curve.F2.mul(fa, fb));
      assert.deepEqual(prod, fq2.mul(a, b));
      mul.expectPass({ a: fq2In(a), b: fq2In(b), expected: fq2In(prod) });
      sq.expectPass({ a: fq2In(a), b: fq2In(b), expected: fq2In(ffToFq2(curve, curve.F2.square(fa))) });
    }
    // all limbs maximal (non-canonical 2^254 − 1 in both coefficients)
    const m: Fq2 = [MAX % P, MAX % P];
    mul.expectPass({ a: maxFq2(), b: maxFq2(), expected: fq2In(fq2.mul(m, m)) });
    const [a, b] = cases[0]!;
    const bad = fq2.mul(a, b);
    bad[1] = (bad[1] + 1n) % P;
    mul.expectFail({ a: fq2In(a), b: fq2In(b), expected: fq2In(bad) }, /main\.g0\./);
    sq.expectFail({ a: fq2In(a), b: fq2In(b), expected: fq2In(fq2.mul(a, b)) }, /main\.g1\./);
  });

  test("inverse, ξ·a, conjugate", async () => {
    const inv = await load("TestFq2Op", [N, K, 2]);
    const xi = await load("TestFq2Op", [N, K, 3]);
    const conj = await load("TestFq2Op", [N, K, 4]);
    const a = r2();
    const ia = ffToFq2(curve, curve.F2.inv(fq2ToFf(curve, a)));
    inv.expectPass({ a: fq2In(a), b: fq2In(a), expected: fq2In(ia) });
    inv.expectFail({ a: fq2In(a), b: fq2In(a), expected: fq2In(fq2.add(ia, [1n, 0n])) }, /main\.g2\./);
    inv.expectFail({ a: fq2In([0n, 0n]), b: fq2In(a), expected: fq2In([0n, 0n]) }, /main\.g2\./);
    for (const v of [a, [P - 1n, P - 1n] as Fq2, [0n, 0n] as Fq2]) {
      xi.expectPass({ a: fq2In(v), b: fq2In(v), expected: fq2In(fq2.mul(v, [9n, 1n])) });
      conj.expectPass({ a: fq2In(v), b: fq2In(v), expected: fq2In(fq2.conj(v)) });
    }
    xi.expectPass({ a: maxFq2(), b: maxFq2(), expected: fq2In(fq2.mul([MAX % P, MAX % P], [9n, 1n])) });
    xi.expectFail({ a: fq2In(a), b: fq2In(a), expected: fq2In(a) }, /main\.g3\./);
    conj.expectFail({ a: fq2In(a), b: fq2In(a), expected: fq2In(a) }, /main\.g4\./);
  });
});

describe("Fq12", () => {
  test("tower basis ↔ ffjavascript F12: mul agrees", () => {
    const a = r12();
    const b = r12();
    const ff = ffToFq12(curve, curve.F12.mul(fq12ToFf(curve, a), fq12ToFf(curve, b)));
    assert.ok(fq12.eq(ff, fq12.mul(a, b)));
  });

  test("mul, square against ffjavascript F12; edge cases; wrong result rejected", async () => {
    const mul = await load("TestFq12Op", [N, K, 0]);
    const sq = await load("TestFq12Op", [N, K, 1]);
    const allMax: Fq12 = Array.from({ length: 6 }, () => [P - 1n, P - 1n] as Fq2);
    const cases: [Fq12, Fq12][] = [
      [r12(), r12()],
      [fq12.one(), r12()],
      [fq12.zero(), r12()],
      [allMax, allMax],
    ];
    for (const [a, b] of cases) {
      const fa = fq12ToFf(curve, a);
      const prod = ffToFq12(curve, curve.F12.mul(fa, fq12ToFf(curve, b)));
      mul.expectPass({ a: fq12In(a), b: fq12In(b), expected: fq12In(prod) });
      sq.expectPass({ a: fq12In(a), b: fq12In(b), expected: fq12In(ffToFq12(curve, curve.F12.square(fa))) });
    }
    // all limbs maximal: every coefficient 2^254 − 1 (non-canonical)
    const mx = Array.from({ length: 6 }, () => maxFq2());
    const m: Fq12 = Array.from({ length: 6 }, () => [MAX % P, MAX % P] as Fq2);
    mul.expectPass({ a: mx, b: mx, expected: fq12In(fq12.mul(m, m)) });
    const [a, b] = cases[0]!;
    const bad = fq12.mul(a, b);
    bad[5]![1] = (bad[5]![1] + 1n) % P;
    mul.expectFail({ a: fq12In(a), b: fq12In(b), expected: fq12In(bad) }, /main\.g0\./);
    sq.expectFail({ a: fq12In(a), b: fq12In(b), expected: fq12In(fq12.mul(a, b)) }, /main\.g1\./);
  });

  test("Frobenius p, p², p³ against ffjavascript F12.exp(a, p^e)", async () => {
    const a = r12();
    const fa = fq12ToFf(curve, a);
    for (const e of [1, 2, 3]) {
      const h = await load("TestFq12Op", [N, K, 1 + e]);
      const want = ffToFq12(curve, curve.F12.exp(fa, P ** BigInt(e)));
      assert.ok(fq12.eq(want, fq12.frobenius(a, e)));
      h.expectPass({ a: fq12In(a), b: fq12In(a), expected: fq12In(want) });
      if (e === 1) {
        const one = fq12.one();
        h.expectPass({ a: fq12In(one), b: fq12In(one), expected: fq12In(one) });
        h.expectFail({ a: fq12In(a), b: fq12In(a), expected: fq12In(a) }, /main\.g2\./);
      }
    }
  });
});
