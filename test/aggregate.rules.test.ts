/**
 * The aggregator's block rules (circuits/aggregator.circom, reference src/aggregate/statement.ts) on
 * real leaf statements: a signed 2-column block, executed, with 2 state-update chunks and γ from the
 * tree digests. Each glue circuit accepts the honest children (and outputs the reference hash) and
 * rejects, by a violated constraint at the named place: a statement its child did not prove,
 * mismatched R0, another γ, swapped children, broken root chains and key ranges, an unsharded rule,
 * mismatched fingerprints, a γ that is not the Fiat–Shamir hash, a state side short of the key space,
 * and a transaction list that is not the columns' (removed, added, replaced, reordered, malformed).
 * The reference functions reject the same cases with the same check names. The list gadget
 * (circuits/lib/txlist.circom) is also tested alone against its reference for every length.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  blockRootSpec,
  type ColumnChild,
  columnNodeSpec,
  columnValues,
  committedBlockRootSpec,
  committedColumnNodeSpec,
  committedStateNodeSpec,
  GLUE_COMPILE_OPTIONS,
  type StateChild,
  stateNodeSpec,
  stateValues,
  txListValues,
} from "../src/aggregate/glue.ts";
import {
  BLOCK_PROOF_VERSION,
  blockRoot,
  type ColumnSide,
  columnLeafSide,
  columnNodeHash,
  headerHash,
  joinColumns,
  joinStates,
  type StateSide,
  stateLeafSide,
  stateNodeHash,
} from "../src/aggregate/statement.ts";
import { type LeafStatements, leafStatements } from "../src/aggregate/tree.ts";
import { compileCircuit } from "../src/build/circom.ts";
import { checkWitness } from "../src/circuits/r1cs.ts";
import { planColumns } from "../src/columns/partition.ts";
import { FIELD_P } from "../src/crypto/field.ts";
import {
  type ColumnPublics,
  columnPublicHash,
  type StatePublics,
  statePublicHash,
  TXLIST_RATE,
  txDelta,
  txHash,
  txListCommitment,
  txListFingerprint,
} from "../src/crypto/hash.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { type CircuitProfile, PROFILES } from "../src/profiles.ts";
import { executeBlock } from "../src/state/execute.ts";
import { makeBlock } from "./helpers/blocks.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const DEPTH = 8;
const profile: CircuitProfile = { ...PROFILES.tiny!, name: "tiny-w2", writes: 2 };
let leaves: LeafStatements;
let cols: ColumnPublics[];
let states: StatePublics[];
let colNode: CircuitHarness;
let stateNode: CircuitHarness;
let root: CircuitHarness;

const ID = { chainId: 1n, number: 7n, parent: 99n };
/** The root's list slots: 2 columns × the profile's 2 transaction slots. */
const SLOTS = 4;
let hashes: bigint[];
const bump = (v: bigint) => (v + 1n) % FIELD_P;
const refused = (check: string) => (e: unknown) =>
  isDesError(e) && e.code === "VERIFICATION_FAILED" && e.details.check === check;

function colInput(l: ColumnChild, r: ColumnChild, xl?: bigint, xr?: bigint) {
  const x = (c: ColumnChild) => (c.kind === "leaf" ? columnPublicHash(c.publics) : columnNodeHash(c.side));
  return { xL: String(xl ?? x(l)), xR: String(xr ?? x(r)), l: columnValues(l), r: columnValues(r) };
}
function stInput(l: StateChild, r: StateChild) {
  const x = (c: StateChild) => (c.kind === "leaf" ? statePublicHash(c.publics) : stateNodeHash(c.side));
  return { xL: String(x(l)), xR: String(x(r)), l: stateValues(l), r: stateValues(r) };
}
function rootInput(c: ColumnSide, s: StateSide, list: bigint[] = hashes, chainId = ID.chainId) {
  return {
    xC: String(columnNodeHash(c)),
    xS: String(stateNodeHash(s)),
    c: columnValues({ kind: "node", side: c }),
    s: stateValues({ kind: "node", side: s }),
    chainId: String(chainId),
    number: String(ID.number),
    parent: String(ID.parent),
    ...txListValues(list, SLOTS),
  };
}
const leafC = (p: ColumnPublics): ColumnChild => ({ kind: "leaf", publics: p });
const leafS = (p: StatePublics): StateChild => ({ kind: "leaf", publics: p });

before(async () => {
  await loadCrypto();
  const block = makeBlock(
    [1, 2, 3, 4].map((key) => ({ key, balance: 1000n })),
    [
      { from: 1, to: 2, amount: 5n, nonce: 0n },
      { from: 3, to: 4, amount: 7n, nonce: 0n },
    ],
    DEPTH,
  );
  const exec = executeBlock(block);
  const partition = planColumns(block.txs, { txs: 1, accounts: 4 });
  assert.equal(partition.columns.length, 2);
  leaves = leafStatements(block, exec, partition, profile);
  cols = leaves.columns.map((c) => c.publics);
  states = leaves.states.map((s) => s.publics);
  assert.equal(states.length, 2);
  const load = async (spec: Parameters<typeof compileCircuit>[0]) =>
    CircuitHarness.load(await compileCircuit(spec, GLUE_COMPILE_OPTIONS));
  colNode = await load(columnNodeSpec("leaf"));
  stateNode = await load(stateNodeSpec("leaf", DEPTH));
  root = await load(blockRootSpec("node", "node", DEPTH, SLOTS));
  hashes = block.txs.map((t) => txHash(t, BigInt(block.chainId)));
});

describe("column node (two column proofs)", () => {
  test("accepts the honest children; outputs the reference statement hash", () => {
    const { output } = colNode.expectPass(colInput(leafC(cols[0]!), leafC(cols[1]!)));
    assert.equal(output, columnNodeHash(joinColumns(columnLeafSide(cols[0]!), columnLeafSide(cols[1]!))));
  });

  test("rejects a statement its child's proof does not vouch for (x unchanged)", () => {
    const forged = { ...cols[0]!, fingerprint: bump(cols[0]!.fingerprint) };
    const x = columnPublicHash(cols[0]!);
    colNode.expectFail(colInput(leafC(forged), leafC(cols[1]!), x), /^main\.(xL|cl\.|l\[)/);
  });

  test("rejects mismatched R0 and another γ (each child consistent with its own proof)", () => {
    const r0 = { ...cols[1]!, r0: bump(cols[1]!.r0) };
    colNode.expectFail(colInput(leafC(cols[0]!), leafC(r0)), /^main\.(l|r)\[0\]$/);
    assert.throws(() => joinColumns(columnLeafSide(cols[0]!), columnLeafSide(r0)), refused("r0"));
    const g = { ...cols[1]!, gamma: bump(cols[1]!.gamma) };
    colNode.expectFail(colInput(leafC(cols[0]!), leafC(g)), /^main\.(l|r)\[5\]$/);
    assert.throws(() => joinColumns(columnLeafSide(cols[0]!), columnLeafSide(g)), refused("gamma"));
  });
});

describe("state node (two state-update proofs)", () => {
  test("accepts the honest children in key order; outputs the reference statement hash", () => {
    const { output } = stateNode.expectPass(stInput(leafS(states[0]!), leafS(states[1]!)));
    const side = joinStates(stateLeafSide(states[0]!), stateLeafSide(states[1]!), DEPTH, true, true);
    assert.equal(output, stateNodeHash(side));
  });

  test("rejects swapped children (roots and key ranges do not chain)", () => {
    stateNode.expectFail(stInput(leafS(states[1]!), leafS(states[0]!)), /^main\.(l|r)\[[0-4]\]$/);
    assert.throws(
      () => joinStates(stateLeafSide(states[1]!), stateLeafSide(states[0]!), DEPTH, true, true),
      refused("state-chain"),
    );
  });

  test("rejects a broken root chain, a gap or overlap in the key ranges, another γ", () => {
    const [a, b] = states as [StatePublics, StatePublics];
    const chain = { ...b, rootBefore: bump(b.rootBefore) };
    stateNode.expectFail(stInput(leafS(a), leafS(chain)), /^main\.(l\[1\]|r\[0\])$/);
    const overlap = { ...a, keyHi: a.keyHi + 1 };
    stateNode.expectFail(stInput(leafS(overlap), leafS(b)), /^main\.(l\[4\]|r\[3\])$/);
    assert.throws(
      () => joinStates(stateLeafSide(overlap), stateLeafSide(b), DEPTH, true, true),
      refused("key-ranges"),
    );
    const g = { ...b, gamma: bump(b.gamma) };
    stateNode.expectFail(stInput(leafS(a), leafS(g)), /^main\.(l|r)\[7\]$/);
  });

  test("rejects an empty (reversed) key range and a sharded leaf", () => {
    const [a, b] = states as [StatePublics, StatePublics];
    // the right chunk claims [keyHi_L + 1, keyHi_L]: contiguous, but reversed
    const reversed = { ...b, keyLo: a.keyHi + 1, keyHi: a.keyHi };
    stateNode.expectFail(stInput(leafS(a), leafS(reversed)), /^main\.sr\.ordered\./);
    assert.throws(
      () => joinStates(stateLeafSide(a), stateLeafSide(reversed), DEPTH, true, true),
      refused("key-ranges"),
    );
    const sharded = { ...b, shard: 1 };
    stateNode.expectFail(stInput(leafS(a), leafS(sharded)), /^main\.(r\[2\]|sr\.)/); // shard = 0 is substituted into the hash
    assert.throws(() => stateLeafSide(sharded), refused("shard"));
  });
});

describe("block root (column side, state side)", () => {
  let c: ColumnSide;
  let s: StateSide;
  before(() => {
    c = joinColumns(columnLeafSide(cols[0]!), columnLeafSide(cols[1]!));
    s = joinStates(stateLeafSide(states[0]!), stateLeafSide(states[1]!), DEPTH, true, true);
  });

  test("accepts the honest sides; outputs the reference header hash (R0, R1, list, identity)", () => {
    const { output } = root.expectPass(rootInput(c, s));
    const h = blockRoot(c, s, DEPTH, ID, hashes);
    assert.equal(h.version, BLOCK_PROOF_VERSION);
    assert.equal(h.r0, states[0]!.rootBefore);
    assert.equal(h.r1, states[1]!.rootAfter);
    assert.equal(h.txCommitment, txListCommitment(hashes));
    assert.equal(h.txCount, 2n);
    assert.equal(output, headerHash(h));
  });

  test("the chain id is bound into the header", () => {
    const { output } = root.expectPass(rootInput(c, s, hashes, 2n));
    assert.notEqual(output, headerHash(blockRoot(c, s, DEPTH, ID, hashes)));
    assert.equal(output, headerHash(blockRoot(c, s, DEPTH, { ...ID, chainId: 2n }, hashes)));
  });

  test("rejects a transaction list with one transaction removed, added, replaced or reordered", () => {
    const [a, b] = hashes as [bigint, bigint];
    const lists: [string, bigint[]][] = [
      ["removed", [a]],
      ["added", [a, b, a]],
      ["replaced", [a, bump(b)]],
      ["reordered", [b, a]],
    ];
    for (const [what, list] of lists) {
      // the list commitment enters γ, so γ no longer matches (and so does the fingerprint)
      root.expectFail(rootInput(c, s, list), /^main\.(c\[[14]\]|cc\.|g\.out|list\.)/);
      assert.throws(() => blockRoot(c, s, DEPTH, ID, list), refused("gamma"), what);
    }
  });

  test("rejects columns whose transactions are not the list's, under a consistent γ (the fingerprint check)", () => {
    // the transaction fingerprint is not an input of γ: bumping it alone isolates the multiset check
    const bad = { ...c, tfp: bump(c.tfp) };
    root.expectFail(rootInput(bad, s), /^main\.(c\[4\]|cc\.tfp|list\.)/);
    assert.throws(() => blockRoot(bad, s, DEPTH, ID, hashes), refused("transactions"));
  });

  test("rejects a malformed list: a hash in an inactive slot, flags that are not a prefix", () => {
    const i = rootInput(c, s);
    i.txHash[3] = "5";
    root.expectFail(i, /^main\.txActive\[3\]|^main\.list\./);
    const j = rootInput(c, s);
    j.txActive = ["1", "0", "1", "0"];
    j.txHash = [String(hashes[0]), "0", String(hashes[1]), "0"];
    root.expectFail(j, /^main\.txActive\[[12]\]|^main\.list\.prefix\./);
  });

  test("rejects mismatched fingerprints", () => {
    const bad = { ...c, fp: bump(c.fp) };
    root.expectFail(rootInput(bad, s), /^main\.(c\[3\]|s\[6\])$/);
    assert.throws(() => blockRoot(bad, s, DEPTH, ID, hashes), refused("fingerprint"));
  });

  test("rejects a γ that is not the Fiat–Shamir hash of the roots and digests", () => {
    const g = bump(c.gamma);
    root.expectFail(rootInput({ ...c, gamma: g }, { ...s, gamma: g }), /^main\.(c\[1\]|cc\.gamma|g\.out)/);
    assert.throws(
      () => blockRoot({ ...c, gamma: g }, { ...s, gamma: g }, DEPTH, ID, hashes),
      refused("gamma"),
    );
  });

  test("rejects swapped column children (the digest changes, γ no longer matches)", () => {
    const swapped = joinColumns(columnLeafSide(cols[1]!), columnLeafSide(cols[0]!));
    root.expectFail(rootInput(swapped, s), /^main\.(c\[1\]|cc\.gamma|g\.out)/);
    assert.throws(() => blockRoot(swapped, s, DEPTH, ID, hashes), refused("gamma"));
  });

  test("rejects mismatched R0 and a state side that does not cover every key", () => {
    const r0 = { ...c, r0: bump(c.r0) };
    root.expectFail(rootInput(r0, s), /^main\.(c\[0\]|s\[0\])$/);
    assert.throws(() => blockRoot(r0, s, DEPTH, ID, hashes), refused("r0"));
    const short = { ...s, keyHi: s.keyHi - 1n };
    root.expectFail(rootInput(c, short), /^main\.(s\[3\]|ss\.)/); // s[3] = 2^DEPTH − 1 is substituted into the child hash
    assert.throws(() => blockRoot(c, short, DEPTH, ID, hashes), refused("key-ranges"));
  });
});

describe("transaction list gadget (TxList, alone)", () => {
  // 17 slots: two sponge chunks, the second partly past the capacity
  const N = 17;
  let list: CircuitHarness;
  const gamma = 12345n;
  let delta: bigint;
  const hashesOf = (n: number) => Array.from({ length: n }, (_, i) => BigInt(1000 + 7 * i));
  const input = (hs: bigint[]) => ({ ...txListValues(hs, N), gamma: String(gamma), delta: String(delta) });
  before(async () => {
    delta = txDelta(gamma);
    list = await CircuitHarness.load(
      await compileCircuit(
        { name: "test-txlist", file: "circuits/test/txlist.circom", template: "TxListTest", params: [N] },
        GLUE_COMPILE_OPTIONS,
      ),
    );
  });

  test("commitment, count and fingerprint equal the reference for every length 0 … 17", () => {
    for (let n = 0; n <= N; n++) {
      const hs = hashesOf(n);
      const { output } = list.expectPass(input(hs));
      assert.equal(
        output,
        poseidon([BigInt(n), txListCommitment(hs), txListFingerprint(hs, gamma)]),
        `length ${n}`,
      );
    }
    assert.equal(TXLIST_RATE, 15);
  });

  test("rejects a hash in an inactive slot (the commitment would not be the list's alone)", () => {
    const i = input(hashesOf(3));
    i.txHash[5] = "9";
    list.expectFail(i, /^main\.(txActive|txHash)\[5\]|^main\.list\./);
  });

  test("rejects active flags that are not a prefix, and a non-boolean flag", () => {
    const i = input(hashesOf(3));
    i.txActive[1] = "0";
    i.txHash[1] = "0";
    list.expectFail(i, /^main\.txActive\[[12]\]|^main\.list\.prefix\./);
    const j = input(hashesOf(3));
    j.txActive[2] = "2";
    list.expectFail(j, /^main\.txActive\[2\]|^main\.list\.prefix\./);
  });
});

describe("committed glue (CommittedColumnNode, CommittedStateNode, CommittedBlockRoot)", () => {
  const SEED = 987654321n;
  let cCol: CircuitHarness;
  let cState: CircuitHarness;
  let cRoot: CircuitHarness;
  before(async () => {
    const load = async (spec: Parameters<typeof compileCircuit>[0]) =>
      CircuitHarness.load(await compileCircuit(spec, GLUE_COMPILE_OPTIONS));
    cCol = await load(committedColumnNodeSpec("leaf"));
    cState = await load(committedStateNodeSpec("leaf", DEPTH));
    cRoot = await load(committedBlockRootSpec("node", "node", DEPTH, SLOTS));
  });
  const withSeed = <T extends object>(i: T, seed = SEED) => ({ ...i, seed: String(seed) });
  /** Honest input: pub = Poseidon(statement, seed); the same witness with another pub violates post_xp. */
  const outputsCommitted = (h: CircuitHarness, input: object, statement: bigint) => {
    const { output, witness } = h.expectPass(withSeed(input));
    assert.equal(output, poseidon([statement, SEED]));
    assert.equal(h.expectPass(withSeed(input, SEED + 1n)).output, poseidon([statement, SEED + 1n]));
    const bad = [...witness];
    bad[1] = bump(bad[1]!);
    const v = checkWitness(h.r1cs, bad, 5);
    assert.ok(
      v.some((c) => c.wires.some((w) => h.names(w).some((n) => /^main\.(pub|post_xp\.)/.test(n)))),
      "pub is not constrained to Poseidon(statement, seed)",
    );
  };

  test("each outputs Poseidon(the plain glue's statement, seed), and its pub is bound to it", () => {
    outputsCommitted(
      cCol,
      colInput(leafC(cols[0]!), leafC(cols[1]!)),
      columnNodeHash(joinColumns(columnLeafSide(cols[0]!), columnLeafSide(cols[1]!))),
    );
    outputsCommitted(
      cState,
      stInput(leafS(states[0]!), leafS(states[1]!)),
      stateNodeHash(joinStates(stateLeafSide(states[0]!), stateLeafSide(states[1]!), DEPTH, true, true)),
    );
    const c = joinColumns(columnLeafSide(cols[0]!), columnLeafSide(cols[1]!));
    const s = joinStates(stateLeafSide(states[0]!), stateLeafSide(states[1]!), DEPTH, true, true);
    outputsCommitted(cRoot, rootInput(c, s), headerHash(blockRoot(c, s, DEPTH, ID, hashes)));
  });

  test("the plain rules hold inside: a statement its child did not prove, swapped state children, another transaction list", () => {
    const forged = { ...cols[0]!, fingerprint: bump(cols[0]!.fingerprint) };
    cCol.expectFail(
      withSeed(colInput(leafC(forged), leafC(cols[1]!), columnPublicHash(cols[0]!))),
      /^main\.(xL|l\[|node\.)/,
    );
    cState.expectFail(
      withSeed(stInput(leafS(states[1]!), leafS(states[0]!))),
      /^main\.(l|r)\[[0-4]\]$|^main\.node\./,
    );
    const c = joinColumns(columnLeafSide(cols[0]!), columnLeafSide(cols[1]!));
    const s = joinStates(stateLeafSide(states[0]!), stateLeafSide(states[1]!), DEPTH, true, true);
    const [a, b] = hashes as [bigint, bigint];
    cRoot.expectFail(withSeed(rootInput(c, s, [b, a])), /^main\.(c\[[14]\]|node\.|txHash|txActive)/);
  });
});
