/**
 * Column circuit (circuits/column.circom), tiny profile: a valid witness passes and its public
 * signal equals the native columnPublicHash; each tampered witness violates a constraint at the
 * named place (test/helpers/circuit.ts explains the method: lenient witness + R1CS check).
 *
 * Tampers that change what the circuit computes downstream (balances, the tx digest) also update
 * the claimed digests and fingerprint to what the circuit would compute (`reclaim`), and re-sign
 * where the tamper touches a signed field, so that the only broken rule is the one under test.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Block } from "../src/block/schema.ts";
import { columnSpec, compileProjectCircuit } from "../src/circuits/registry.ts";
import { type CircuitInputJSON, type ColumnSpec, columnWitness } from "../src/circuits/witness.ts";
import { keyFromSeed, sign } from "../src/crypto/eddsa.ts";
import { mod, U64_MAX } from "../src/crypto/field.ts";
import {
  type ColumnPublics,
  columnPublicHash,
  fingerprint,
  leafHash,
  txDigestStep,
  txFingerprint,
  txHash,
  type WriteEntry,
  writeDigest,
} from "../src/crypto/hash.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { PROFILES } from "../src/profiles.ts";
import { type ExecutionResult, executeBlock, State } from "../src/state/execute.ts";
import { makeBlock } from "./helpers/blocks.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const profile = PROFILES.tiny!;
const keyOf = (k: number | string) => keyFromSeed(`t:${k}`);

let c: CircuitHarness;
let block: Block;
let exec: ExecutionResult;
let gamma: bigint;

// Columns of the test block (see `before`).
const COL_A: ColumnSpec = { txs: [0, 1], keys: [1, 2, 9] }; // chain 1 → 2 → 9 (9 created), amount = balance
const COL_B: ColumnSpec = { txs: [2], keys: [5] }; // self-transfer by a near-u64-max balance
const COL_C: ColumnSpec = { txs: [3], keys: [7, 8] }; // receiver ends at exactly u64 max
const COL_D: ColumnSpec = { txs: [4], keys: [3, 4] }; // sender nonce u64 max − 1

type Input = CircuitInputJSON & Record<string, string | string[] | string[][]>;
const copy = (i: CircuitInputJSON): Input => structuredClone(i) as Input;
const arr = (i: Input, k: string) => i[k] as string[];
const arr2 = (i: Input, k: string) => i[k] as string[][];
const big = (s: string) => BigInt(s);

/** What the circuit computes from an input (field arithmetic, no validity checks). */
function simulate(i: Input): { publics: ColumnPublics; writes: WriteEntry[] } {
  const A = arr(i, "accReal").length;
  const bal = arr(i, "accBalance").map(big);
  const non = arr(i, "accNonce").map(big);
  let d = 0n;
  const pairs: { index: number; hash: bigint }[] = [];
  const chainId = big(i.chainId as string);
  arr(i, "txActive").forEach((active, t) => {
    if (active !== "1") return;
    const amount = big(arr(i, "txAmount")[t]!);
    for (let s = 0; s < A; s++) {
      const f = big(arr2(i, "txFromSel")[t]![s]!);
      const r = big(arr2(i, "txToSel")[t]![s]!);
      bal[s] = mod(bal[s]! + amount * (r - f));
      non[s] = mod(non[s]! + f);
    }
    const h = txHash(
      {
        from: Number(arr(i, "txFrom")[t]),
        to: Number(arr(i, "txTo")[t]),
        amount,
        nonce: big(arr(i, "txNonce")[t]!),
      },
      chainId,
    );
    d = txDigestStep(d, Number(arr(i, "txIndex")[t]), h);
    pairs.push({ index: Number(arr(i, "txIndex")[t]), hash: h });
  });
  const writes: WriteEntry[] = [];
  for (let s = 0; s < A; s++) {
    if (arr(i, "accReal")[s] !== "1") continue;
    const pubKey = [big(arr(i, "accAx")[s]!), big(arr(i, "accAy")[s]!)] as const;
    const pre = { pubKey, balance: big(arr(i, "accBalance")[s]!), nonce: big(arr(i, "accNonce")[s]!) };
    writes.push({
      key: Number(arr(i, "accKey")[s]),
      before: arr(i, "accExists")[s] === "1" ? leafHash(pre) : 0n,
      after: leafHash({ pubKey, balance: bal[s]!, nonce: non[s]! }),
    });
  }
  const g = big(i.gamma as string);
  const publics = {
    r0: big(i.r0 as string),
    txDigest: d,
    writeDigest: writeDigest(writes),
    fingerprint: fingerprint(writes, g),
    txFingerprint: txFingerprint(pairs, g),
    gamma: g,
  };
  return { publics, writes };
}

/** Sets the claimed txDigest, writeDigest and fingerprint to what the circuit computes. */
function reclaim(i: Input): Input {
  const { publics } = simulate(i);
  i.txDigest = publics.txDigest.toString();
  i.writeDigest = publics.writeDigest.toString();
  i.fingerprint = publics.fingerprint.toString();
  i.txFingerprint = publics.txFingerprint.toString();
  return i;
}

/** Signs tx slot t's fields with the key of account `signer` (default: its sender). */
function resign(i: Input, t: number, signer: number = Number(arr(i, "txFrom")[t])): Input {
  const h = txHash(
    {
      from: Number(arr(i, "txFrom")[t]),
      to: Number(arr(i, "txTo")[t]),
      amount: big(arr(i, "txAmount")[t]!),
      nonce: big(arr(i, "txNonce")[t]!),
    },
    big(i.chainId as string),
  );
  const sig = sign(keyOf(signer).prv, h);
  arr(i, "txR8x")[t] = sig.R8[0].toString();
  arr(i, "txR8y")[t] = sig.R8[1].toString();
  arr(i, "txS")[t] = sig.S.toString();
  return i;
}

/** Re-reads every real slot's r0 and siblings from another pre-state (a block with changed accounts). */
function rebase(i: Input, pre: Block): Input {
  const s = State.fromBlock(pre);
  i.r0 = s.root().toString();
  arr(i, "accReal").forEach((real, slot) => {
    if (real === "1")
      arr2(i, "accSiblings")[slot] = s.tree.proof(Number(arr(i, "accKey")[slot])).siblings.map(String);
  });
  return i;
}

const witnessOf = (col: ColumnSpec) => columnWitness(block, exec, col, gamma, profile);

before(async () => {
  await loadCrypto();
  gamma = poseidon([0x67616d6d61n, 1n]);
  block = makeBlock(
    [
      { key: 1, balance: 1000n },
      { key: 2, balance: 50n },
      { key: 3, balance: 10n, nonce: U64_MAX - 1n },
      { key: 5, balance: U64_MAX - 5n },
      { key: 7, balance: 500n },
      { key: 8, balance: U64_MAX - 100n },
    ],
    [
      { from: 1, to: 2, amount: 100n, nonce: 0n },
      { from: 2, to: 9, amount: 150n, nonce: 0n },
      { from: 5, to: 5, amount: 1000n, nonce: 0n },
      { from: 7, to: 8, amount: 100n, nonce: 0n },
      { from: 3, to: 4, amount: 1n, nonce: U64_MAX - 1n },
    ],
    profile.depth,
  );
  exec = executeBlock(block);
  c = await CircuitHarness.load(await compileProjectCircuit(columnSpec(profile)));
});

describe("column circuit: valid witnesses", () => {
  for (const [name, col] of Object.entries({ COL_A, COL_B, COL_C, COL_D })) {
    test(`${name} passes and its public signal equals the native columnPublicHash`, () => {
      const w = witnessOf(col);
      const { output } = c.expectPass(w.input);
      assert.equal(output, w.publics.publicHash);
      assert.equal(output, columnPublicHash(w.publics));
      // the simulation used by the tamper tests agrees with the witness builder
      assert.deepEqual(simulate(copy(w.input)).writes, w.writes);
      assert.equal(simulate(copy(w.input)).publics.txDigest, w.publics.txDigest);
    });
  }

  test("the column write sets are the block's write set, and fingerprints multiply", () => {
    const all = [COL_A, COL_B, COL_C, COL_D].map(witnessOf);
    const writes = all.flatMap((w) => w.writes).sort((a, b) => a.key - b.key);
    assert.deepEqual(
      writes,
      exec.writeSet.map(({ key, before, after }) => ({ key, before, after })),
    );
    const product = all.reduce((f, w) => mod(f * w.publics.fingerprint), 1n);
    assert.equal(product, fingerprint(writes, gamma));
  });

  test("boundaries pass: amount = balance (A), receiver at u64 max (C), nonce → u64 max (D), self-transfer near u64 max (B)", () => {
    // covered by the valid witnesses above; assert the native facts that make them boundaries
    const post = exec.post;
    assert.equal(post.get(2)!.balance, 0n);
    assert.equal(post.get(8)!.balance, U64_MAX);
    assert.equal(post.get(3)!.nonce, U64_MAX);
    assert.equal(post.get(5)!.balance, U64_MAX - 5n);
  });
});

describe("column circuit: tampered witnesses violate constraints", () => {
  test("wrong signature (S + 1)", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txS")[0] = (big(arr(i, "txS")[0]!) + 1n).toString();
    c.expectFail(i, /^main\.transfer\[0\]\.sig\./);
  });

  test("signature by another key", () => {
    const i = resign(copy(witnessOf(COL_A).input), 0, 7);
    c.expectFail(i, /^main\.transfer\[0\]\.sig\./);
  });

  test("wrong nonce (re-signed)", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txNonce")[0] = "1";
    c.expectFail(reclaim(resign(i, 0)), /^main\.transfer\[0\]\.senderNonce\./);
  });

  test("overdraft: amount = balance + 1 (re-signed)", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txAmount")[1] = "151";
    c.expectFail(reclaim(resign(i, 1)), /^main\.transfer\[1\]\.senderAfterU64\./);
  });

  test("amount that overflows u64: 2^64 (re-signed)", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txAmount")[0] = (1n << 64n).toString();
    c.expectFail(reclaim(resign(i, 0)), /^main\.transfer\[0\]\.amountU64\./);
  });

  test("receiver above u64 max: balance + amount = 2^64 (re-signed)", () => {
    const i = copy(witnessOf(COL_C).input);
    arr(i, "txAmount")[0] = "101";
    c.expectFail(reclaim(resign(i, 0)), /^main\.transfer\[0\]\.receiverAfterU64\./);
  });

  test("sender nonce at u64 max (pre-state rebuilt, re-signed)", () => {
    const pre = structuredClone(block);
    pre.accounts.find((a) => a.key === 3)!.nonce = U64_MAX;
    const i = copy(witnessOf(COL_D).input);
    arr(i, "accNonce")[0] = U64_MAX.toString();
    arr(i, "txNonce")[0] = U64_MAX.toString();
    c.expectFail(reclaim(resign(rebase(i, pre), 0)), /^main\.transfer\[0\]\.nonceIsMax\./);
  });

  test("Merkle path of another leaf", () => {
    const i = copy(witnessOf(COL_A).input);
    arr2(i, "accSiblings")[1] = State.fromBlock(block).tree.proof(3).siblings.map(String);
    c.expectFail(i, /^main\.read\[1\]\.membership\./);
  });

  test("leaf not in R0 (balance raised by 1)", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "accBalance")[0] = "1001";
    c.expectFail(reclaim(i), /^main\.read\[0\]\.membership\./);
  });

  test("existing account claimed absent", () => {
    const i = copy(witnessOf(COL_C).input);
    for (const k of ["accExists", "accAx", "accAy", "accBalance", "accNonce"]) arr(i, k)[1] = "0";
    c.expectFail(reclaim(i), /^main\.read\[1\]\.membership\./);
  });

  test("tampered transaction digest", () => {
    const i = copy(witnessOf(COL_A).input);
    i.txDigest = (big(i.txDigest as string) + 1n).toString();
    c.expectFail(i, /^main\.(txDigest|txChain\[1\]\.)/);
  });

  test("tampered write digest", () => {
    const i = copy(witnessOf(COL_A).input);
    i.writeDigest = (big(i.writeDigest as string) + 1n).toString();
    c.expectFail(i, /^main\.(writeDigest|writes\[2\]\.)/);
  });

  test("tampered transaction fingerprint (the (index, txHash) multiset the root checks)", () => {
    const i = copy(witnessOf(COL_A).input);
    i.txFingerprint = (big(i.txFingerprint as string) + 1n).toString();
    c.expectFail(i, /^main\.(txFingerprint|txFactor\[1\]\.)/);
  });

  test("the transaction fingerprint is the product over the column's pairs", () => {
    const w = witnessOf(COL_A);
    const h = txHash(block.txs[0]!, BigInt(block.chainId));
    assert.equal(
      w.publics.txFingerprint,
      txFingerprint(
        COL_A.txs.map((index) => ({ index, hash: txHash(block.txs[index]!, BigInt(block.chainId)) })),
        gamma,
      ),
    );
    assert.equal(simulate(copy(w.input)).publics.txFingerprint, w.publics.txFingerprint);
    assert.notEqual(h, txHash(block.txs[0]!, BigInt(block.chainId) + 1n));
  });

  test("a transaction signed for another chain id is unprovable (the signature is over txHash with the chain id)", () => {
    const i = copy(witnessOf(COL_A).input);
    i.chainId = String(block.chainId + 1);
    c.expectFail(reclaim(i), /^main\.transfer\[0\]\.sig\./);
    // re-signed for that chain id it passes: the chain id then differs from the block's, which the
    // root's transaction list (hashed under the block's chain id) rejects
    c.expectPass(reclaim(resign(resign(i, 0), 1)));
  });

  test("wrong γ (fingerprint claimed for the block's γ)", () => {
    const i = copy(witnessOf(COL_A).input);
    i.gamma = (gamma + 1n).toString();
    c.expectFail(i, /^main\.(fingerprint|writes\[\d\]\.fpOut)/);
  });

  test("transaction indices not increasing", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txIndex")[1] = "0";
    c.expectFail(reclaim(i), /^main\.indexOrder\[1\]\./);
  });

  test("transaction marked padding (selectors cleared): its accounts are left untouched", () => {
    const i = copy(witnessOf(COL_C).input);
    arr(i, "txActive")[0] = "0";
    arr2(i, "txFromSel")[0] = ["0", "0", "0", "0"];
    arr2(i, "txToSel")[0] = ["0", "0", "0", "0"];
    c.expectFail(reclaim(i), /^main\.untouched\[[01]\]\./);
  });

  test("transaction dropped altogether (empty column) cannot keep the claimed tx digest", () => {
    const w = witnessOf(COL_C);
    const i = copy(w.input);
    for (const k of ["txActive", "txIndex", "txFrom", "txTo", "txAmount", "txNonce", "txR8x", "txR8y", "txS"])
      arr(i, k)[0] = "0";
    arr2(i, "txFromSel")[0] = ["0", "0", "0", "0"];
    arr2(i, "txToSel")[0] = ["0", "0", "0", "0"];
    for (const k of ["accReal", "accKey", "accExists", "accAx", "accAy", "accBalance", "accNonce"])
      arr(i, k).fill("0");
    i.accSiblings = arr2(i, "accSiblings").map((s) => s.map(() => "0"));
    c.expectFail(i, /^main\.txDigest$/);
    // with its own (empty) claims it is a valid proof of an empty column: tx digest 0, which the
    // aggregator's check of the block's tx list rejects
    const { output } = c.expectPass(reclaim(i));
    assert.notEqual(output, w.publics.publicHash);
    assert.equal(i.txDigest, "0");
  });

  test("sender selector points at the wrong slot", () => {
    const i = copy(witnessOf(COL_A).input);
    arr2(i, "txFromSel")[0] = ["0", "1", "0", "0"];
    c.expectFail(reclaim(i), /^main\.transfer\[0\]\.fromKey\./);
  });

  test("receiver credited in a padding slot (write dropped)", () => {
    const i = copy(witnessOf(COL_C).input);
    // receiver 8 moved to padding slot 2: its write would vanish from the write set
    arr2(i, "txToSel")[0] = ["0", "0", "1", "0"];
    arr(i, "accKey")[2] = "8";
    c.expectFail(reclaim(i), /^main\.txToSel\[0\]\[2\]$/);
  });

  test("real account slot not touched by any transaction", () => {
    const i = copy(witnessOf(COL_B).input);
    const s = State.fromBlock(block);
    arr(i, "accReal")[1] = "1";
    arr(i, "accKey")[1] = "7";
    arr(i, "accExists")[1] = "1";
    arr(i, "accAx")[1] = keyOf(7).pub[0].toString();
    arr(i, "accAy")[1] = keyOf(7).pub[1].toString();
    arr(i, "accBalance")[1] = "500";
    arr2(i, "accSiblings")[1] = s.tree.proof(7).siblings.map(String);
    c.expectFail(reclaim(i), /^main\.untouched\[1\]\./);
  });

  test("account keys not strictly increasing (same key read twice)", () => {
    const i = copy(witnessOf(COL_C).input);
    // slot 1 reads key 7 again (valid read), the tx receives into it
    const s = State.fromBlock(block);
    for (const k of ["accKey", "accExists", "accAx", "accAy", "accBalance", "accNonce"])
      arr(i, k)[1] = arr(i, k)[0]!;
    arr2(i, "accSiblings")[1] = s.tree.proof(7).siblings.map(String);
    arr(i, "txTo")[0] = "7";
    c.expectFail(reclaim(resign(i, 0)), /^main\.keyOrder\[1\]\./);
  });

  test("R8 off the curve", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txR8x")[0] = (big(arr(i, "txR8x")[0]!) + 1n).toString();
    c.expectFail(i, /^main\.transfer\[0\]\.r8OnCurve\./);
  });

  test("created account (pubkey (0, 0)) cannot send", () => {
    // key 9 is absent in the pre-state: as a sender it has A = (0, 0)
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txFrom")[1] = "9";
    arr(i, "txTo")[1] = "2";
    arr2(i, "txFromSel")[1] = ["0", "0", "1", "0"];
    arr2(i, "txToSel")[1] = ["0", "1", "0", "0"];
    arr(i, "txAmount")[1] = "0";
    arr(i, "txNonce")[1] = "0";
    c.expectFail(reclaim(resign(i, 1, 9)), /^main\.transfer\[1\]\.(keyOnCurve|sig)\./);
  });

  test("input that is not a field element is refused before witness generation", () => {
    const i = copy(witnessOf(COL_A).input);
    arr(i, "txAmount")[0] = (
      21888242871839275222246405745257275088548364400416034343698204186575808495617n + 100n
    ).toString();
    c.expectFail(i, /not a field element/, { path: "witness" });
  });
});
