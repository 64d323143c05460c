/**
 * Partition benchmark: `des columns` work on 100,000-transaction blocks of every sample profile.
 * Prints load (JSON parse + schema validation) and partition times; writes artifacts/bench/columns.json.
 * Usage: node --import tsx bench/columns.ts [--txs N] [--columns K]
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { blockToJSON, parseBlock } from "../src/block/schema.ts";
import { generateBlock, SAMPLE_PROFILES } from "../src/block/sample.ts";
import { partition } from "../src/columns/partition.ts";
import { toJSON, table } from "../src/cli/command.ts";
import { ARTIFACTS } from "../src/build/circom.ts";
import { writeFileAtomic } from "../src/util/fsx.ts";

const { values } = parseArgs({ options: { txs: { type: "string" }, columns: { type: "string" } } });
const n = Number(values.txs ?? 100_000);
const k = Number(values.columns ?? 64);
const rows: (string | number)[][] = [];
const results = [];
for (const profile of SAMPLE_PROFILES) {
  const block = generateBlock({ profile, txs: n, seed: "bench", depth: 24, unsigned: true });
  const text = toJSON(blockToJSON(block), 0);
  const file = join(ARTIFACTS, "bench", `columns-${profile}-${n}.json`);
  writeFileAtomic(file, text);
  const runs: { load: number; part: number }[] = [];
  let p: ReturnType<typeof partition> | undefined;
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const b = parseBlock(JSON.parse(text));
    const t1 = performance.now();
    p = partition(b.txs, { maxColumns: k, txs: Infinity, accounts: Infinity });
    runs.push({ load: t1 - t0, part: performance.now() - t1 });
  }
  const best = (f: (x: { load: number; part: number }) => number) => Math.min(...runs.map(f));
  const res = {
    profile,
    txs: n,
    bytes: text.length,
    classes: p!.classes,
    largestClass: p!.largestClass,
    columns: p!.columns.length,
    speedupBound: +p!.speedupBound.toFixed(2),
    loadMs: +best((x) => x.load).toFixed(1),
    partitionMs: +best((x) => x.part).toFixed(1),
  };
  results.push(res);
  rows.push([profile, n, res.classes, res.largestClass, res.speedupBound, res.loadMs, res.partitionMs]);
}
console.log(`partition of ${n}-transaction blocks into ≤ ${k} columns (best of 3)`);
console.log(table(["profile", "txs", "classes", "largest", "speedup bound", "load ms", "partition ms"], rows));
writeFileSync(join(ARTIFACTS, "bench", "columns.json"), toJSON(results));
