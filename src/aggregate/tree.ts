/**
 * The aggregation tree's leaves for a block: the column and state-update statements, with γ derived
 * from the tree-ordered digests (statement.ts, treeGamma) before any witness is built.
 *
 * Shape: the column side is a balanced binary tree over the columns, the state side one over the
 * state-update chunks, and the block root joins the two. Each side's leaf count must be a power of
 * two (every node of a level has children of one kind, so one circuit per level); the callers pad
 * the column side with empty columns and choose the chunk count (docs/aggregation.md).
 */
import type { Block } from "../block/schema.ts";
import type { ColumnWitness, StateWitness } from "../circuits/witness.ts";
import { columnWitness, preStateTree, stateUpdateChunks } from "../circuits/witness.ts";
import type { Column, Partition } from "../columns/partition.ts";
import { txDigest, txListCommitment, writeDigest } from "../crypto/hash.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { desError } from "../errors.ts";
import type { CircuitProfile } from "../profiles.ts";
import { type ExecutionResult, State } from "../state/execute.ts";
import { columnLeafDigest, stateLeafDigest, treeGamma } from "./statement.ts";

/** Root of the balanced binary Poseidon tree over `leaves` (a power of two of them). */
export function treeDigest(leaves: readonly bigint[]): bigint {
  const n = leaves.length;
  if (n === 0 || (n & (n - 1)) !== 0)
    throw desError("PROFILE_MISMATCH", `an aggregation side needs a power of two of leaves, got ${n}`);
  let level = [...leaves];
  while (level.length > 1) {
    const next: bigint[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(poseidon([level[i]!, level[i + 1]!]));
    level = next;
  }
  return level[0]!;
}

export const nextPow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/**
 * The column side in tree order: the partition's columns, then empty columns (no transactions, no
 * keys: fingerprint 1, digests of nothing) up to a power of two.
 */
export function paddedColumns(partition: Partition): Column[] {
  const out = [...partition.columns];
  let id = Math.max(-1, ...out.map((c) => c.id));
  while (out.length < nextPow2(partition.columns.length)) out.push({ id: ++id, txs: [], keys: [] });
  return out;
}

/** State-update chunks for the tree: a power of two, at least what the profile's capacity needs. */
export function stateChunkCount(exec: ExecutionResult, profile: CircuitProfile): number {
  if (profile.shardBits !== 0)
    throw desError(
      "PROFILE_MISMATCH",
      `block proofs need an unsharded profile (shardBits 0), got ${profile.shardBits}`,
    );
  const needed = Math.max(1, Math.ceil(exec.writeSet.length / profile.writes));
  const n = nextPow2(needed);
  if (n > Math.max(1, exec.writeSet.length))
    throw desError("PROFILE_MISMATCH", `${exec.writeSet.length} writes cannot fill ${n} state-update chunks`);
  return n;
}

export interface LeafStatements {
  gamma: bigint;
  /** The column side in tree order (padded). */
  columnSide: Column[];
  columns: ColumnWitness[];
  states: StateWitness[];
  columnDigest: bigint;
  stateDigest: bigint;
}

/**
 * γ from the tree digests, then every column's and state-update chunk's witness under it. The
 * column side is the partition's columns padded with empty ones; the state side is
 * stateChunkCount chunks.
 */
export function leafStatements(
  block: Block,
  exec: ExecutionResult,
  partition: Partition,
  profile: CircuitProfile,
): LeafStatements {
  const byKey = new Map(exec.writeSet.map((w) => [w.key, w]));
  const hashes = exec.txs.map((t) => t.hash);
  const columnSide = paddedColumns(partition);
  const columnDigest = treeDigest(
    columnSide.map((c) =>
      columnLeafDigest(
        txDigest(c.txs.map((i) => ({ index: i, hash: hashes[i]! }))),
        writeDigest(c.keys.map((k) => byKey.get(k)!)),
      ),
    ),
  );
  const tree = preStateTree(exec);
  const count = stateChunkCount(exec, profile);
  const shape = stateUpdateChunks(exec, 0n, profile, tree, count);
  const stateDigest = treeDigest(
    shape.map((s) => stateLeafDigest(s.publics.writeDigest, s.publics.keyLo, s.publics.keyHi)),
  );
  const gamma = treeGamma(exec.preRoot, exec.postRoot, columnDigest, stateDigest, txListCommitment(hashes));
  const pre = State.fromBlock(block);
  return {
    gamma,
    columnSide,
    columns: columnSide.map((c) => columnWitness(block, exec, c, gamma, profile, pre)),
    states: stateUpdateChunks(exec, gamma, profile, tree, count),
    columnDigest,
    stateDigest,
  };
}
