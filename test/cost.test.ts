/**
 * The cost model (src/model/cost.ts): tree counts equal the trees the aggregation builds (the
 * 8-column sample's 11 nodes, the tree test's 3 columns and 2 chunks → 5 nodes), and the
 * schedule's arithmetic, the simulation of large blocks (des simulate).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { schedule, treeCounts } from "../src/model/cost.ts";
import { blockShape, simulate } from "../src/model/simulate.ts";

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

  test("simulation: independent blocks fill columns; a chain is one column proved as a chain of leaves", () => {
    const ind = blockShape("independent", 100, 2);
    assert.deepEqual([ind.classes, ind.columns, ind.leafProofs, ind.longestChain], [100, 50, 50, 1]);
    const chain = blockShape("chain", 100, 8);
    assert.deepEqual([chain.classes, chain.columns, chain.leafProofs, chain.longestChain], [1, 1, 13, 13]);
    const f = { leafSeconds: 1, nodeSeconds: 10, hopSeconds: 0 };
    // the chain's leaves run one after another however many machines there are
    const many = simulate(chain, 1000, f, 8, 0.1);
    const tree = treeCounts(1, chain.keys, 8);
    assert.equal(many.leafSeconds, 13);
    assert.equal(many.nodeSeconds, tree.levels * 10);
    // independent: ⌈leaves / M⌉ rounds; padding to 64 columns and the state chunks are proofs too
    const t = treeCounts(50, ind.keys, 8);
    const leaves = 50 + (t.columnLeaves - 50) + t.stateLeaves;
    const ten = simulate(ind, 10, f, 8, 3.6);
    assert.equal(ten.leafSeconds, Math.ceil(leaves / 10));
    assert.equal(ten.workSeconds, leaves + t.nodes * 10);
    assert.ok(Math.abs(ten.cost - (10 * ten.latencySeconds * 3.6) / 3600) < 1e-9);
  });

  test("CLI: des simulate prints the table, writes the chart, refuses bad flags", () => {
    const dir = mkdtempSync(join(tmpdir(), "des-sim-"));
    try {
      const svg = join(dir, "sim.svg");
      const r = spawnSync(
        "./bin/des",
        [
          "simulate",
          "--txs",
          "200,400",
          "--machines",
          "1,8,64",
          "--leaf-seconds",
          "1",
          "--node-seconds",
          "20",
          "--svg",
          svg,
          "--json",
        ],
        { encoding: "utf8" },
      );
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.rows.length, 6);
      assert.equal(j.source.leaf, "--leaf-seconds");
      for (const size of [200, 400]) {
        const rows = j.rows.filter((x: { transactions: number }) => x.transactions === size);
        // more machines never make a block slower
        for (let i = 1; i < rows.length; i++) assert.ok(rows[i].latencySeconds <= rows[i - 1].latencySeconds);
      }
      assert.equal(readFileSync(svg, "utf8").match(/<polyline/g)?.length, 2);
      const bad = spawnSync("./bin/des", ["simulate", "--machines", "0"], { encoding: "utf8" });
      assert.equal(bad.status, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("des plan: the 8-column sample's tree under each profile and a recommendation; a chain fits no profile", () => {
    // an empty artifacts directory: the project's fallback figures, not this machine's costs.json
    const empty = mkdtempSync(join(tmpdir(), "des-plan-"));
    const r = spawnSync("./bin/des", ["plan", "samples/independent-16.json", "--machines", "8", "--json"], {
      encoding: "utf8",
      env: { ...process.env, DES_ARTIFACTS: empty },
    });
    rmSync(empty, { recursive: true, force: true });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    const tiny = j.rows.find((x: { profile: string }) => x.profile === "tiny");
    assert.deepEqual([tiny.fits, tiny.columns, tiny.leaves, tiny.nodes, tiny.levels], [true, 8, 12, 11, 4]);
    assert.equal(j.recommended, "tiny");
    // with whatever figures: the recommendation is the fitting profile with the shortest latency
    const own = JSON.parse(
      spawnSync("./bin/des", ["plan", "samples/independent-16.json", "--machines", "8", "--json"], {
        encoding: "utf8",
      }).stdout,
    );
    const fit = own.rows.filter((x: { fits: boolean }) => x.fits);
    const best = fit.reduce((a: { latencySeconds: number }, b: { latencySeconds: number }) =>
      b.latencySeconds < a.latencySeconds ? b : a,
    );
    assert.equal(own.recommended, best.profile);
    const chain = spawnSync("./bin/des", ["plan", "samples/chain-16.json", "--json"], { encoding: "utf8" });
    assert.equal(chain.status, 0, chain.stderr);
    const c = JSON.parse(chain.stdout);
    assert.ok(c.rows.every((x: { fits: boolean }) => !x.fits));
    assert.equal(c.recommended, null);
    assert.equal(spawnSync("./bin/des", ["plan", "samples/chain-16.json", "--machines", "0"]).status, 2);
  });
});
