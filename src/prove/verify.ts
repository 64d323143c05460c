/**
 * `des verify` for a block bundle: every check a verifier needs, the first failure named.
 *
 *  1. each proof's verification key is the trusted one for its circuit (hash match);
 *  2. each Groth16 proof verifies with its single public signal;
 *  3. each public signal is the Poseidon hash of the public values listed beside it;
 *  4. every column read the bundle's R0 and used the bundle's γ;
 *  5. γ is the Fiat–Shamir hash of R0, R1, the tree digests of the columns and state updates and the
 *     transaction list commitment (src/aggregate/statement.ts, treeGamma; bundle order is tree order);
 *  6. the columns' transactions cover the block's transactions exactly once, and each column's
 *     transaction digest and fingerprint match the listed transaction hashes; the commitment is the
 *     list's, and the columns' transaction fingerprints multiply to the list's;
 *  7. the state-update chunks tile each shard's key range and chain its roots from R0 to R1;
 *  8. ∏ column fingerprints = ∏ state-update fingerprints (same multiset of writes).
 */
import * as snarkjs from "snarkjs";
import { columnLeafSide, stateLeafSide, treeGamma } from "../aggregate/statement.ts";
import { treeDigest } from "../aggregate/tree.ts";
import { FIELD_P } from "../crypto/field.ts";
import {
  columnPublicHash,
  nodeHash,
  statePublicHash,
  txDigest,
  txFingerprint,
  txListCommitment,
  txListFingerprint,
} from "../crypto/hash.ts";
import { checkFailed } from "../errors.ts";
import { type Bundle, vkeyHash } from "./bundle.ts";

export interface VerifySummary {
  columns: number;
  stateUpdates: number;
  txs: number;
  r0: bigint;
  r1: bigint;
  development: boolean;
  ms: number;
}

/** Root of a tree whose 2^bits subtrees (of height depth − bits) have the given roots, in order. */
function combineShards(roots: bigint[]): bigint {
  let level = roots;
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(nodeHash(level[i]!, level[i + 1]!));
    level = next;
  }
  return level[0]!;
}

/** `vkeys` maps circuit name → trusted verification key (snarkjs JSON). */
export async function verifyBundle(b: Bundle, vkeys: ReadonlyMap<string, unknown>): Promise<VerifySummary> {
  const t0 = performance.now();
  const entries = [
    ...b.columns.map((c) => ({ label: `column ${c.id}`, e: c })),
    ...b.stateUpdates.map((s) => ({ label: `state update ${s.index}`, e: s })),
  ];

  // 1–3: keys, proofs, public hashes (cheap checks first, pairings last)
  const hashes = new Map<string, string>();
  for (const { label, e } of entries) {
    const vk = vkeys.get(e.circuit);
    if (!vk)
      checkFailed("verification-key", `no trusted verification key for circuit ${e.circuit} (${label})`);
    let h = hashes.get(e.circuit);
    if (!h) {
      h = vkeyHash(vk);
      hashes.set(e.circuit, h);
    }
    if (h !== e.vkeyHash)
      checkFailed("verification-key", `${label} was made for another verification key of ${e.circuit}`);
  }
  for (const c of b.columns) {
    if (columnPublicHash(c.publics) !== c.publicSignal)
      checkFailed("public-hash", `column ${c.id}: public signal is not the hash of its public values`, {
        column: c.id,
      });
  }
  for (const s of b.stateUpdates) {
    if (statePublicHash(s.publics) !== s.publicSignal)
      checkFailed(
        "public-hash",
        `state update ${s.index}: public signal is not the hash of its public values`,
        {
          stateUpdate: s.index,
        },
      );
  }

  // 4–5: R0, γ
  for (const c of b.columns) {
    if (c.publics.r0 !== b.r0)
      checkFailed("r0", `column ${c.id} read another pre-state root`, { column: c.id });
  }
  for (const { label, e } of entries) {
    if (e.publics.gamma !== b.gamma) checkFailed("gamma", `${label} used another γ`);
  }
  const pow2 = (n: number) => n > 0 && (n & (n - 1)) === 0;
  if (!pow2(b.columns.length) || !pow2(b.stateUpdates.length))
    checkFailed(
      "gamma",
      "the column and state-update counts must be powers of two (the aggregation tree's leaves)",
    );
  const gamma = treeGamma(
    b.r0,
    b.r1,
    treeDigest(b.columns.map((c) => columnLeafSide(c.publics).dig)),
    treeDigest(b.stateUpdates.map((s) => stateLeafSide(s.publics).dig)),
    b.txCommitment,
  );
  if (gamma !== b.gamma)
    checkFailed("gamma", "γ is not the Fiat–Shamir hash of the roots, digests and transaction list");

  // 6: transaction coverage
  const n = b.block.txHashes.length;
  const seen = new Int32Array(n).fill(-1);
  for (const c of b.columns) {
    let prev = -1;
    for (const t of c.txs) {
      if (t >= n) checkFailed("tx-coverage", `column ${c.id} lists transaction ${t}, the block has ${n}`);
      if (t <= prev) checkFailed("tx-coverage", `column ${c.id} lists transactions out of order`);
      if (seen[t] !== -1)
        checkFailed("tx-coverage", `transaction ${t} is in columns ${seen[t]} and ${c.id}`, { index: t });
      seen[t] = c.id;
      prev = t;
    }
    const pairs = c.txs.map((i) => ({ index: i, hash: b.block.txHashes[i]! }));
    if (txDigest(pairs) !== c.publics.txDigest)
      checkFailed("tx-digest", `column ${c.id}: transaction digest does not match the block's transactions`, {
        column: c.id,
      });
    if (txFingerprint(pairs, b.gamma) !== c.publics.txFingerprint)
      checkFailed(
        "tx-digest",
        `column ${c.id}: transaction fingerprint does not match the block's transactions`,
        { column: c.id },
      );
  }
  const missing = seen.indexOf(-1);
  if (missing !== -1)
    checkFailed("tx-coverage", `transaction ${missing} is in no column`, { index: missing });
  if (txListCommitment(b.block.txHashes) !== b.txCommitment)
    checkFailed("tx-commitment", "the transaction list commitment does not match the transaction list");
  const prodT = b.columns.reduce((a, c) => (a * c.publics.txFingerprint) % FIELD_P, 1n);
  if (prodT !== txListFingerprint(b.block.txHashes, b.gamma))
    checkFailed("tx-coverage", "the columns' transaction fingerprints do not multiply to the list's");

  // 7: state-update chunks tile the key space and chain R0 → R1
  const shards = 2 ** b.shardBits;
  const height = b.block.depth - b.shardBits;
  const size = 2 ** height;
  const before: bigint[] = [];
  const after: bigint[] = [];
  let i = 0;
  for (let shard = 0; shard < shards; shard++) {
    let lo = shard * size;
    let root: bigint | undefined;
    while (i < b.stateUpdates.length && b.stateUpdates[i]!.publics.shard === shard) {
      const s = b.stateUpdates[i]!.publics;
      if (s.keyLo !== lo)
        checkFailed("state-chain", `state update ${i} starts at key ${s.keyLo}, expected ${lo}`);
      if (s.keyHi < s.keyLo) checkFailed("state-chain", `state update ${i} has an empty key range`);
      if (root === undefined) before[shard] = s.rootBefore;
      else if (s.rootBefore !== root)
        checkFailed("state-chain", `state update ${i} does not start from the previous root`);
      root = s.rootAfter;
      lo = s.keyHi + 1;
      i++;
    }
    if (root === undefined) checkFailed("state-chain", `shard ${shard} has no state update`);
    if (lo !== (shard + 1) * size) checkFailed("state-chain", `shard ${shard}: key ranges stop at ${lo - 1}`);
    after[shard] = root;
  }
  if (i !== b.stateUpdates.length) checkFailed("state-chain", "state updates out of shard order");
  if (combineShards(before) !== b.r0) checkFailed("state-chain", "state updates do not start from R0");
  if (combineShards(after) !== b.r1) checkFailed("state-chain", "state updates do not end at R1");

  // 8: same multiset of writes
  const prod = (xs: bigint[]) => xs.reduce((a, x) => (a * x) % FIELD_P, 1n);
  if (
    prod(b.columns.map((c) => c.publics.fingerprint)) !==
    prod(b.stateUpdates.map((s) => s.publics.fingerprint))
  )
    checkFailed("fingerprint", "the columns' writes and the state update's writes differ");

  // 2: the pairings
  for (const { label, e } of entries) {
    let ok = false;
    try {
      ok = await snarkjs.groth16.verify(
        vkeys.get(e.circuit) as snarkjs.VerificationKey,
        [e.publicSignal.toString()],
        e.proof,
      );
    } catch {
      ok = false;
    }
    if (!ok) checkFailed("proof", `${label}: Groth16 proof does not verify`);
  }

  return {
    columns: b.columns.length,
    stateUpdates: b.stateUpdates.length,
    txs: n,
    r0: b.r0,
    r1: b.r1,
    development: b.development,
    ms: performance.now() - t0,
  };
}
