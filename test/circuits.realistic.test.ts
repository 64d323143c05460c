/**
 * The realistic profile (8 txs, 16 accounts, depth 20; 16 writes): a full column and a full state
 * update compile and their valid witnesses satisfy every constraint, with the native public hashes.
 * Slow (compiles take about a minute each on first run): runs only with DES_REALISTIC=1.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnSpec, compileProjectCircuit, stateUpdateSpec } from "../src/circuits/registry.ts";
import { columnWitness, stateUpdateWitness } from "../src/circuits/witness.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { PROFILES } from "../src/profiles.ts";
import { executeBlock } from "../src/state/execute.ts";
import { makeBlock } from "./helpers/blocks.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const skip = process.env.DES_REALISTIC === "1" ? false : "set DES_REALISTIC=1 to run";

test("realistic profile: full column and full state update pass", { skip, timeout: 600_000 }, async () => {
  await loadCrypto();
  const p = PROFILES.realistic!;
  // 8 senders → 8 receivers (every other receiver absent: created), keys spread over 2^20
  const key = (i: number) => (i * 104_729 + 7) % 2 ** p.depth;
  const senders = Array.from({ length: 8 }, (_, i) => key(2 * i));
  const receivers = Array.from({ length: 8 }, (_, i) => key(2 * i + 1));
  const block = makeBlock(
    [
      ...senders.map((k, i) => ({ key: k, balance: 1000n + BigInt(i), nonce: BigInt(i) })),
      ...receivers.filter((_, i) => i % 2).map((k) => ({ key: k, balance: 5n })),
    ],
    senders.map((from, i) => ({ from, to: receivers[i]!, amount: 100n + BigInt(i), nonce: BigInt(i) })),
    p.depth,
  );
  const exec = executeBlock(block);
  const gamma = poseidon([0x67616d6d61n, 20n]);
  const keys = [...senders, ...receivers].sort((a, b) => a - b);
  const col = columnWitness(block, exec, { txs: [0, 1, 2, 3, 4, 5, 6, 7], keys }, gamma, p);
  const st = stateUpdateWitness(exec, gamma, p);
  assert.equal(st.writes.length, p.writes);

  const column = await CircuitHarness.load(await compileProjectCircuit(columnSpec(p)));
  assert.equal(column.expectPass(col.input).output, col.publics.publicHash);
  const state = await CircuitHarness.load(await compileProjectCircuit(stateUpdateSpec(p)));
  assert.equal(state.expectPass(st.input).output, st.publics.publicHash);
  assert.equal(col.publics.fingerprint, st.publics.fingerprint);
});
