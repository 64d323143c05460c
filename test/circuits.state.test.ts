/**
 * State-update circuit (circuits/state_update.circom), tiny profile (whole tree, SHARD_BITS = 0)
 * and a 2-shard variant (SHARD_BITS = 1): a valid witness passes with the native statePublicHash;
 * each tampered witness violates a constraint at the named place (method: test/helpers/circuit.ts).
 * Tampered write sets are applied to the tree consistently (the root chain is right), so that only
 * the rule under test is broken.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { columnSpec, compileProjectCircuit, stateUpdateSpec } from "../src/circuits/registry.ts";
import {
  type CircuitInputJSON,
  columnWitness,
  preStateTree,
  shardRange,
  stateUpdateChunks,
  stateUpdateWitness,
  subtreeRoot,
} from "../src/circuits/witness.ts";
import { mod } from "../src/crypto/field.ts";
import { fingerprint, nodeHash, statePublicHash, type WriteEntry, writeDigest } from "../src/crypto/hash.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { type CircuitProfile, PROFILES } from "../src/profiles.ts";
import { type ExecutionResult, executeBlock } from "../src/state/execute.ts";
import type { SparseMerkleTree } from "../src/state/smt.ts";
import { makeBlock } from "./helpers/blocks.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const tiny = PROFILES.tiny!;
const sharded: CircuitProfile = { ...tiny, name: "tiny-shard1", shardBits: 1 };

let whole: CircuitHarness;
let shards: CircuitHarness;
let exec: ExecutionResult;
let pre: SparseMerkleTree;
let gamma: bigint;

type Input = CircuitInputJSON & Record<string, string | string[] | string[][]>;
const arr = (i: Input, k: string) => i[k] as string[];

/**
 * State-update input for any write list, with no ordering or consistency checks: each write's
 * path is read from the tree after the previous writes, the claims are computed from the list.
 */
function rawInput(writes: WriteEntry[], profile: CircuitProfile, shard = 0, g = gamma, firstSlot = 0): Input {
  const H = profile.depth - profile.shardBits;
  const tree = pre.clone();
  const base = shard * 2 ** H;
  const rootBefore = subtreeRoot(tree, base, H);
  const W = profile.writes;
  const z = () => Array.from({ length: W }, () => "0");
  const input = {
    real: z(),
    key: z(),
    before: z(),
    after: z(),
    siblings: Array.from({ length: W }, () => Array.from({ length: H }, () => "0")),
  };
  writes.forEach((w, j) => {
    const i = firstSlot + j;
    input.real[i] = "1";
    input.key[i] = String(w.key);
    input.before[i] = String(w.before);
    input.after[i] = String(w.after);
    input.siblings[i] = tree.proof(w.key).siblings.slice(0, H).map(String);
    tree.set(w.key, w.after);
  });
  const range = shardRange(profile, shard);
  return {
    rootBefore: String(rootBefore),
    rootAfter: String(subtreeRoot(tree, base, H)),
    shard: String(shard),
    keyLo: String(range.lo),
    keyHi: String(range.hi),
    gamma: String(g),
    writeDigest: String(writeDigest(writes)),
    fingerprint: String(fingerprint(writes, g)),
    ...input,
  };
}

/** The real writes an input lists, and its claims recomputed from them. */
function reclaim(i: Input): Input {
  const ws = arr(i, "real").flatMap((r, j) =>
    r === "1"
      ? [
          {
            key: Number(arr(i, "key")[j]),
            before: BigInt(arr(i, "before")[j]!),
            after: BigInt(arr(i, "after")[j]!),
          },
        ]
      : [],
  );
  i.writeDigest = String(writeDigest(ws));
  i.fingerprint = String(fingerprint(ws, BigInt(i.gamma as string)));
  return i;
}

const writesOf = (e: ExecutionResult): WriteEntry[] =>
  e.writeSet.map(({ key, before, after }) => ({ key, before, after }));

before(async () => {
  await loadCrypto();
  gamma = poseidon([0x67616d6d61n, 2n]);
  const block = makeBlock(
    [
      { key: 1, balance: 1000n },
      { key: 2, balance: 50n },
      { key: 130, balance: 70n },
      { key: 200, balance: 5n },
    ],
    [
      { from: 1, to: 2, amount: 100n, nonce: 0n },
      { from: 130, to: 9, amount: 20n, nonce: 0n },
      { from: 200, to: 255, amount: 5n, nonce: 0n },
    ],
    tiny.depth,
  );
  exec = executeBlock(block);
  pre = preStateTree(exec);
  whole = await CircuitHarness.load(await compileProjectCircuit(stateUpdateSpec(tiny)));
  shards = await CircuitHarness.load(await compileProjectCircuit(stateUpdateSpec(sharded)));
});

describe("state-update circuit: valid witnesses", () => {
  test("whole tree: R0 → R1, public signal = native statePublicHash", () => {
    const w = stateUpdateWitness(exec, gamma, tiny);
    assert.equal(w.publics.rootBefore, exec.preRoot);
    assert.equal(w.publics.rootAfter, exec.postRoot);
    const { output } = whole.expectPass(w.input);
    assert.equal(output, w.publics.publicHash);
    assert.equal(output, statePublicHash(w.publics));
  });

  test("no writes at all (all padding) passes with rootAfter = rootBefore", () => {
    const i = rawInput([], tiny);
    assert.equal(i.rootAfter, i.rootBefore);
    whole.expectPass(i);
  });

  test("two shards: subtree roots recombine into R0 and R1, fingerprints multiply", () => {
    const [s0, s1] = [0, 1].map((s) => stateUpdateWitness(exec, gamma, sharded, s));
    for (const s of [s0!, s1!]) assert.equal(shards.expectPass(s.input).output, s.publics.publicHash);
    assert.equal(nodeHash(s0!.publics.rootBefore, s1!.publics.rootBefore), exec.preRoot);
    assert.equal(nodeHash(s0!.publics.rootAfter, s1!.publics.rootAfter), exec.postRoot);
    assert.equal(mod(s0!.publics.fingerprint * s1!.publics.fingerprint), fingerprint(writesOf(exec), gamma));
  });

  test("a write set larger than WRITES: chunks over consecutive key ranges chain R0 → R1", () => {
    const block = makeBlock(
      Array.from({ length: 5 }, (_, i) => ({ key: 10 + 40 * i, balance: 100n })),
      Array.from({ length: 5 }, (_, i) => ({
        from: 10 + 40 * i,
        to: 11 + 40 * i,
        amount: 1n + BigInt(i),
        nonce: 0n,
      })),
      tiny.depth,
    );
    const e = executeBlock(block);
    assert.equal(e.writeSet.length, 10);
    const chunks = stateUpdateChunks(e, gamma, tiny);
    assert.equal(chunks.length, 2);
    for (const ch of chunks) assert.equal(whole.expectPass(ch.input).output, ch.publics.publicHash);
    const [a, b] = chunks.map((ch) => ch.publics);
    assert.equal(a!.rootBefore, e.preRoot);
    assert.equal(a!.rootAfter, b!.rootBefore);
    assert.equal(b!.rootAfter, e.postRoot);
    assert.deepEqual([a!.keyLo, a!.keyHi + 1, b!.keyHi], [0, b!.keyLo, 2 ** tiny.depth - 1]);
    assert.equal(mod(a!.fingerprint * b!.fingerprint), fingerprint(writesOf(e), gamma));
  });

  test("the columns' fingerprints multiply to the state update's", async () => {
    const col = await CircuitHarness.load(await compileProjectCircuit(columnSpec(tiny)));
    const block = makeBlock(
      [
        { key: 1, balance: 1000n },
        { key: 2, balance: 50n },
        { key: 130, balance: 70n },
      ],
      [
        { from: 1, to: 2, amount: 100n, nonce: 0n },
        { from: 130, to: 9, amount: 20n, nonce: 0n },
      ],
      tiny.depth,
    );
    const e = executeBlock(block);
    const cols = [
      { txs: [0], keys: [1, 2] },
      { txs: [1], keys: [9, 130] },
    ].map((c) => columnWitness(block, e, c, gamma, tiny));
    for (const c of cols) assert.equal(col.expectPass(c.input).output, c.publics.publicHash);
    const s = stateUpdateWitness(e, gamma, tiny);
    assert.equal(whole.expectPass(s.input).output, s.publics.publicHash);
    assert.equal(mod(cols[0]!.publics.fingerprint * cols[1]!.publics.fingerprint), s.publics.fingerprint);
  });
});

describe("state-update circuit: tampered witnesses violate constraints", () => {
  test("duplicate key (two consistent writes to one key)", () => {
    const ws = writesOf(exec);
    const k = ws[0]!;
    const twice = [k, { key: k.key, before: k.after, after: poseidon([1n]) }, ...ws.slice(1)];
    whole.expectFail(rawInput(twice, tiny), /^main\.keyOrder\[1\]\./);
  });

  test("unsorted keys", () => {
    const ws = writesOf(exec);
    const swapped = [ws[1]!, ws[0]!, ...ws.slice(2)];
    whole.expectFail(rawInput(swapped, tiny), /^main\.keyOrder\[1\]\./);
  });

  test("wrong γ (fingerprint claimed for the block's γ)", () => {
    const i = rawInput(writesOf(exec), tiny);
    i.gamma = String(gamma + 1n);
    whole.expectFail(i, /^main\.fingerprint$/);
  });

  test("write set differs from the columns' (fingerprints differ)", () => {
    const ws = writesOf(exec);
    const columnsFp = fingerprint(ws, gamma); // what the columns committed to
    const other = ws.map((w, j) => (j === 2 ? { ...w, after: mod(w.after + 1n) } : w));
    const i = rawInput(other, tiny); // applied consistently: its own root chain is right
    assert.notEqual(BigInt(i.fingerprint as string), columnsFp);
    whole.expectPass(i); // a valid proof of another write set …
    i.fingerprint = String(columnsFp); // … cannot claim the columns' fingerprint
    whole.expectFail(i, /^main\.fingerprint$/);
  });

  test("leaf before is not the key's current leaf", () => {
    const i = rawInput(writesOf(exec), tiny);
    arr(i, "before")[1] = String(BigInt(arr(i, "before")[1]!) + 1n);
    whole.expectFail(reclaim(i), /^main\.update\[1\]\./);
  });

  test("tampered root after", () => {
    const i = rawInput(writesOf(exec), tiny);
    i.rootAfter = String(BigInt(i.rootAfter as string) + 1n);
    whole.expectFail(i, /^main\.rootAfter$/);
  });

  test("padding slot before the real writes", () => {
    // the writes applied consistently in slots 1…n, slot 0 padding
    whole.expectFail(rawInput(writesOf(exec), tiny, 0, gamma, 1), /^main\.real\[0\]$/);
  });

  test("padding slot smuggling a leaf value", () => {
    const i = rawInput(writesOf(exec), tiny);
    arr(i, "after")[tiny.writes - 1] = "12345";
    whole.expectFail(i, /^main\.after\[7\]$/);
  });

  test("key below the claimed key range", () => {
    const i = rawInput(writesOf(exec), tiny);
    i.keyLo = String(Number(arr(i, "key")[0]) + 1);
    whole.expectFail(i, /^main\.loOk\./);
  });

  test("key above the claimed key range", () => {
    const ws = writesOf(exec);
    const i = rawInput(ws, tiny);
    i.keyHi = String(ws[ws.length - 1]!.key - 1);
    whole.expectFail(i, /^main\.hiOk\./);
  });

  test("key outside the proof's shard", () => {
    const ws = writesOf(exec).filter((w) => w.key < 128); // shard 0 of 2
    const i = rawInput(ws, sharded, 0);
    // claim shard 1: keys' top bit is 0
    i.shard = "1";
    shards.expectFail(i, /^main\.shard$/);
  });
});
