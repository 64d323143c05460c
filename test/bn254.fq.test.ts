/**
 * Emulated BN254 base field Fq (circuits/lib/bn254/fq.circom), 43-bit × 6 limbs, --O2.
 *
 * - The reduction check FqReduceCheck with its hints as inputs (computed in TypeScript,
 *   src/bn254/hints.ts): the honest witness passes; a wrong remainder, r + p (identity still
 *   holding), limbs out of range (same value, other limb split), an out-of-range q' limb and an
 *   out-of-range carry are each rejected by a constraint of the named part.
 * - Every Fq gadget against bigint arithmetic mod p on random values and edge cases (0, 1, p − 1,
 *   p itself in reduced form, all limbs at their maximum = 2^254 − 1); a wrong claimed result
 *   violates a constraint of the gadget.
 * - The limb helpers and the generated constants file.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { constantsCircom } from "../src/bn254/constants.ts";
import { fe, polyMul, reduceCarries, reduceHints, reduceParams } from "../src/bn254/hints.ts";
import { fqIn, fromLimbs, isReduced, LIMB_BITS, toLimbs } from "../src/bn254/limbs.ts";
import { invmod, modp, P } from "../src/bn254/tower.ts";
import { compileCircuit, REPO_ROOT } from "../src/build/circom.ts";
import { COMPILE_OPTIONS } from "../src/circuits/registry.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const N = 43;
const K = 6;
const FILE = "circuits/lib/bn254/test_fq.circom";
const MAX = (1n << 254n) - 1n;

/** Deterministic pseudo-random values below 2^254 (xorshift on bigints). */
function rng(seed: bigint) {
  let s = seed;
  return (bound: bigint = P) => {
    let x = 0n;
    for (let i = 0; i < 5; i++) {
      s ^= (s << 13n) & ((1n << 64n) - 1n);
      s ^= s >> 7n;
      s ^= (s << 17n) & ((1n << 64n) - 1n);
      x = (x << 64n) | s;
    }
    return x % bound;
  };
}

const load = async (template: string, params: (number | bigint)[]) =>
  CircuitHarness.load(
    await compileCircuit(
      { name: `t-bn254-${template.toLowerCase()}-${params.join("-")}`, file: FILE, template, params },
      COMPILE_OPTIONS,
    ),
  );

/** Limbs of a reduced-form value (not reduced mod p). */
const raw = (x: bigint) => toLimbs(x).map(String);

const EDGE = [0n, 1n, 2n, P - 1n, P, P + 1n, MAX, 1n << 253n, (1n << 215n) - 1n];

describe("limb helpers and constants", () => {
  test("bigint ↔ limbs round trip, reduced-form predicate", () => {
    const r = rng(7n);
    for (let i = 0; i < 50; i++) {
      const x = r(1n << 254n);
      const l = toLimbs(x);
      assert.equal(fromLimbs(l), x);
      assert.ok(isReduced(l));
    }
    assert.ok(isReduced(toLimbs(MAX)));
    assert.ok(!isReduced(toLimbs(1n << 254n)));
    assert.throws(() => toLimbs(1n << 258n));
    assert.equal(LIMB_BITS * (K - 1) + 39, 254);
  });

  // bn_limbs_of (p's limbs for every reduction hint, and the curve constants) against bigint
  // limbs, for limb widths where a limb straddles bit 128 (43, 50, 120) and where none does (64)
  for (const [n, k] of [
    [43, 6],
    [64, 4],
    [50, 6],
    [120, 3],
  ] as const) {
    test(`bn_p_limbs / bn_limbs_of equal the base-2^${n} limbs of p and of a two-halves constant`, async () => {
      const c = await load("TestLimbsOf", [n, k]);
      const limbs = (x: bigint) =>
        Array.from({ length: k }, (_, j) => ((x >> BigInt(n * j)) & ((1n << BigInt(n)) - 1n)).toString());
      const C = ((1n << 127n) + 1n) * (1n << 128n) + ((1n << 128n) - 1n);
      c.expectPass({ p: limbs(P), c: limbs(C) });
      for (const j of [0, 1, k - 1]) {
        const p = limbs(P);
        p[j] = String(BigInt(p[j]!) + 1n);
        c.expectFail({ p, c: limbs(C) }, /main/);
        const cc = limbs(C);
        cc[j] = String(BigInt(cc[j]!) ^ 1n);
        c.expectFail({ p: limbs(P), c: cc }, /main/);
      }
    });
  }

  test("circuits/lib/bn254/constants.circom is generated from src/bn254/constants.ts", () => {
    const file = readFileSync(join(REPO_ROOT, "circuits/lib/bn254/constants.circom"), "utf8");
    assert.equal(file, constantsCircom(), "run: npx tsx src/bn254/constants.ts");
  });
});

describe("FqReduceCheck: hints as inputs", () => {
  // The product a·b as FqMul reduces it: d = limb-product coefficients, DB = 2N + 3, VB = 508.
  const M = 2 * K - 1;
  const DB = 2 * N + 3;
  const VB = 508;
  const prm = reduceParams(M, DB, VB);
  let h: CircuitHarness;
  let hc: CircuitHarness;
  before(async () => {
    h = await load("TestFqReduceCheck", [N, K, M, DB, VB, 1, 0]);
    hc = await load("TestFqReduceCheck", [N, K, M, DB, VB, 1, 1]);
  });
  const input = (d: bigint[], q: bigint[], r: bigint[], carry: bigint[]) => ({
    d: d.map(fe),
    q: q.map(fe),
    r: r.map(fe),
    carry: carry.map(fe),
  });
  const honest = (a: bigint, b: bigint) => {
    const d = polyMul(toLimbs(a), toLimbs(b));
    return { d, ...reduceHints(d, prm) };
  };

  test("parameters follow the bound argument", () => {
    assert.deepEqual(
      { qb: prm.qb, kq: prm.kq, dball: prm.dball, cb: prm.cb, s: prm.s, j: prm.j, nseg: prm.nseg },
      { qb: 256, kq: 6, dball: 91, cb: 49, s: 4, j: 7, nseg: 2 },
    );
  });

  test("honest hints pass (random, edge cases)", () => {
    const r = rng(11n);
    const vals = [...EDGE, r(), r(), r(1n << 254n)];
    for (const a of vals.slice(0, 6)) {
      const w = honest(a, vals[(vals.indexOf(a) * 5 + 3) % vals.length]!);
      h.expectPass(input(w.d, w.q, w.rLimbs, w.carries));
      hc.expectPass(input(w.d, w.q, w.rLimbs, w.carries));
    }
    const w = honest(MAX, MAX);
    h.expectPass(input(w.d, w.q, w.rLimbs, w.carries));
  });

  test("a wrong remainder is rejected", () => {
    const w = honest(P - 1n, 12345678901234567890n);
    const r1 = toLimbs(w.r + 1n);
    h.expectFail(input(w.d, w.q, r1, reduceCarries(w.d, w.q, r1, prm)), /main\.c\./);
    // q adjusted too (q' + 1, r − p would be negative: use r + 1 with q' − 0): still wrong mod p
    const q2 = toLimbs(w.qValue - 1n, { n: N, k: prm.kq });
    h.expectFail(input(w.d, q2, r1, reduceCarries(w.d, q2, r1, prm)), /main\.c\./);
  });

  test("r + p (identity holds): accepted as reduced form, rejected where canonical is promised", () => {
    // V small enough that r + p < 2^254.
    const w = honest(3n, 5n);
    const r2 = toLimbs(w.r + P);
    const q2 = toLimbs(w.qValue - 1n, { n: N, k: prm.kq });
    const carries = reduceCarries(w.d, q2, r2, prm);
    h.expectPass(input(w.d, q2, r2, carries));
    hc.expectFail(input(w.d, q2, r2, carries), /main\.c\.lt\./);
  });

  test("r + p ≥ 2^254 is rejected by the range check", () => {
    const w = honest(P - 1n, P - 2n); // r = 2
    const big = modp(w.r) + P * 2n; // > 2^254
    assert.ok(big >> 254n > 0n);
    const r3 = toLimbs(big, { n: N, k: K + 1 }).slice(0, K);
    r3[K - 1] = r3[K - 1]! + (toLimbs(big, { n: N, k: K + 1 })[K]! << BigInt(N)); // top limb too wide
    const q3 = toLimbs(w.qValue - 2n, { n: N, k: prm.kq });
    h.expectFail(input(w.d, q3, r3, reduceCarries(w.d, q3, r3, prm)), /main\.c\.rr\./);
  });

  test("an unreduced limb (same value, limb 0 ≥ 2^N) is rejected", () => {
    const w = honest(123n << 200n, 456n << 100n);
    const r4 = [...w.rLimbs];
    r4[0] = r4[0]! + (1n << BigInt(N));
    r4[1] = r4[1]! - 1n;
    assert.equal(fromLimbs(r4), w.r);
    if (r4[1]! < 0n) return; // (never for this value)
    h.expectFail(input(w.d, w.q, r4, reduceCarries(w.d, w.q, r4, prm)), /main\.c\.rr\.|main\.r\[0\]/);
    const q4 = [...w.q];
    q4[0] = q4[0]! + (1n << BigInt(N));
    q4[1] = q4[1]! - 1n;
    h.expectFail(
      input(w.d, q4, w.rLimbs, reduceCarries(w.d, q4, w.rLimbs, prm)),
      /main\.c\.qr\[0\]|main\.q\[0\]/,
    );
  });

  // After --O2 a carry is defined by its range-check bits (the input wire is substituted), so an
  // out-of-range carry cannot even be written: the wrong-remainder case above uses carries that
  // satisfy the segment identities only modulo r (field divisions), which no bits can represent.
  test("a shifted carry is rejected", () => {
    const w = honest(P - 1n, P - 1n);
    const c = [...w.carries];
    c[0] = c[0]! + 1n;
    h.expectFail(input(w.d, w.q, w.rLimbs, c), /main\.c\.|main\.carry/);
  });
});

describe("Fq gadgets", () => {
  const r = rng(2024n);
  const pairs: [bigint, bigint][] = [
    ...EDGE.map((a, i) => [a, EDGE[(i * 4 + 1) % EDGE.length]!] as [bigint, bigint]),
    [MAX, MAX],
    [P - 1n, P - 1n],
    [0n, MAX],
    [r(), r()],
    [r(), r()],
    [r(1n << 254n), r(1n << 254n)],
  ];

  test("FqMul, FqSquare: random, 0, 1, p − 1, p, all limbs maximal; wrong result rejected", async () => {
    const mul = await load("TestFqMul", [N, K]);
    const sq = await load("TestFqSquare", [N, K]);
    for (const [a, b] of pairs) {
      mul.expectPass({ a: raw(a), b: raw(b), expected: fqIn(a * b) });
      sq.expectPass({ a: raw(a), expected: fqIn(a * a) });
    }
    const [a, b] = pairs[pairs.length - 2]!;
    mul.expectFail({ a: raw(a), b: raw(b), expected: fqIn(a * b + 1n) }, /main\.g\./);
    // the same residue, non-canonical (r + p): the honest hint is canonical, so the claim differs
    mul.expectFail({ a: raw(3n), b: raw(5n), expected: raw(15n + P) }, /main\.g\./);
    sq.expectFail({ a: raw(a), expected: fqIn(a * a - 1n) }, /main\.g\./);
  });

  test("FqAdd, FqSub, FqNeg", async () => {
    const add = await load("TestFqBinary", [N, K, 0]);
    const sub = await load("TestFqBinary", [N, K, 1]);
    const neg = await load("TestFqBinary", [N, K, 2]);
    for (const [a, b] of pairs) {
      add.expectPass({ a: raw(a), b: raw(b), expected: fqIn(a + b) });
      sub.expectPass({ a: raw(a), b: raw(b), expected: fqIn(a - b) });
      neg.expectPass({ a: raw(a), b: raw(0n), expected: fqIn(-a) });
    }
    add.expectFail({ a: raw(1n), b: raw(2n), expected: fqIn(4n) }, /main\.g0\./);
    sub.expectFail({ a: raw(1n), b: raw(2n), expected: fqIn(1n) }, /main\.g1\./);
    neg.expectFail({ a: raw(1n), b: raw(0n), expected: fqIn(1n) }, /main\.g2\./);
  });

  test("FqDiv, FqInv: quotient checked; division by zero has no witness", async () => {
    const div = await load("TestFqBinary", [N, K, 3]);
    const inv = await load("TestFqBinary", [N, K, 4]);
    for (const [a, b] of pairs.slice(-4)) {
      if (modp(b) === 0n) continue;
      div.expectPass({ a: raw(a), b: raw(b), expected: fqIn(a * invmod(modp(b))) });
      if (modp(a) !== 0n) inv.expectPass({ a: raw(a), b: raw(0n), expected: fqIn(invmod(modp(a))) });
    }
    div.expectFail({ a: raw(7n), b: raw(3n), expected: fqIn(7n * invmod(3n) + 1n) }, /main\.g3\./);
    inv.expectFail({ a: raw(P - 1n), b: raw(0n), expected: fqIn(1n) }, /main\.g4\./);
    // 1/0 and 1/p: the hint is 0, and no value satisfies b·out ≡ 1
    inv.expectFail({ a: raw(0n), b: raw(0n), expected: fqIn(0n) }, /main\.g4\./);
  });

  test("FqCanonical, FqAssertCanonical, FqAssertEqual", async () => {
    const can = await load("TestFqCanonical", [N, K]);
    const isCan = await load("TestFqAssertCanonical", [N, K]);
    const eq = await load("TestFqAssertEqual", [N, K]);
    for (const a of [...EDGE, r(1n << 254n)]) {
      can.expectPass({ a: raw(a), expected: fqIn(a) });
      eq.expectPass({ a: raw(a), b: fqIn(a) });
      if (a + P <= MAX) eq.expectPass({ a: raw(a + P), b: raw(a) });
    }
    for (const a of [0n, 1n, P - 1n, P - 2n, (1n << 253n) + 5n]) isCan.expectPass({ x: raw(a) });
    // non-canonical claims
    can.expectFail({ a: raw(P + 5n), expected: raw(P + 5n) }, /main\.g\./);
    isCan.expectFail({ x: raw(P) }, /main\.g\.lt\./);
    isCan.expectFail({ x: raw(P + 1n) }, /main\.g\.lt\./);
    isCan.expectFail({ x: raw(MAX) }, /main\.g\.lt\./);
    // a limb out of range, same value
    const l = toLimbs(5n);
    l[0] = l[0]! + (1n << BigInt(N));
    l[1] = l[1]! - 1n;
    isCan.expectFail({ x: l.map(fe) }, /main\.g\.rc\./);
    // unequal values
    eq.expectFail({ a: raw(5n), b: raw(6n) }, /main\.g\./);
    eq.expectFail({ a: raw(5n), b: raw(5n + P + 1n) }, /main\.g\./);
  });
});
