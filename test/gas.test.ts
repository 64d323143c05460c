/**
 * Parallelism-aware gas (src/gas/premium.ts, des gas): the formula on hand-made blocks, the
 * committed samples' ordering (independent < mainnet-like < hotspot < chain), and the CLI.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { loadBlock } from "../src/block/schema.ts";
import { blockPremium } from "../src/gas/premium.ts";

const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

describe("parallelism-aware gas", () => {
  test("independent transactions pay 1; a class pays α·log2(s) plus β per balanced column it exceeds", () => {
    // 8 independent transfers: 8 classes of 1
    const indep = Array.from({ length: 8 }, (_, i) => ({ from: 2 * i, to: 2 * i + 1 }));
    const p = blockPremium(indep, { alpha: 0.1, beta: 1, columns: 4 });
    assert.ok(p.txs.every((t) => t.multiplier === 1));
    assert.equal(p.total, 8);
    // a star of 4 transfers into hub 100 plus 4 independent ones: n = 8, K = 4, balanced load 2
    const star = [
      ...Array.from({ length: 4 }, (_, i) => ({ from: i, to: 100 })),
      ...Array.from({ length: 4 }, (_, i) => ({ from: 10 + 2 * i, to: 11 + 2 * i })),
    ];
    const q = blockPremium(star, { alpha: 0.1, beta: 1, columns: 4 });
    for (const t of q.txs.slice(0, 4)) {
      assert.equal(t.classSize, 4);
      close(t.contention, 0.2); // 0.1 · log2 4
      close(t.latency, 1); // (4 − 2) / 2
      close(t.multiplier, 2.2);
    }
    for (const t of q.txs.slice(4)) assert.equal(t.multiplier, 1);
    close(q.total, 4 * 2.2 + 4);
    // β = 0 leaves the contention term only; more columns raise the latency term
    close(blockPremium(star, { alpha: 0.1, beta: 0, columns: 4 }).max, 1.2);
    close(blockPremium(star, { alpha: 0, beta: 1, columns: 8 }).max, 1 + (4 - 1) / 1);
    assert.throws(() => blockPremium(star, { alpha: 0.1, beta: 1, columns: 0 }), RangeError);
    assert.throws(() => blockPremium(star, { alpha: -1, beta: 1, columns: 2 }), RangeError);
  });

  test("the committed samples: independent < mainnet-like < hotspot < chain in mean multiplier", () => {
    const mean = (f: string) =>
      blockPremium(loadBlock(`samples/${f}.json`).txs, { alpha: 0.1, beta: 1, columns: 8 }).mean;
    const [i, m, h, c] = ["independent-16", "mainnet-like-64", "hotspot-32", "chain-16"].map(
      mean,
    ) as number[];
    assert.equal(i, 1);
    assert.ok(i! < m! && m! < h! && h! < c!, `${i} ${m} ${h} ${c}`);
    close(c!, 1 + 0.1 * 4 + 7); // one class of 16 on 8 columns of 2
  });

  test("CLI: des gas prints totals and exits 2 on a bad flag", () => {
    const ok = spawnSync("./bin/des", ["gas", "samples/chain-16.json", "--top", "2"], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /fees: total 134\.40 base-fee units/);
    const json = spawnSync("./bin/des", ["gas", "samples/hotspot-32.json", "--json"], { encoding: "utf8" });
    assert.equal(JSON.parse(json.stdout).txs.length, 32);
    const bad = spawnSync("./bin/des", ["gas", "samples/chain-16.json", "--alpha", "-1"], {
      encoding: "utf8",
    });
    assert.equal(bad.status, 2);
  });
});
