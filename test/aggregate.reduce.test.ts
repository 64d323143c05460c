/**
 * Linear-constraint elimination (src/aggregate/reduce.ts). On a hand-written system: which
 * constraints go (a committed wire is replaced only by committed wires, public wires and wires used
 * twice more stay, a constant side counts as linear), the replacement's coefficients, and that the
 * reduced system accepts exactly the witnesses of the original on every wire that is kept; which
 * committed wires the others determine (products and sums of hints, in dependency order; never a
 * square root, a value read through a post-challenge wire, or a cycle). On the commitment test
 * circuit compiled at --O1 (its lookups' chunk sums are linear constraints): one chunk of each limb
 * goes, the honest witness satisfies the reduced system, a changed kept wire breaks
 * it, the statement hash's wires are found determined by the limbs, and a Groth16 proof with one
 * commitment to the rest verifies on the reduced key.
 */
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { determinedWires, identifyWires, reduceLinear } from "../src/aggregate/reduce.ts";
import { LIMB_BITS, LIMBS, toLimbs } from "../src/bn254/limbs.ts";
import { CHUNK_BITS, fqChunks, fqLookups, fqTableWidths, multiplicities } from "../src/bn254/logup.ts";
import { invmod, modp, P, R } from "../src/bn254/tower.ts";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import { buildNativeProver, proverToolchain } from "../src/build/prover.ts";
import { checkWitness, loadR1cs, loadSymbols, writeLE } from "../src/circuits/r1cs.ts";
import { WasmWitnessCalculator } from "../src/circuits/wasm-witness.ts";
import { committedInputWires, readCommitmentKey } from "../src/commit/key.ts";
import { proveCommitted } from "../src/commit/prove.ts";
import { type CommittedVkey, committedVkey, verifyCommitted } from "../src/commit/verify.ts";
import { FIELD_P } from "../src/crypto/field.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { devSetup, readR1csInfo } from "../src/setup/devsetup.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";
import { BinWriter } from "../src/util/binfile.ts";
import { useBn128 } from "./helpers/bn128.ts";

const work = mkdtempSync(join(tmpdir(), "des-reduce-test-"));
after(async () => {
  await releaseSnarkjs();
  rmSync(work, { recursive: true, force: true });
});

type Term = [wire: number, coef: bigint];
type Constraint = [Term[], Term[], Term[]];

/** Writes an r1cs (circom's format) with nPub public outputs. */
function writeR1cs(file: string, nWires: number, nPub: number, cs: readonly Constraint[]): void {
  const fd = openSync(file, "w");
  try {
    const o = new BinWriter(fd, "r1cs", 1, 3);
    const le = (v: bigint) => {
      const b = Buffer.alloc(32);
      writeLE(b, 0, 32, v);
      return b;
    };
    const fe = (v: bigint) => le(modp(v, FIELD_P));
    o.begin(1);
    o.u32(32);
    o.write(le(FIELD_P));
    o.u32(nWires);
    o.u32(nPub);
    o.u32(0);
    o.u32(0);
    o.u64(nWires);
    o.u32(cs.length);
    o.end();
    o.begin(2);
    for (const c of cs) {
      for (const lc of c) {
        o.u32(lc.length);
        for (const [w, v] of lc) {
          o.u32(w);
          o.write(fe(v));
        }
      }
    }
    o.end();
    o.begin(3);
    for (let w = 0; w < nWires; w++) o.u64(w);
    o.end();
  } finally {
    closeSync(fd);
  }
}

describe("linear-constraint elimination, hand-written system", () => {
  // wire 0 = 1, wire 1 public; J = {2, 3, 4, 8}
  const J = [2, 3, 4, 8];
  const cs: Constraint[] = [
    /* 0 */ [[[2, 1n]], [[3, 1n]], [[5, 1n]]], // w5 = w2·w3
    /* 1 */ [
      [],
      [],
      [
        [4, 1n],
        [6, -1n],
      ],
    ], // w4 = w6: J wire 4 with non-J 6, 6 used twice more → stays
    /* 2 */ [[[4, 1n]], [[4, 1n]], [[10, 1n]]],
    /* 3 */ [[[6, 1n]], [[2, 1n]], [[11, 1n]]],
    /* 4 */ [[[6, 1n]], [[3, 1n]], [[12, 1n]]],
    /* 5 */ [
      [],
      [],
      [
        [7, 1n],
        [2, -1n],
        [3, -1n],
      ],
    ], // w7 = w2 + w3: non-J 7 replaced in 6
    /* 6 */ [[[7, 1n]], [[5, 1n]], [[13, 1n]]],
    /* 7 */ [
      [[0, 3n]],
      [[8, 1n]],
      [
        [2, 1n],
        [3, 2n],
      ],
    ], // 3·w8 = w2 + 2·w3: J 8 by J wires, replaced in 8
    /* 8 */ [
      [[8, 1n]],
      [
        [8, 1n],
        [0, 1n],
      ],
      [[14, 1n]],
    ],
    /* 9 */ [
      [],
      [],
      [
        [1, 1n],
        [9, -1n],
      ],
    ], // public 1 = w9, w9 used twice more → stays
    /* 10 */ [[[9, 1n]], [[9, 1n]], [[15, 1n]]],
    /* 11 */ [[[9, 1n]], [[2, 1n]], [[16, 1n]]],
  ];
  const nWires = 17;
  const input = join(work, "hand.r1cs");
  const output = join(work, "hand.reduced.r1cs");
  const witness = (() => {
    const w = new Array<bigint>(nWires).fill(0n);
    w[0] = 1n;
    w[2] = 5n;
    w[3] = 7n;
    w[5] = 35n;
    w[4] = 11n;
    w[6] = 11n;
    w[10] = 121n;
    w[11] = 55n;
    w[12] = 77n;
    w[7] = 12n;
    w[13] = 12n * 35n;
    w[8] = modp((5n + 14n) * invmod(3n, FIELD_P), FIELD_P);
    w[14] = modp(w[8]! * (w[8]! + 1n), FIELD_P);
    w[1] = 9n;
    w[9] = 9n;
    w[15] = 81n;
    w[16] = 45n;
    return w;
  })();

  test("the original system accepts the witness (the fixture is right)", () => {
    writeR1cs(input, nWires, 1, cs);
    assert.deepEqual(checkWitness(loadR1cs(input), witness), []);
  });

  test("eliminates the non-committed copy and the committed wire defined by committed wires only", () => {
    const r = reduceLinear(input, output, { committed: J });
    assert.deepEqual(r.eliminated, [7, 8]);
    assert.deepEqual(r.committed, [2, 3, 4]);
    assert.equal(r.before, cs.length);
    assert.equal(r.nConstraints, cs.length - 2);
    assert.equal(readR1csInfo(output).nConstraints, cs.length - 2);
    const red = loadR1cs(output);
    assert.deepEqual(checkWitness(red, witness), []);
    // neither eliminated wire occurs any more; constraint 6 reads w2 + w3, constraint 8 (w2 + 2·w3)/3
    for (const [a, b, c] of red.constraints)
      for (const lc of [a, b, c]) assert.ok(![...lc.wires].some((w) => w === 7 || w === 8));
    // the reduced system leaves the eliminated wires free and still checks every other one
    const free = [...witness];
    free[7] = 999n;
    free[8] = 4n;
    assert.deepEqual(checkWitness(red, free), []);
    for (const w of [2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16]) {
      const bad = [...witness];
      bad[w] = bad[w]! + 1n;
      assert.ok(checkWitness(red, bad).length > 0, `wire ${w} changed: the reduced system must reject it`);
    }
  });

  test("without a commitment the committed-only rule does not apply: w4 = w6 goes as well (w4 is read once more)", () => {
    const r = reduceLinear(input, output, {});
    // w4 occurs in constraints 1 and 2: eligible now that J is empty
    assert.deepEqual(r.eliminated, [4, 7, 8]);
    assert.deepEqual(checkWitness(loadR1cs(output), witness), []);
  });

  test("maxTargets 0 keeps every constraint whose wire is read elsewhere; bad committed wires are refused", () => {
    assert.equal(reduceLinear(input, output, { committed: J, maxTargets: 0 }).eliminated.length, 0);
    assert.throws(
      () => reduceLinear(input, output, { committed: [1] }),
      (e: unknown) => isDesError(e, "INVALID_R1CS"),
    );
    assert.throws(
      () => reduceLinear(input, output, { committed: [nWires] }),
      (e: unknown) => isDesError(e, "INVALID_R1CS"),
    );
  });
});

describe("down to a lower domain, hand-written system", () => {
  // 9 constraints (2^4 with one public wire); the two cheap eliminations (w3, w6: read once more)
  // leave 7 (still 2^4), all three 6 (2^3): c2's wires w4 and w5 are each read twice more
  const cs: Constraint[] = [
    /* 0 */ [
      [],
      [],
      [
        [3, 1n],
        [2, -1n],
        [0, -1n],
      ],
    ], // w3 = w2 + 1
    /* 1 */ [[[3, 1n]], [[3, 1n]], [[4, 1n]]],
    /* 2 */ [
      [],
      [],
      [
        [5, 1n],
        [2, -1n],
        [4, -1n],
      ],
    ], // w5 = w2 + w4
    /* 3 */ [[[5, 1n]], [[2, 1n]], [[6, 1n]]],
    /* 4 */ [[[5, 1n]], [[5, 1n]], [[7, 1n]]],
    /* 5 */ [
      [],
      [],
      [
        [8, 1n],
        [6, -1n],
        [7, -1n],
      ],
    ], // w8 = w6 + w7
    /* 6 */ [[[8, 1n]], [[2, 1n]], [[9, 1n]]],
    /* 7 */ [[[8, 1n]], [[8, 1n]], [[10, 1n]]],
    /* 8 */ [[[4, 1n]], [[4, 1n]], [[12, 1n]]],
  ];
  const file = join(work, "fit.r1cs");
  const out = join(work, "fit.reduced.r1cs");
  const w = (() => {
    const v = new Array<bigint>(13).fill(0n);
    v[0] = 1n;
    v[2] = 3n;
    v[3] = 4n;
    v[4] = 16n;
    v[5] = 19n;
    v[6] = 57n;
    v[7] = 361n;
    v[8] = 418n;
    v[9] = 1254n;
    v[10] = 418n * 418n;
    v[12] = 256n;
    return v;
  })();

  test("fitDomain takes the dearer eliminations where they reach the next power of two, within the fill budget", () => {
    writeR1cs(file, 13, 1, cs);
    assert.deepEqual(checkWitness(loadR1cs(file), w), []);
    assert.equal(reduceLinear(file, out).nConstraints, 7);
    assert.equal(reduceLinear(file, out, { fitDomain: true, maxFill: 0 }).nConstraints, 7);
    const r = reduceLinear(file, out, { fitDomain: true });
    assert.equal(r.nConstraints, 6);
    assert.equal(r.eliminated.length, 3);
    assert.ok(r.eliminated.includes(3) && r.eliminated.includes(6));
    assert.equal(readR1csInfo(out).nConstraints, 6);
    assert.deepEqual(checkWitness(loadR1cs(out), w), []);
    for (const k of [2, 7, 8, 9, 10, 12]) {
      const bad = [...w];
      bad[k] = bad[k]! + 1n;
      assert.ok(checkWitness(loadR1cs(out), bad).length > 0, `wire ${k} changed`);
    }
  });
});

describe("identified wires, hand-written system", () => {
  // seed w2 (not committed); the first part computes w3 = s², w4 = w3·s; the second part the same
  // as w5, w6; each reads its copy with the committed w7
  const cs: Constraint[] = [
    /* 0 */ [[[2, 1n]], [[2, 1n]], [[3, 1n]]],
    /* 1 */ [[[3, 1n]], [[2, 1n]], [[4, 1n]]],
    /* 2 */ [[[2, 1n]], [[2, 1n]], [[5, 1n]]],
    /* 3 */ [[[5, 1n]], [[2, 1n]], [[6, 1n]]],
    /* 4 */ [[[4, 1n]], [[7, 1n]], [[8, 1n]]],
    /* 5 */ [[[6, 1n]], [[7, 1n]], [[9, 1n]]],
  ];
  const file = join(work, "id.r1cs");
  const out = join(work, "id.merged.r1cs");
  const w = [1n, 0n, 3n, 9n, 27n, 9n, 27n, 5n, 135n, 135n];

  test("the second copy's constraints become the first's and go; its reader reads the first copy", () => {
    writeR1cs(file, 10, 1, cs);
    assert.deepEqual(checkWitness(loadR1cs(file), w), []);
    const r = identifyWires(
      file,
      out,
      [
        [5, 3],
        [6, 4],
      ],
      { committed: [7] },
    );
    assert.deepEqual([r.before, r.nConstraints, r.dropped], [6, 4, 2]);
    const m = loadR1cs(out);
    assert.equal(readR1csInfo(out).nConstraints, 4);
    assert.deepEqual(checkWitness(m, w), []);
    for (const [a, b, c] of m.constraints)
      for (const lc of [a, b, c]) assert.ok(![...lc.wires].some((x) => x === 5 || x === 6));
    // w9 now reads w4: a w9 that matched only the second copy is rejected
    const bad = [...w];
    bad[4] = 28n;
    assert.ok(checkWitness(m, bad).length > 0);
  });

  test("a public wire, a committed wire onto an uncommitted one, and a chain are refused", () => {
    const refused = (pairs: [number, number][]) =>
      assert.throws(
        () => identifyWires(file, out, pairs, { committed: [7] }),
        (e: unknown) => isDesError(e, "INVALID_R1CS"),
      );
    refused([[1, 3]]);
    refused([[7, 3]]);
    refused([
      [5, 3],
      [3, 2],
    ]);
    refused([[0, 3]]);
  });
});

describe("determined committed wires, hand-written system", () => {
  // wire 1 public; J = {2, …, 8, 10, 11}, 9 is computed after the challenge; seeds (hints) 2, 3
  const cs: Constraint[] = [
    /* 0 */ [[[2, 1n]], [[3, 1n]], [[4, 1n]]], // w4 = w2·w3: determined in the first pass
    /* 1 */ [
      [[4, 1n]],
      [[2, 1n]],
      [
        [5, 1n],
        [6, 1n],
      ],
    ], // w5 + w6 = w4·w2: once w6 is known, w5
    /* 2 */ [
      [],
      [],
      [
        [6, 1n],
        [4, -1n],
        [2, -1n],
      ],
    ], // w6 = w4 + w2
    /* 3 */ [[[7, 1n]], [[7, 1n]], [[3, 1n]]], // w7² = w3: two roots, w7 stays committed
    /* 4 */ [[[2, 1n]], [[9, 1n]], [[8, 1n]]], // w8 = w2·w9 with w9 not committed: w8 stays
    /* 5 */ [
      [],
      [],
      [
        [10, 1n],
        [11, -1n],
      ],
    ], // w10 = w11, neither a hint nor determined: both stay
    /* 6 */ [[[1, 1n]], [[2, 1n]], [[12, 1n]]],
  ];
  const file = join(work, "det.r1cs");
  const J = [2, 3, 4, 5, 6, 7, 8, 10, 11];

  test("products and sums of hints are determined (in as many passes as the order needs); square roots, values read through post-challenge wires and cycles stay committed", () => {
    writeR1cs(file, 13, 1, cs);
    const d = determinedWires(file, J, [2, 3]);
    assert.deepEqual(d.determined, [4, 5, 6]);
    assert.ok(d.passes >= 2);
    assert.deepEqual(determinedWires(file, J, []).determined, []);
    assert.throws(
      () => determinedWires(file, J, [9]),
      (e: unknown) => isDesError(e, "INVALID_R1CS"),
    );
  });
});

const toolchain = proverToolchain();
const WS = fqTableWidths();
const NV = 2;

describe("linear-constraint elimination, lookup range checks at --O1", () => {
  const curve = useBn128();
  let c: CompiledCircuit;
  let calc: WasmWitnessCalculator;
  let J: number[];
  const reduced = join(work, "range.reduced.r1cs");
  let result: ReturnType<typeof reduceLinear>;
  const values = [P - 1n, (1n << 254n) - 1n];
  const x = values.map((v) => toLimbs(v));
  const ch = x.map((l) => fqChunks(l));
  const input = {
    x: x.map((l) => l.map(String)),
    c: ch.map((l) => l.map((cs) => cs.map(String))),
    m: multiplicities(
      WS,
      ch.flatMap((cs) => fqLookups(cs)),
    ).map(String),
    seed: "12345",
  };

  before(async () => {
    await loadCrypto();
    c = await compileCircuit(
      {
        name: "t-committed-range-o1",
        file: "circuits/test/committed.circom",
        template: "CommittedRange",
        params: [LIMB_BITS, LIMBS, CHUNK_BITS, NV, WS.length, WS],
      },
      { O: 1 },
    );
    calc = await WasmWitnessCalculator.load(c.wasm);
    // committed: the inputs and the statement's hash (everything before the seed), as a node's J is
    // every wire not computed from the seed
    J = [...loadSymbols(c.sym)]
      .filter(([w, ns]) => w > 1 && ns.every((n) => /^main\.(x|c|m|st)[.[]/.test(n)))
      .map(([w]) => w)
      .sort((a, b) => a - b);
    assert.equal(
      committedInputWires(c.sym, ["x", "c", "m"], []).wires.filter((w) => !J.includes(w)).length,
      0,
    );
    result = reduceLinear(c.r1cs, reduced, { committed: J });
  });

  test("one chunk of each limb goes (its chunk sum is linear, the chunk is read by its one lookup)", () => {
    const names = loadSymbols(c.sym);
    const limbs = result.eliminated
      .map((w) => names.get(w)?.find((n) => n.startsWith("main.c[")))
      .filter((n) => n !== undefined)
      .map((n) =>
        n
          .match(/^main\.c\[(\d+)\]\[(\d+)\]\[\d+\]$/)!
          .slice(1, 3)
          .join(","),
      );
    assert.deepEqual(
      limbs.sort(),
      Array.from({ length: NV * LIMBS }, (_, i) => `${Math.floor(i / LIMBS)},${i % LIMBS}`).sort(),
    );
    assert.equal(result.nConstraints, result.before - result.eliminated.length);
    assert.deepEqual(
      result.committed,
      J.filter((w) => !result.eliminated.includes(w)),
    );
  });

  test("the honest witness satisfies the reduced system; a changed kept chunk, limb or multiplicity breaks it; the eliminated chunk is free", () => {
    const w = [...calc.calculate(input).witness];
    const red = loadR1cs(reduced);
    const orig = loadR1cs(c.r1cs);
    assert.deepEqual(checkWitness(red, w), []);
    const names = loadSymbols(c.sym);
    const wireOf = (n: string) => [...names].find(([, ns]) => ns.includes(n))![0];
    const gone = new Set(result.eliminated);
    const chunks = (v: number, i: number) => [0, 1, 2].map((k) => wireOf(`main.c[${v}][${i}][${k}]`));
    const kept = [chunks(0, 0).find((k) => !gone.has(k))!, chunks(1, 5).find((k) => !gone.has(k))!];
    const bump = (k: number) => {
      const bad = [...w];
      bad[k] = (bad[k]! + 1n) % R;
      return bad;
    };
    for (const k of [...kept, ...["main.x[0][3]", "main.x[1][5]", "main.m[7]"].map(wireOf)]) {
      assert.ok(
        checkWitness(red, bump(k), 1).length > 0,
        `wire ${k} (${names.get(k)}) changed: the reduced system must reject it`,
      );
      assert.ok(checkWitness(orig, bump(k), 1).length > 0);
    }
    const free = chunks(0, 0).find((k) => gone.has(k))!;
    assert.deepEqual(checkWitness(red, bump(free)), []);
    assert.ok(checkWitness(orig, bump(free), 1).length > 0);
  });

  test("the statement hash's wires are determined by the limbs; limbs, chunks and multiplicities stay committed; a proof with the smaller commitment verifies", {
    skip: toolchain.ok ? false : `the native prover cannot be built here: ${toolchain.reason}`,
  }, async () => {
    const bin = (await buildNativeProver()).bin;
    const zkey = join(work, "range.zkey");
    const names = loadSymbols(c.sym);
    const hints = result.committed.filter((w) => names.get(w)!.some((n) => /^main\.(x|c|m)\[/.test(n)));
    const det = determinedWires(reduced, result.committed, hints);
    const kinds = new Set(det.determined.map((w) => names.get(w)![0]!.split(/[.[]/)[1]));
    assert.deepEqual([...kinds], ["st"]);
    assert.ok(det.determined.length > 1000, `${det.determined.length} determined`);
    const wires = result.committed.filter((w) => !det.determined.includes(w));
    await devSetup(reduced, zkey, { native: bin, commitment: { wires, dir: join(work, "ck") } });
    const ck = readCommitmentKey(join(work, "ck"));
    assert.deepEqual(ck.wires, wires);
    const { seed: _seed, ...rest } = input;
    const r = await proveCommitted({ calc, input: rest, seedSignal: "seed", zkey, ck, bin });
    const plain = (await snarkjs.zKey.exportVerificationKey(zkey)) as unknown as Omit<
      CommittedVkey,
      "sigma_2"
    >;
    const vk = committedVkey(curve(), plain, ck.sigma2);
    const stmt = poseidon(x.flat().map((v) => modp(v, R)));
    assert.equal(await verifyCommitted(curve(), vk, stmt, r.proof), undefined);
    assert.equal(await verifyCommitted(curve(), vk, stmt + 1n, r.proof), "groth16");
  });
});
