/**
 * The aggregator's block rules (circuits/aggregator.circom, reference src/aggregate/statement.ts) on
 * real leaf statements: a signed 2-column block, executed, with 2 state-update chunks and γ from the
 * tree digests. Each glue circuit accepts the honest children (and outputs the reference hash) and
 * rejects, by a violated constraint at the named place: a statement its child did not prove,
 * mismatched R0, another γ, swapped children, broken root chains and key ranges, an unsharded rule,
 * mismatched fingerprints, a γ that is not the Fiat–Shamir hash, a state side short of the key space.
 * The reference functions reject the same cases with the same check names.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import {
  blockRootSpec,
  type ColumnChild,
  columnNodeSpec,
  columnValues,
  GLUE_COMPILE_OPTIONS,
  type StateChild,
  stateNodeSpec,
  stateValues,
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
import { planColumns } from "../src/columns/partition.ts";
import { FIELD_P } from "../src/crypto/field.ts";
import {
  type ColumnPublics,
  columnPublicHash,
  type StatePublics,
  statePublicHash,
} from "../src/crypto/hash.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
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

const ID = { number: 7n, parent: 99n };
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
function rootInput(c: ColumnSide, s: StateSide) {
  return {
    xC: String(columnNodeHash(c)),
    xS: String(stateNodeHash(s)),
    c: columnValues({ kind: "node", side: c }),
    s: stateValues({ kind: "node", side: s }),
    number: String(ID.number),
    parent: String(ID.parent),
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
  root = await load(blockRootSpec("node", "node", DEPTH));
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
    colNode.expectFail(colInput(leafC(cols[0]!), leafC(g)), /^main\.(l|r)\[4\]$/);
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

  test("accepts the honest sides; outputs the reference header hash (R0, R1, digest, identity)", () => {
    const { output } = root.expectPass(rootInput(c, s));
    const h = blockRoot(c, s, DEPTH, ID);
    assert.equal(h.version, BLOCK_PROOF_VERSION);
    assert.equal(h.r0, states[0]!.rootBefore);
    assert.equal(h.r1, states[1]!.rootAfter);
    assert.equal(h.txDigest, leaves.columnDigest);
    assert.equal(output, headerHash(h));
  });

  test("rejects mismatched fingerprints", () => {
    const bad = { ...c, fp: bump(c.fp) };
    root.expectFail(rootInput(bad, s), /^main\.(c\[3\]|s\[6\])$/);
    assert.throws(() => blockRoot(bad, s, DEPTH, ID), refused("fingerprint"));
  });

  test("rejects a γ that is not the Fiat–Shamir hash of the roots and digests", () => {
    const g = bump(c.gamma);
    root.expectFail(rootInput({ ...c, gamma: g }, { ...s, gamma: g }), /^main\.(c\[1\]|cc\.gamma|g\.out)/);
    assert.throws(() => blockRoot({ ...c, gamma: g }, { ...s, gamma: g }, DEPTH, ID), refused("gamma"));
  });

  test("rejects swapped column children (the digest changes, γ no longer matches)", () => {
    const swapped = joinColumns(columnLeafSide(cols[1]!), columnLeafSide(cols[0]!));
    root.expectFail(rootInput(swapped, s), /^main\.(c\[1\]|cc\.gamma|g\.out)/);
    assert.throws(() => blockRoot(swapped, s, DEPTH, ID), refused("gamma"));
  });

  test("rejects mismatched R0 and a state side that does not cover every key", () => {
    const r0 = { ...c, r0: bump(c.r0) };
    root.expectFail(rootInput(r0, s), /^main\.(c\[0\]|s\[0\])$/);
    assert.throws(() => blockRoot(r0, s, DEPTH, ID), refused("r0"));
    const short = { ...s, keyHi: s.keyHi - 1n };
    root.expectFail(rootInput(c, short), /^main\.(s\[3\]|ss\.)/); // s[3] = 2^DEPTH − 1 is substituted into the child hash
    assert.throws(() => blockRoot(c, short, DEPTH, ID), refused("key-ranges"));
  });
});
