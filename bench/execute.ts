/**
 * Native execution benchmark: a signed 10,000-transaction mainnet-like block executed with R0 and
 * R1 computed, against raw circomlibjs Poseidon hashing of the same number of hashes, in one run.
 * Usage: node --import tsx bench/execute.ts [--txs N] [--depth D]
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateBlock } from "../src/block/sample.ts";
import { ARTIFACTS } from "../src/build/circom.ts";
import { table, toJSON } from "../src/cli/command.ts";
import { loadCrypto, poseidonCount, rawPoseidon } from "../src/crypto/poseidon.ts";
import { executeBlock } from "../src/state/execute.ts";
import { executeBlockParallel } from "../src/state/parallel.ts";
import { writeFileAtomic } from "../src/util/fsx.ts";

const { values } = parseArgs({ options: { txs: { type: "string" }, depth: { type: "string" } } });
const n = Number(values.txs ?? 10_000);
const depth = Number(values.depth ?? 20);
await loadCrypto();

let t = performance.now();
const block = generateBlock({ profile: "mainnet-like", txs: n, seed: "bench", depth });
const genMs = performance.now() - t;

poseidonCount(true);
t = performance.now();
const r = executeBlock(block);
const execMs = performance.now() - t;
const byArity = poseidonCount(true);
const hashes = byArity.reduce((a, b) => a + b, 0);

t = performance.now();
const rp = await executeBlockParallel(block, 2);
const parMs = performance.now() - t;
if (rp.postRoot !== r.postRoot) throw new Error("parallel execution disagrees");

// raw circomlibjs Poseidon: the same number of hashes with the same numbers of inputs
const P = rawPoseidon();
t = performance.now();
byArity.forEach((count, arity) => {
  const inputs = Array.from({ length: arity }, (_, j) => BigInt(j + 1));
  for (let i = 0; i < count; i++) {
    inputs[0] = BigInt(i);
    P.F.toObject(P(inputs));
  }
});
const rawMs = performance.now() - t;

const res = {
  txs: n,
  depth,
  accounts: block.accounts.length,
  writes: r.writeSet.length,
  generateSignedMs: Math.round(genMs),
  executeMs: Math.round(execMs),
  perTxUs: Math.round((1000 * execMs) / n),
  poseidonHashes: hashes,
  poseidonByInputs: Object.fromEntries(byArity.flatMap((c, a) => (c ? [[a, c]] : []))),
  rawPoseidonMs: Math.round(rawMs),
  ratioToRawPoseidon: +(execMs / rawMs).toFixed(2),
  executeParallel2Ms: Math.round(parMs),
  parallelRatioToRawPoseidon: +(parMs / rawMs).toFixed(2),
};
console.log(`native execution of a ${n}-transaction mainnet-like block, depth ${depth} (signatures, nonces, balances, R0 and R1)`);
console.log(
  table(
    ["mode", "txs", "writes", "execute ms", "µs/tx", "Poseidon hashes", "raw Poseidon ms", "ratio"],
    [
      ["sequential", n, res.writes, res.executeMs, res.perTxUs, hashes, res.rawPoseidonMs, res.ratioToRawPoseidon],
      ["2 sig threads", n, res.writes, res.executeParallel2Ms, Math.round((1000 * parMs) / n), hashes, res.rawPoseidonMs, res.parallelRatioToRawPoseidon],
    ],
  ),
);
writeFileAtomic(join(ARTIFACTS, "bench", "execute.json"), toJSON(res));
