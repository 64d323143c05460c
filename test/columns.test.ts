import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import fc from "fast-check";
import { generateBlock, SAMPLE_PROFILES } from "../src/block/sample.ts";
import {
  checkDeclared,
  conflictClasses,
  partition,
  planColumns,
  type TxEndpoints,
} from "../src/columns/partition.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { accessSet, executeBlock, executeTxs, State } from "../src/state/execute.ts";

before(loadCrypto);

const keysOf = (t: TxEndpoints) => accessSet(t).writes;

/** Brute force: does any key appear in two different declared columns? */
function bruteDisjoint(txs: TxEndpoints[], declared: number[]): boolean {
  for (let i = 0; i < txs.length; i++)
    for (let j = i + 1; j < txs.length; j++)
      if (declared[i] !== declared[j] && keysOf(txs[i]!).some((k) => keysOf(txs[j]!).includes(k)))
        return false;
  return true;
}

function assertValidPartition(txs: TxEndpoints[], columns: { txs: number[]; keys: number[] }[]) {
  const seen = new Set<number>();
  const keyOwner = new Map<number, number>();
  columns.forEach((c, ci) => {
    for (const t of c.txs) {
      assert.ok(!seen.has(t), `tx ${t} in two columns`);
      seen.add(t);
      for (const k of keysOf(txs[t]!)) {
        assert.ok(c.keys.includes(k), `column ${ci} lists key ${k}`);
        const o = keyOwner.get(k);
        assert.ok(o === undefined || o === ci, `key ${k} in columns ${o} and ${ci}`);
        keyOwner.set(k, ci);
      }
    }
  });
  assert.equal(seen.size, txs.length, "every transaction in exactly one column");
}

const endpoints = fc.array(
  fc.record({ from: fc.integer({ min: 0, max: 15 }), to: fc.integer({ min: 0, max: 15 }) }),
  {
    minLength: 1,
    maxLength: 30,
  },
);

describe("conflict classes and packing", () => {
  test("classes are the connected components of the key graph", () => {
    const txs = [
      { from: 1, to: 2 },
      { from: 3, to: 4 },
      { from: 2, to: 5 },
      { from: 6, to: 6 },
      { from: 5, to: 1 },
    ];
    const cls = conflictClasses(txs).map((c) => c.txs);
    assert.deepEqual(cls, [[0, 2, 4], [1], [3]]);
  });

  test("LPT balances classes across columns (largest first, least-loaded column)", () => {
    // classes of sizes 5, 4, 3, 3, 1 (independent chains) into 2 columns → loads 8 and 8
    const chain = (start: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ from: start + i, to: start + i + 1 }));
    const txs = [...chain(0, 5), ...chain(100, 4), ...chain(200, 3), ...chain(300, 3), ...chain(400, 1)];
    const p = partition(txs, { maxColumns: 2, txs: Infinity, accounts: Infinity });
    assert.deepEqual(p.columns.map((c) => c.txs.length).sort(), [8, 8]);
    assert.equal(p.speedupBound, 2);
    assert.equal(p.classBound, 16 / 5);
  });

  test("property: partitions are disjoint covers within capacity", () => {
    fc.assert(
      fc.property(endpoints, fc.integer({ min: 1, max: 6 }), (txs, k) => {
        let p: ReturnType<typeof partition>;
        try {
          p = partition(txs, { maxColumns: k, txs: 12, accounts: 10 });
        } catch (e) {
          // only allowed failures: a class over capacity, or not enough columns
          assert.ok(isDesError(e, "COLUMN_CAPACITY") || isDesError(e, "TOO_MANY_COLUMNS"));
          return;
        }
        assert.ok(p.columns.length <= k);
        for (const c of p.columns) assert.ok(c.txs.length <= 12 && c.keys.length <= 10);
        assertValidPartition(txs, p.columns);
      }),
      { numRuns: 300 },
    );
  });

  test("property: a declared assignment is accepted exactly when it is disjoint", () => {
    fc.assert(
      fc.property(
        endpoints.chain((txs) =>
          fc.tuple(
            fc.constant(txs),
            fc.array(fc.integer({ min: 0, max: 2 }), { minLength: txs.length, maxLength: txs.length }),
          ),
        ),
        ([txs, declared]) => {
          const disjoint = bruteDisjoint(txs, declared);
          try {
            const p = checkDeclared(txs, declared);
            assert.ok(disjoint, "accepted a non-disjoint assignment");
            assertValidPartition(txs, p.columns);
          } catch (e) {
            assert.ok(isDesError(e, "DISJOINTNESS_VIOLATION"), String(e));
            assert.ok(!disjoint, "rejected a disjoint assignment");
            const { txA, txB, key } = e.details as { txA: number; txB: number; key: number };
            assert.notEqual(declared[txA], declared[txB]);
            assert.ok(keysOf(txs[txA]!).includes(key) && keysOf(txs[txB]!).includes(key));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  test("planColumns uses the fewest columns the capacities allow", () => {
    const txs = Array.from({ length: 10 }, (_, i) => ({ from: 2 * i, to: 2 * i + 1 }));
    const p = planColumns(txs, { txs: 2, accounts: 4 });
    assert.equal(p.columns.length, 5);
    assert.throws(
      () =>
        planColumns(
          [
            { from: 1, to: 2 },
            { from: 2, to: 3 },
            { from: 3, to: 4 },
          ],
          { txs: 2, accounts: 4 },
        ),
      (e: unknown) => isDesError(e, "COLUMN_CAPACITY"),
    );
  });

  test("a 100,000-transaction block partitions into a valid cover", () => {
    const b = generateBlock({
      profile: "mainnet-like",
      txs: 100_000,
      seed: "big",
      depth: 24,
      unsigned: true,
    });
    const p = partition(b.txs, { maxColumns: 64, txs: Infinity, accounts: Infinity });
    assert.equal(
      p.columns.reduce((s, c) => s + c.txs.length, 0),
      100_000,
    );
    assert.ok(p.classes > 60_000, `mainnet-like: most transactions independent (${p.classes} classes)`);
    assert.ok(p.speedupBound > 1);
  });
});

describe("the central claim: disjoint columns commute", () => {
  test("property: columns executed in any order, or each against R0 and merged, give the sequential R1", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SAMPLE_PROFILES),
        fc.integer({ min: 1, max: 10 }),
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 1 << 30 })),
        (profile, n, seed, k, randoms) => {
          const block = generateBlock({ profile, txs: n, seed, depth: 10 });
          const seq = executeBlock(block);
          const p = partition(block.txs, { maxColumns: k, txs: Infinity, accounts: Infinity });
          // (a) one evolving state, columns in a random order
          const order = p.columns
            .map((c, i) => ({ c, r: randoms.next().value! + i }))
            .sort((a, b) => a.r - b.r);
          const state = State.fromBlock(block);
          for (const { c } of order) executeTxs(state, block, c.txs);
          assert.equal(state.root(), seq.postRoot);
          // (b) every column against the pre-state alone; writes merged afterwards
          const merged = State.fromBlock(block);
          for (const c of p.columns) {
            const local = State.fromBlock(block);
            executeTxs(local, block, c.txs);
            for (const key of c.keys) merged.put(key, local.get(key)!);
          }
          assert.equal(merged.root(), seq.postRoot);
        },
      ),
      { numRuns: 12 },
    );
  });
});
