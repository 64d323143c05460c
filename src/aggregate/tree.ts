/**
 * The aggregation tree's leaves for a block: the column and state-update statements, with γ derived
 * from the tree-ordered digests (statement.ts, treeGamma) before any witness is built.
 *
 * Shape: the column side is a balanced binary tree over the columns, the state side one over the
 * state-update chunks, and the block root joins the two. Each side's leaf count must be a power of
 * two (every node of a level has children of one kind, so one circuit per level); the callers pad
 * the column side with empty columns and choose the chunk count (see the README, "Aggregation").
 */
import type { Block } from "../block/schema.ts";
import type { ColumnWitness, StateWitness } from "../circuits/witness.ts";
import { columnWitness, preStateTree, stateUpdateChunks } from "../circuits/witness.ts";
import type { Partition } from "../columns/partition.ts";
import { txDigest, writeDigest } from "../crypto/hash.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { desError } from "../errors.ts";
import type { CircuitProfile } from "../profiles.ts";
import { type ExecutionResult, State } from "../state/execute.ts";
import { treeGamma } from "./statement.ts";

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

export interface LeafStatements {
  gamma: bigint;
  columns: ColumnWitness[];
  states: StateWitness[];
  columnDigest: bigint;
  stateDigest: bigint;
}

/**
 * γ from the tree digests, then every column's and state-update chunk's witness under it.
 * `partition.columns` is the column side in tree order.
 */
export function leafStatements(
  block: Block,
  exec: ExecutionResult,
  partition: Partition,
  profile: CircuitProfile,
): LeafStatements {
  const byKey = new Map(exec.writeSet.map((w) => [w.key, w]));
  const hashes = exec.txs.map((t) => t.hash);
  const columnDigest = treeDigest(
    partition.columns.map((c) =>
      poseidon([
        txDigest(c.txs.map((i) => ({ index: i, hash: hashes[i]! }))),
        writeDigest(c.keys.map((k) => byKey.get(k)!)),
      ]),
    ),
  );
  const tree = preStateTree(exec);
  const shape = stateUpdateChunks(exec, 0n, profile, tree);
  const stateDigest = treeDigest(
    shape.map((s) => poseidon([s.publics.writeDigest, BigInt(s.publics.keyLo), BigInt(s.publics.keyHi)])),
  );
  const gamma = treeGamma(exec.preRoot, exec.postRoot, columnDigest, stateDigest);
  const pre = State.fromBlock(block);
  return {
    gamma,
    columns: partition.columns.map((c) => columnWitness(block, exec, c, gamma, profile, pre)),
    states: stateUpdateChunks(exec, gamma, profile, tree),
    columnDigest,
    stateDigest,
  };
}
