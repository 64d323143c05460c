import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import type { Eddsa } from "circomlibjs";
import { keyFromSeed, sign, verify } from "../src/crypto/eddsa.ts";
import { U64_MAX } from "../src/crypto/field.ts";
import { EMPTY_LEAF, leafHash, txHash } from "../src/crypto/hash.ts";
import { loadCrypto, loadReference } from "../src/crypto/poseidon.ts";
import { type ErrorCode, isDesError } from "../src/errors.ts";
import { executeBlock, State } from "../src/state/execute.ts";
import { rootFromProof, SparseMerkleTree, verifyProof } from "../src/state/smt.ts";
import { makeBlock, signTx } from "./helpers/blocks.ts";

let ref: Eddsa;
before(async () => {
  await loadCrypto();
  ref = await loadReference();
});
const eddsa = () => ref;

/** Reference root: the full binary tree hashed level by level with circomlibjs Poseidon directly. */
function referenceRoot(depth: number, leaves: Map<number, bigint>): bigint {
  const P = eddsa().poseidon;
  const F = P.F;
  let level = Array.from({ length: 2 ** depth }, (_, i) => leaves.get(i) ?? 0n);
  for (let h = 0; h < depth; h++) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(F.toObject(P([level[i]!, level[i + 1]!])));
    level = next;
  }
  return level[0]!;
}

describe("sparse Merkle tree", () => {
  test("root matches a full-tree reference and proofs verify", () => {
    const t = new SparseMerkleTree(6);
    const leaves = new Map<number, bigint>([
      [0, 11n],
      [5, 22n],
      [63, 33n],
      [32, 44n],
    ]);
    for (const [k, v] of leaves) t.set(k, v);
    assert.equal(t.root(), referenceRoot(6, leaves));
    for (const k of [0, 5, 63, 32, 7]) {
      const p = t.proof(k);
      assert.equal(p.leaf, leaves.get(k) ?? EMPTY_LEAF);
      assert.ok(verifyProof(t.root(), p));
    }
    // a proof for another key, or another leaf, does not verify
    const p = t.proof(5);
    assert.ok(!verifyProof(t.root(), { ...p, key: 4 }));
    assert.ok(!verifyProof(t.root(), { ...p, leaf: 23n }));
    // deleting restores the empty-subtree hashes
    t.set(63, EMPTY_LEAF);
    leaves.delete(63);
    assert.equal(t.root(), referenceRoot(6, leaves));
    assert.equal(new SparseMerkleTree(6).root(), referenceRoot(6, new Map()));
  });

  test("batched updates equal one-by-one updates", () => {
    const a = new SparseMerkleTree(12);
    const b = new SparseMerkleTree(12);
    for (let i = 0; i < 200; i++) {
      const k = (i * 2654435761) % 4096;
      a.set(k, BigInt(i + 1));
      b.set(k, BigInt(i + 1));
      b.root();
    }
    assert.equal(a.root(), b.root());
    assert.equal(rootFromProof(a.proof(17)), a.root());
  });

  test("refuses keys outside the tree", () => {
    const t = new SparseMerkleTree(4);
    assert.throws(
      () => t.set(16, 1n),
      (e: unknown) => isDesError(e, "KEY_OUT_OF_RANGE"),
    );
    assert.throws(
      () => t.proof(-1),
      (e: unknown) => isDesError(e, "KEY_OUT_OF_RANGE"),
    );
  });

  test("proofs of keys ≥ 2^31 verify at depth 32 (no 32-bit bitwise arithmetic on keys)", () => {
    const t = new SparseMerkleTree(32);
    const keys = [2 ** 31 + 2, 2 ** 31 + 3, 2 ** 32 - 1, 5];
    for (const [i, k] of keys.entries()) t.set(k, BigInt(100 + i));
    for (const k of keys) assert.ok(verifyProof(t.root(), t.proof(k)), `key ${k}`);
  });
});

describe("EdDSA-Poseidon", () => {
  test("keys and signatures are bit-identical to circomlibjs; verification agrees on valid and invalid", () => {
    const e = eddsa();
    const F = e.F;
    for (let i = 0; i < 6; i++) {
      const kp = keyFromSeed(`ref-${i}`);
      const [ax, ay] = e.prv2pub(kp.prv);
      assert.deepEqual(kp.pub, [F.toObject(ax), F.toObject(ay)]);
      const msg = BigInt(i) * 0x1234567890abcdefn + 7n;
      const ours = sign(kp.prv, msg);
      const ref = e.signPoseidon(kp.prv, F.e(msg));
      assert.deepEqual(ours, { R8: [F.toObject(ref.R8[0]), F.toObject(ref.R8[1])], S: ref.S });
      const refVerify = (m: bigint, S: bigint, pub: readonly [bigint, bigint]) =>
        e.verifyPoseidon(F.e(m), { R8: [F.e(ours.R8[0]), F.e(ours.R8[1])], S }, [F.e(pub[0]), F.e(pub[1])]);
      for (const [m, S, pub] of [
        [msg, ours.S, kp.pub],
        [msg + 1n, ours.S, kp.pub],
        [msg, ours.S + 1n, kp.pub],
        [msg, ours.S, keyFromSeed("x").pub],
      ] as const) {
        assert.equal(verify(m, { R8: ours.R8, S }, pub), refVerify(m, S, pub));
      }
    }
  });

  test("agrees with circomlibjs and rejects tampering", () => {
    const kp = keyFromSeed("alice");
    const other = keyFromSeed("bob");
    const sig = sign(kp.prv, 42n);
    assert.ok(verify(42n, sig, kp.pub));
    const e = eddsa();
    assert.ok(
      e.verifyPoseidon(e.F.e(42n), { R8: [e.F.e(sig.R8[0]), e.F.e(sig.R8[1])], S: sig.S }, [
        e.F.e(kp.pub[0]),
        e.F.e(kp.pub[1]),
      ]),
    );
    assert.ok(!verify(43n, sig, kp.pub), "other message");
    assert.ok(!verify(42n, sig, other.pub), "other key");
    assert.ok(!verify(42n, { ...sig, S: sig.S + 1n }, kp.pub), "S changed");
    assert.ok(!verify(42n, sig, [0n, 1n]), "identity public key");
  });
});

const A = 3;
const B = 9;
const C = 200;

function expectReject(block: ReturnType<typeof makeBlock>, code: ErrorCode, index: number) {
  assert.throws(
    () => executeBlock(block),
    (e: unknown) =>
      isDesError(e, code) && e.details.index === index && e.message.includes(`transaction ${index}`),
  );
}

describe("native execution", () => {
  test("applies transfers, creates receivers, and reports roots, access sets and the write set", () => {
    const block = makeBlock(
      [
        { key: A, balance: 100n, nonce: 5n },
        { key: B, balance: 7n },
      ],
      [
        { from: A, to: B, amount: 30n, nonce: 5n },
        { from: B, to: C, amount: 37n, nonce: 0n },
        { from: A, to: A, amount: 70n, nonce: 6n },
      ],
    );
    const r = executeBlock(block);
    const pre = State.fromBlock(block);
    assert.equal(r.preRoot, pre.root());
    assert.equal(r.post.get(A)!.balance, 70n);
    assert.equal(r.post.get(A)!.nonce, 7n);
    assert.equal(r.post.get(B)!.balance, 0n);
    assert.equal(r.post.get(C)!.balance, 37n);
    assert.equal(r.post.get(C)!.pubKey, undefined);
    assert.deepEqual(
      r.txs.map((t) => t.access.writes),
      [[A, B], [B, C], [A]],
    );
    assert.deepEqual(
      r.writeSet.map((w) => w.key),
      [A, B, C],
    );
    const c = r.writeSet[2]!;
    assert.equal(c.before, EMPTY_LEAF);
    assert.equal(c.after, leafHash({ balance: 37n, nonce: 0n }));
    // R1 recomputed from scratch over the post accounts
    const leaves = new Map<number, bigint>();
    for (const [k, a] of r.post.accounts) leaves.set(k, leafHash(a));
    assert.equal(r.postRoot, referenceRoot(8, leaves));
    assert.equal(r.txs[0]!.hash, txHash(block.txs[0]!, 1n));
  });

  test("amount = balance passes; balance + 1 is an overdraft", () => {
    const ok = makeBlock([{ key: A, balance: 50n }], [{ from: A, to: B, amount: 50n, nonce: 0n }]);
    assert.equal(executeBlock(ok).post.get(A)!.balance, 0n);
    expectReject(
      makeBlock([{ key: A, balance: 50n }], [{ from: A, to: B, amount: 51n, nonce: 0n }]),
      "OVERDRAFT",
      0,
    );
  });

  test("u64 max balances are accepted; overflowing the receiver is rejected", () => {
    const ok = makeBlock(
      [
        { key: A, balance: U64_MAX },
        { key: B, balance: 0n },
      ],
      [{ from: A, to: B, amount: U64_MAX, nonce: 0n }],
    );
    assert.equal(executeBlock(ok).post.get(B)!.balance, U64_MAX);
    const bad = makeBlock(
      [
        { key: A, balance: 10n },
        { key: B, balance: U64_MAX - 5n },
      ],
      [
        { from: A, to: B, amount: 5n, nonce: 0n },
        { from: A, to: B, amount: 1n, nonce: 1n },
      ],
    );
    expectReject(bad, "BALANCE_OVERFLOW", 1);
  });

  test("wrong and replayed nonces are rejected", () => {
    expectReject(
      makeBlock([{ key: A, balance: 9n, nonce: 2n }], [{ from: A, to: B, amount: 1n, nonce: 3n }]),
      "BAD_NONCE",
      0,
    );
    const replay = makeBlock(
      [{ key: A, balance: 9n }],
      [
        { from: A, to: B, amount: 1n, nonce: 0n },
        { from: A, to: C, amount: 1n, nonce: 0n },
      ],
    );
    expectReject(replay, "BAD_NONCE", 1);
    expectReject(
      makeBlock([{ key: A, balance: 9n, nonce: U64_MAX }], [{ from: A, to: B, amount: 1n, nonce: U64_MAX }]),
      "NONCE_OVERFLOW",
      0,
    );
  });

  test("bad signatures are rejected: tampered field, or signed by another key", () => {
    const block = makeBlock([{ key: A, balance: 9n }], [{ from: A, to: B, amount: 1n, nonce: 0n }]);
    block.txs[0]!.amount = 2n;
    expectReject(block, "BAD_SIGNATURE", 0);
    const other = makeBlock([{ key: A, balance: 9n }], [{ from: A, to: B, amount: 1n, nonce: 0n }]);
    other.txs[0] = signTx({ from: A, to: B, amount: 1n, nonce: 0n }, "mallory");
    expectReject(other, "BAD_SIGNATURE", 0);
  });

  test("a transaction signed for another chain id is refused (no replay across deployments)", () => {
    const tx = { from: A, to: B, amount: 1n, nonce: 0n };
    const block = makeBlock([{ key: A, balance: 9n }], [tx], 8, "t", 1);
    assert.equal(executeBlock(block).txs.length, 1);
    // the same signed transaction replayed on chain 2
    expectReject({ ...block, chainId: 2 }, "BAD_SIGNATURE", 0);
    // signed for chain 2, included on chain 1
    expectReject({ ...block, txs: [signTx(tx, "t", 2)] }, "BAD_SIGNATURE", 0);
  });

  test("unknown senders and accounts without a key cannot send", () => {
    expectReject(
      makeBlock([{ key: A, balance: 9n }], [{ from: C, to: A, amount: 1n, nonce: 0n }]),
      "UNKNOWN_SENDER",
      0,
    );
    const created = makeBlock(
      [{ key: A, balance: 9n }],
      [
        { from: A, to: C, amount: 5n, nonce: 0n },
        { from: C, to: A, amount: 1n, nonce: 0n },
      ],
    );
    expectReject(created, "UNKNOWN_SENDER", 1);
  });

  test("a duplicate transaction is rejected as such", () => {
    const block = makeBlock([{ key: A, balance: 9n }], [{ from: A, to: B, amount: 1n, nonce: 0n }]);
    block.txs.push(block.txs[0]!);
    expectReject(block, "DUPLICATE_TX", 1);
  });

  test("unsigned blocks are refused", () => {
    const block = makeBlock([{ key: A, balance: 9n }], [{ from: A, to: B, amount: 1n, nonce: 0n }]);
    block.unsigned = true;
    assert.throws(
      () => executeBlock(block),
      (e: unknown) => isDesError(e, "UNSIGNED_BLOCK"),
    );
  });
});

describe("parallel signature verification", () => {
  test("gives the sequential result, and the same first error", async () => {
    const { executeBlockParallel } = await import("../src/state/parallel.ts");
    const { generateBlock } = await import("../src/block/sample.ts");
    const block = generateBlock({ profile: "hotspot", txs: 80, seed: "par", depth: 10 });
    const seq = executeBlock(block);
    const par = await executeBlockParallel(block, 2);
    assert.equal(par.postRoot, seq.postRoot);
    assert.deepEqual(
      par.writeSet.map((w) => [w.key, w.before, w.after]),
      seq.writeSet.map((w) => [w.key, w.before, w.after]),
    );
    block.txs[50] = { ...block.txs[50]!, amount: block.txs[50]!.amount + 1n };
    await assert.rejects(
      () => executeBlockParallel(block, 2),
      (e: unknown) => isDesError(e, "BAD_SIGNATURE") && e.details.index === 50,
    );
  });
});
