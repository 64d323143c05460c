/**
 * The cost model (src/model/cost.ts): tree counts equal the trees the aggregation builds (the
 * 8-column sample's 11 nodes, the tree test's 3 columns and 2 chunks → 5 nodes), and the
 * schedule's arithmetic.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { schedule, treeCounts } from "../src/model/cost.ts";

describe("cost model", () => {
  test("tree counts: columns padded to a power of two, state chunks of the profile's writes, one root", () => {
    // samples/independent-16.json at the tiny profile: 8 columns, 32 keys / 8 writes = 4 chunks → 11 nodes
    const t = treeCounts(8, 32, 8);
    assert.deepEqual(
      { c: t.columnLeaves, s: t.stateLeaves, leaves: t.leaves, nodes: t.nodes, levels: t.levels },
      { c: 8, s: 4, leaves: 12, nodes: 11, levels: 4 },
    );
    assert.deepEqual(t.perLevel, [6, 3, 1, 1]);
    // 3 columns (padded to 4), 10 keys / 8 → 2 chunks: 2 + 1 column nodes, 1 state node, the root
    const u = treeCounts(3, 10, 8);
    assert.deepEqual([u.columnLeaves, u.stateLeaves, u.nodes, u.levels], [4, 2, 5, 3]);
    // one column and one chunk: the root alone
    assert.deepEqual([treeCounts(1, 1, 8).nodes, treeCounts(1, 1, 8).levels], [1, 1]);
  });

  test("schedule: leaves in rounds of M, nodes level by level, the root last; utilisation = work / (M × latency)", () => {
    const t = treeCounts(8, 32, 8); // 12 leaves; levels of 6, 3, 1, 1 nodes
    const f = { leafSeconds: 2, nodeSeconds: 30, hopSeconds: 0 };
    const one = schedule(t, 1, f);
    assert.equal(one.latencySeconds, 12 * 2 + 11 * 30);
    assert.equal(one.workSeconds, one.latencySeconds);
    assert.ok(Math.abs(one.utilisation - 1) < 1e-12);
    const four = schedule(t, 4, f);
    assert.equal(four.leafSeconds, 3 * 2);
    assert.equal(four.nodeSeconds, (2 + 1 + 1 + 1) * 30);
    const many = schedule(t, 1000, { ...f, hopSeconds: 0.05 });
    assert.ok(Math.abs(many.latencySeconds - (2.05 + 4 * 30.05)) < 1e-9);
    assert.throws(() => schedule(t, 0, f), RangeError);
  });
});
