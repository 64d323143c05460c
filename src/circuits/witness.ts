/**
 * Witness builders: native execution results → circuit inputs (decimal strings) for the column
 * circuit (circuits/column.circom) and the state-update circuit (circuits/state_update.circom),
 * together with the public values the native code computes for them. The circuits' single public
 * signal must equal `publics.publicHash` (the tests check it bit for bit).
 */
import type { Block } from "../block/schema.ts";
import {
  type ColumnPublics,
  columnPublicHash,
  fingerprint,
  nodeHash,
  type StatePublics,
  statePublicHash,
  txDigest,
  txFingerprint,
  type WriteEntry,
  writeDigest,
} from "../crypto/hash.ts";
import { desError } from "../errors.ts";
import type { CircuitProfile } from "../profiles.ts";
import { accessSet, type ExecutionResult, executeTxs, State } from "../state/execute.ts";
import { type SparseMerkleTree, zeroHashes } from "../state/smt.ts";

/** Circuit input as snarkjs / the witness generator take it: decimal strings, arrays for arrays. */
export type CircuitInputJSON = Record<string, string | string[] | string[][]>;

/** A column: block indices of its transactions (increasing) and the keys they touch (increasing). */
export interface ColumnSpec {
  txs: readonly number[];
  keys: readonly number[];
}

export interface ColumnWitness {
  input: CircuitInputJSON;
  publics: ColumnPublics & { publicHash: bigint };
  /** The column's write set, in key order: (key, leaf before, leaf after). */
  writes: WriteEntry[];
}

export interface StateWitness {
  input: CircuitInputJSON;
  publics: StatePublics & { publicHash: bigint };
  writes: WriteEntry[];
}

const str = (v: bigint | number) => v.toString();
const zeros = (n: number) => Array.from({ length: n }, () => "0");

function increasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || xs[i - 1]! < x);
}

/**
 * Inputs of ColumnExec(profile.txs, profile.accounts, profile.depth) for one column of `block`.
 * The column's accounts are read from the block's pre-state; its transactions are executed
 * natively over them (throwing the native rejection if one is invalid), and the resulting write
 * set must equal the block execution's entries for those keys (else the columns were not
 * disjoint: WITNESS_MISMATCH).
 */
export function columnWitness(
  block: Block,
  exec: ExecutionResult,
  column: ColumnSpec,
  gamma: bigint,
  profile: CircuitProfile,
  pre: State = State.fromBlock(block),
): ColumnWitness {
  const { txs, keys } = column;
  if (block.depth !== profile.depth) {
    throw desError(
      "PROFILE_MISMATCH",
      `block depth ${block.depth} ≠ profile ${profile.name} depth ${profile.depth}`,
    );
  }
  if (txs.length > profile.txs || keys.length > profile.accounts) {
    throw desError(
      "COLUMN_CAPACITY",
      `column has ${txs.length} txs / ${keys.length} keys; profile ${profile.name} allows ${profile.txs} / ${profile.accounts}`,
      { txs: txs.length, keys: keys.length },
    );
  }
  if (!increasing(txs) || !increasing(keys))
    throw desError("WITNESS_MISMATCH", "column txs and keys must be strictly increasing");
  const touched = new Set<number>();
  for (const i of txs) {
    const tx = block.txs[i];
    if (!tx)
      throw desError("WITNESS_MISMATCH", `column names transaction ${i}, block has ${block.txs.length}`);
    for (const k of accessSet(tx).writes) touched.add(k);
  }
  const expectedKeys = [...touched].sort((a, b) => a - b);
  if (expectedKeys.join() !== keys.join()) {
    throw desError(
      "WITNESS_MISMATCH",
      `column keys [${keys}] are not the keys its transactions touch [${expectedKeys}]`,
    );
  }
  if (pre.root() !== exec.preRoot)
    throw desError("WITNESS_MISMATCH", "pre-state root differs from the execution's");

  const local = pre.clone();
  executeTxs(local, block, txs);
  const writes: WriteEntry[] = keys.map((key) => ({ key, before: pre.leaf(key), after: local.leaf(key) }));
  const blockWrites = new Map(exec.writeSet.map((w) => [w.key, w]));
  for (const w of writes) {
    const b = blockWrites.get(w.key);
    if (!b || b.before !== w.before || b.after !== w.after) {
      throw desError(
        "WITNESS_MISMATCH",
        `key ${w.key}: the column's write differs from the block's (columns not disjoint?)`,
        {
          key: w.key,
        },
      );
    }
  }

  const A = profile.accounts;
  const T = profile.txs;
  const D = profile.depth;
  const slot = new Map(keys.map((k, i) => [k, i]));
  const acc = {
    accReal: zeros(A),
    accKey: zeros(A),
    accExists: zeros(A),
    accAx: zeros(A),
    accAy: zeros(A),
    accBalance: zeros(A),
    accNonce: zeros(A),
    accSiblings: Array.from({ length: A }, () => zeros(D)),
  };
  keys.forEach((key, i) => {
    const a = pre.get(key);
    acc.accReal[i] = "1";
    acc.accKey[i] = str(key);
    if (a) {
      acc.accExists[i] = "1";
      acc.accAx[i] = str(a.pubKey?.[0] ?? 0n);
      acc.accAy[i] = str(a.pubKey?.[1] ?? 0n);
      acc.accBalance[i] = str(a.balance);
      acc.accNonce[i] = str(a.nonce);
    }
    acc.accSiblings[i] = pre.tree.proof(key).siblings.map(str);
  });
  const tx = {
    txActive: zeros(T),
    txIndex: zeros(T),
    txFrom: zeros(T),
    txTo: zeros(T),
    txAmount: zeros(T),
    txNonce: zeros(T),
    txR8x: zeros(T),
    txR8y: zeros(T),
    txS: zeros(T),
    txFromSel: Array.from({ length: T }, () => zeros(A)),
    txToSel: Array.from({ length: T }, () => zeros(A)),
  };
  txs.forEach((index, t) => {
    const x = block.txs[index]!;
    if (!x.sig) throw desError("UNSIGNED_BLOCK", `transaction ${index} has no signature`);
    tx.txActive[t] = "1";
    tx.txIndex[t] = str(index);
    tx.txFrom[t] = str(x.from);
    tx.txTo[t] = str(x.to);
    tx.txAmount[t] = str(x.amount);
    tx.txNonce[t] = str(x.nonce);
    tx.txR8x[t] = str(x.sig.R8[0]);
    tx.txR8y[t] = str(x.sig.R8[1]);
    tx.txS[t] = str(x.sig.S);
    tx.txFromSel[t]![slot.get(x.from)!] = "1";
    tx.txToSel[t]![slot.get(x.to)!] = "1";
  });

  const chainId = BigInt(block.chainId);
  // the execution hashed every transaction under the block's chain id already
  const pairs = txs.map((i) => ({ index: i, hash: exec.txs[i]!.hash }));
  const publics: ColumnPublics = {
    r0: exec.preRoot,
    txDigest: txDigest(pairs),
    writeDigest: writeDigest(writes),
    fingerprint: fingerprint(writes, gamma),
    txFingerprint: txFingerprint(pairs, gamma),
    gamma,
  };
  const input: CircuitInputJSON = {
    r0: str(publics.r0),
    gamma: str(gamma),
    txDigest: str(publics.txDigest),
    writeDigest: str(publics.writeDigest),
    fingerprint: str(publics.fingerprint),
    txFingerprint: str(publics.txFingerprint),
    chainId: str(chainId),
    ...acc,
    ...tx,
  };
  return { input, publics: { ...publics, publicHash: columnPublicHash(publics) }, writes };
}

/** Root of the subtree of height `height` that holds `key` (height = depth: the tree's root). */
export function subtreeRoot(tree: SparseMerkleTree, key: number, height: number): bigint {
  const p = tree.proof(key);
  let node = p.leaf;
  let i = key;
  for (let h = 0; h < height; h++) {
    const s = p.siblings[h]!;
    node = i % 2 === 0 ? nodeHash(node, s) : nodeHash(s, node);
    i = Math.floor(i / 2);
  }
  return node;
}

/** Which shard a key belongs to: its top `shardBits` bits (of `depth`). */
export function shardOf(key: number, depth: number, shardBits: number): number {
  return Math.floor(key / 2 ** (depth - shardBits));
}

/** A state-update proof's key range: every key it writes lies in [lo, hi]. */
export interface KeyRange {
  lo: number;
  hi: number;
}

/** The key range of a whole shard (with shardBits = 0: the whole tree, [0, 2^depth − 1]). */
export function shardRange(profile: CircuitProfile, shard: number): KeyRange {
  const size = 2 ** (profile.depth - profile.shardBits);
  return { lo: shard * size, hi: (shard + 1) * size - 1 };
}

/**
 * Inputs of StateUpdate(profile.writes, profile.depth, profile.shardBits) for writes applied to
 * `preTree` (not modified). `writes` must be sorted by key with no key twice, all in the shard and
 * in `range` (default: the whole shard), and `before` must be each key's current leaf (else
 * WITNESS_MISMATCH).
 */
export function stateUpdateWitnessFromTree(
  preTree: SparseMerkleTree,
  writes: readonly WriteEntry[],
  gamma: bigint,
  profile: CircuitProfile,
  shard = 0,
  range: KeyRange = shardRange(profile, shard),
): StateWitness {
  const D = profile.depth;
  const H = D - profile.shardBits;
  if (preTree.depth !== D)
    throw desError("PROFILE_MISMATCH", `tree depth ${preTree.depth} ≠ profile ${profile.name} depth ${D}`);
  if (!Number.isInteger(shard) || shard < 0 || shard >= 2 ** profile.shardBits) {
    throw desError("PROFILE_MISMATCH", `shard ${shard} out of range for ${profile.shardBits} shard bits`);
  }
  if (!(Number.isInteger(range.lo) && Number.isInteger(range.hi) && range.lo >= 0 && range.hi < 2 ** D)) {
    throw desError("WITNESS_MISMATCH", `key range [${range.lo}, ${range.hi}] does not fit depth ${D}`);
  }
  if (writes.length > profile.writes) {
    throw desError(
      "COLUMN_CAPACITY",
      `${writes.length} writes in one state update; profile ${profile.name} allows ${profile.writes}`,
      {
        writes: writes.length,
      },
    );
  }
  if (!increasing(writes.map((w) => w.key)))
    throw desError("WITNESS_MISMATCH", "writes must be sorted by key, no key twice");
  const tree = preTree.clone();
  const base = shard * 2 ** H;
  const rootBefore = subtreeRoot(tree, base, H);
  const W = profile.writes;
  const input = {
    real: zeros(W),
    key: zeros(W),
    before: zeros(W),
    after: zeros(W),
    siblings: Array.from({ length: W }, () => zeros(H)),
  };
  writes.forEach((w, i) => {
    if (shardOf(w.key, D, profile.shardBits) !== shard)
      throw desError("WITNESS_MISMATCH", `key ${w.key} is not in shard ${shard}`);
    if (w.key < range.lo || w.key > range.hi) {
      throw desError("WITNESS_MISMATCH", `key ${w.key} is outside the key range [${range.lo}, ${range.hi}]`);
    }
    const p = tree.proof(w.key);
    if (p.leaf !== w.before)
      throw desError("WITNESS_MISMATCH", `key ${w.key}: leaf before differs from the tree's`, { key: w.key });
    input.real[i] = "1";
    input.key[i] = str(w.key);
    input.before[i] = str(w.before);
    input.after[i] = str(w.after);
    input.siblings[i] = p.siblings.slice(0, H).map(str);
    tree.set(w.key, w.after);
  });
  const publics: StatePublics = {
    rootBefore,
    rootAfter: subtreeRoot(tree, base, H),
    shard,
    keyLo: range.lo,
    keyHi: range.hi,
    writeDigest: writeDigest(writes),
    fingerprint: fingerprint(writes, gamma),
    gamma,
  };
  return {
    input: {
      rootBefore: str(publics.rootBefore),
      rootAfter: str(publics.rootAfter),
      shard: str(shard),
      keyLo: str(range.lo),
      keyHi: str(range.hi),
      gamma: str(gamma),
      writeDigest: str(publics.writeDigest),
      fingerprint: str(publics.fingerprint),
      ...input,
    },
    publics: { ...publics, publicHash: statePublicHash(publics) },
    writes: writes.map((w) => ({ key: w.key, before: w.before, after: w.after })),
  };
}

/** The pre-state tree of an execution, rebuilt from its post-state by undoing the write set. */
export function preStateTree(exec: ExecutionResult): SparseMerkleTree {
  const tree = exec.post.tree.clone();
  for (const w of exec.writeSet) tree.set(w.key, w.before);
  if (tree.root() !== exec.preRoot)
    throw desError("WITNESS_MISMATCH", "undoing the write set does not give the pre-state root");
  return tree;
}

/** The block's writes that fall in one shard, in key order. */
function shardWrites(exec: ExecutionResult, profile: CircuitProfile, shard: number): WriteEntry[] {
  return exec.writeSet
    .filter((w) => shardOf(w.key, profile.depth, profile.shardBits) === shard)
    .map((w) => ({ key: w.key, before: w.before, after: w.after }));
}

/**
 * State-update inputs for a block execution: all of its writes (shardBits = 0) or those of one
 * shard, in one proof (COLUMN_CAPACITY if they exceed profile.writes: see stateUpdateChunks). With
 * shardBits = 0 the roots are the block's preRoot and postRoot.
 */
export function stateUpdateWitness(
  exec: ExecutionResult,
  gamma: bigint,
  profile: CircuitProfile,
  shard = 0,
  preTree: SparseMerkleTree = preStateTree(exec),
): StateWitness {
  const sw = stateUpdateWitnessFromTree(preTree, shardWrites(exec, profile, shard), gamma, profile, shard);
  if (
    profile.shardBits === 0 &&
    (sw.publics.rootBefore !== exec.preRoot || sw.publics.rootAfter !== exec.postRoot)
  ) {
    throw desError("WITNESS_MISMATCH", "state update roots differ from the execution's pre/post roots");
  }
  return sw;
}

/**
 * A block's whole state update as consecutive chunks of at most profile.writes writes each (per
 * shard, shards in order). Within a shard, chunk i covers the key range [lo_i, hi_i] with
 * lo_0 = the shard's first key, lo_{i+1} = hi_i + 1 and the last hi = the shard's last key, and its
 * rootBefore is the previous chunk's rootAfter: the aggregator checks exactly that (ranges tile the
 * shard, roots chain from the shard's root in R0 to its root in R1). Every chunk's witness is
 * computed here, so the proofs themselves are independent and can run in parallel.
 * `count` (unsharded profiles only): split the writes into exactly that many chunks, as evenly as
 * possible (the aggregation tree wants a power of two); it must be at least the chunks needed and
 * at most the number of writes (every chunk non-empty, so its range holds a key).
 */
export function stateUpdateChunks(
  exec: ExecutionResult,
  gamma: bigint,
  profile: CircuitProfile,
  preTree: SparseMerkleTree = preStateTree(exec),
  count?: number,
): StateWitness[] {
  const out: StateWitness[] = [];
  const tree = preTree.clone();
  for (let shard = 0; shard < 2 ** profile.shardBits; shard++) {
    const whole = shardRange(profile, shard);
    const writes = shardWrites(exec, profile, shard);
    const sizes: number[] = [];
    if (count !== undefined) {
      const needed = Math.max(1, Math.ceil(writes.length / profile.writes));
      if (profile.shardBits !== 0 || count < needed || count > Math.max(1, writes.length))
        throw desError(
          "PROFILE_MISMATCH",
          `cannot split ${writes.length} writes into ${count} state-update chunks of at most ${profile.writes}`,
        );
      for (let i = 0; i < count; i++)
        sizes.push(Math.floor(writes.length / count) + (i < writes.length % count ? 1 : 0));
    } else {
      for (let left = writes.length; sizes.length === 0 || left > 0; left -= profile.writes)
        sizes.push(Math.min(left, profile.writes));
    }
    let lo = whole.lo;
    let start = 0;
    for (const size of sizes) {
      const chunk = writes.slice(start, start + size);
      start += chunk.length;
      const hi = start >= writes.length ? whole.hi : chunk[chunk.length - 1]!.key;
      out.push(stateUpdateWitnessFromTree(tree, chunk, gamma, profile, shard, { lo, hi }));
      for (const w of chunk) tree.set(w.key, w.after);
      lo = hi + 1;
    }
  }
  if (profile.shardBits === 0 && out[out.length - 1]!.publics.rootAfter !== exec.postRoot) {
    throw desError("WITNESS_MISMATCH", "chained state updates do not end at the execution's post root");
  }
  return out;
}

/** Number of state-update shards of a profile, and the empty subtree root of one (for aggregators). */
export function shardCount(profile: CircuitProfile): number {
  return 2 ** profile.shardBits;
}

export function emptyShardRoot(profile: CircuitProfile): bigint {
  return zeroHashes(profile.depth - profile.shardBits)[profile.depth - profile.shardBits]!;
}
