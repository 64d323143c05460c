/**
 * Log-derivative range checks (circuits/lib/logup.circom) on the production shape: Fq values of
 * 6 × 43-bit limbs, chunks of at most 15 bits, one table of widths {15, 14, 13}.
 *
 * - Valid values (0, 1, p, 2^254 − 1, random) pass with honest chunks and multiplicities.
 * - Each thing the check exists for rejects a bad witness on a real constraint: a chunk out of its
 *   range with the limb identity kept, a 14-bit chunk holding a 15-bit value (the width tag), a
 *   wrong multiplicity, a limb ≥ 2^43 written with an out-of-range chunk, chunks that do not add
 *   up to the limb.
 * - The caller's assumption is necessary: with X and Y known before the chunks are chosen, a
 *   prover solves for two out-of-range chunks that make a limb of 2^43 + 5 pass. (The circuits
 *   that use the gadget bind the chunks by a commitment before X and Y are drawn.)
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, describe, test } from "node:test";
import { LIMB_BITS, LIMBS, toLimbs } from "../src/bn254/limbs.ts";
import {
  CHUNK_BITS,
  chunkWidths,
  fqChunks,
  fqLookups,
  fqTableWidths,
  type Lookup,
  multiplicities,
  tableIndex,
  tableSize,
} from "../src/bn254/logup.ts";
import { modp, P, R } from "../src/bn254/tower.ts";
import { compileCircuit } from "../src/build/circom.ts";
import { COMPILE_OPTIONS } from "../src/circuits/registry.ts";
import { CircuitHarness } from "./helpers/circuit.ts";
import { outOfRangeAttack } from "./helpers/logup.ts";

const WS = fqTableWidths();
const MAX = (1n << 254n) - 1n;

/** A field element from a label (SHA-256, reduced mod r): the tests' stand-in for H(D). */
const draw = (label: string) => BigInt(`0x${createHash("sha256").update(label).digest("hex")}`) % R;

/** The accumulator's last step, (acc − 0)·(X − t) = m_t: where a false balance (1) shows. */
const END = /main\.tb\.acc\[57343\]/;

const VALUES = [0n, P, MAX, draw("value 3") >> 1n];

interface Case {
  X: bigint;
  Y: bigint;
  x: bigint[][];
  c: bigint[][][];
  m: number[];
}

function honest(values: readonly bigint[], X = draw("X"), Y = draw("Y")): Case {
  const x = values.map((v) => toLimbs(v));
  const c = x.map((l) => fqChunks(l));
  return {
    X,
    Y,
    x,
    c,
    m: multiplicities(
      WS,
      c.flatMap((ch) => fqLookups(ch)),
    ),
  };
}

const input = (k: Case) => ({
  X: String(k.X),
  Y: String(k.Y),
  x: k.x.map((l) => l.map((v) => String(modp(v, R)))),
  c: k.c.map((l) => l.map((ch) => ch.map((v) => String(modp(v, R))))),
  m: k.m.map(String),
});

/** Multiplicities of every lookup that is an entry (an out-of-range chunk cannot be counted). */
function countable(k: Case): number[] {
  const ls = k.c.flatMap((ch) => fqLookups(ch)).filter((l) => tableIndex(WS, l) >= 0);
  return multiplicities(WS, ls);
}

describe("log-derivative range check hints", () => {
  test("chunk widths, table layout, multiplicities", () => {
    assert.equal(CHUNK_BITS, 15);
    assert.deepEqual(chunkWidths(43), [15, 14, 14]);
    assert.deepEqual(chunkWidths(39), [13, 13, 13]);
    assert.deepEqual(chunkWidths(15), [15]);
    assert.deepEqual(WS, [15, 14, 13]);
    assert.equal(tableSize(WS), 57_344);
    assert.equal(tableIndex(WS, { value: 5n, width: 14 }), 32_768 + 5);
    assert.equal(tableIndex(WS, { value: 1n << 14n, width: 14 }), -1);
    assert.equal(tableIndex(WS, { value: -1n, width: 13 }), -1);
    assert.throws(() => multiplicities(WS, [{ value: 1n << 13n, width: 13 }]), RangeError);
    const limbs = toLimbs(MAX);
    const ch = fqChunks(limbs);
    assert.deepEqual(
      ch.map((c) => c.length),
      [3, 3, 3, 3, 3, 3],
    );
    assert.equal(fqLookups(ch).length, 18);
    assert.ok(fqLookups(ch).every((l: Lookup) => l.value === (1n << BigInt(l.width)) - 1n));
  });
});

describe("FqRangeLookup and LogUpTable (N = 43, K = 6, CB = 15)", () => {
  let c: CircuitHarness;
  before(async () => {
    c = await CircuitHarness.load(
      await compileCircuit(
        {
          name: "t-logup-fq-range",
          file: "circuits/test/logup.circom",
          template: "TestFqRangeLookup",
          params: [LIMB_BITS, LIMBS, CHUNK_BITS, VALUES.length, WS.length, WS],
        },
        COMPILE_OPTIONS,
      ),
    );
  });

  test("valid values pass; the cost is one constraint per lookup and per table entry", () => {
    c.expectPass(input(honest(VALUES)));
    // 4 values × 18 lookups + 57,344 table entries (--O2 folds the limb identities into the
    // lookups' constraints).
    assert.equal(c.compiled.nonLinear, 4 * 18 + 57_344);
  });

  test("a chunk out of its range, limb identity kept, fails the accumulator's end", () => {
    const k = honest(VALUES);
    const v = 3;
    const l = k.c[v]!.findIndex((ch) => ch[1]! > 0n);
    assert.ok(l >= 0);
    k.c[v]![l]![0]! += 1n << 15n;
    k.c[v]![l]![1]! -= 1n;
    k.m = countable(k);
    c.expectFail(input(k), END);
  });

  test("a 14-bit chunk holding a 15-bit value (counted in the 15-bit table) fails: the width tag", () => {
    const k = honest(VALUES);
    const v = 3;
    const l = k.c[v]!.findIndex((ch, i) => i < LIMBS - 1 && ch[2]! > 0n);
    assert.ok(l >= 0);
    k.c[v]![l]![1]! += 1n << 14n;
    k.c[v]![l]![2]! -= 1n;
    const ls = k.c
      .flatMap((ch) => fqLookups(ch))
      .map((x) => (tableIndex(WS, x) >= 0 ? x : { ...x, width: 15 }));
    k.m = multiplicities(WS, ls);
    c.expectFail(input(k), END);
  });

  test("a wrong multiplicity fails the accumulator's end", () => {
    const k = honest(VALUES);
    k.m[7]! += 1;
    c.expectFail(input(k), END);
    const k2 = honest(VALUES);
    const t = k2.m.findIndex((n) => n > 0);
    k2.m[t]! -= 1;
    k2.m[t + 1]! += 1;
    c.expectFail(input(k2), END);
  });

  test("a limb ≥ 2^43 fails: written with an out-of-range chunk, or with chunks that do not add up", () => {
    const k = honest(VALUES);
    k.x[0]![0] = (1n << 43n) + 5n;
    k.c[0]![0] = [5n, 0n, 1n << 14n];
    k.m = countable(k);
    c.expectFail(input(k), END);
    const k2 = honest(VALUES);
    k2.x[0]![0] = (1n << 43n) + 5n;
    k2.c[0]![0] = [5n, 0n, 0n];
    k2.m = countable(k2);
    c.expectFail(input(k2), /main\.(x|c)\[0\]\[0\]/);
  });

  test("with X and Y known before the chunks, a limb of 2^43 + 5 passes: the caller must bind the chunks first", () => {
    const k = honest(VALUES);
    const att = outOfRangeAttack(k, k.X, k.Y, WS);
    assert.ok(att.c1 >= 1n << 14n && att.c2 >= 1n << 14n, "the solved chunks are out of range");
    Object.assign(k, { x: att.x, c: att.c, m: att.m });
    c.expectPass(input(k));
  });
});
