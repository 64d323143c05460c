/**
 * Fixed-depth Poseidon sparse Merkle tree. A key k ∈ [0, 2^depth) is the leaf index; bit i of k
 * chooses the side at level i (0 = left), counted from the leaves. Empty leaves are 0 and an empty
 * subtree of height h hashes to zeros[h] (zeros[0] = 0, zeros[h+1] = H(zeros[h], zeros[h])).
 *
 * Only non-empty nodes are stored, level by level. Leaf writes are batched: the root and proofs
 * rehash each dirty node once, so n writes cost at most n·depth hashes and usually far fewer.
 */

import { EMPTY_LEAF, nodeHash } from "../crypto/hash.ts";
import { desError } from "../errors.ts";

const zeroCache: bigint[] = [EMPTY_LEAF];

export function zeroHashes(depth: number): bigint[] {
  while (zeroCache.length <= depth) {
    const z = zeroCache[zeroCache.length - 1]!;
    zeroCache.push(nodeHash(z, z));
  }
  return zeroCache.slice(0, depth + 1);
}

export interface MerkleProof {
  key: number;
  leaf: bigint;
  /** siblings[i] is the sibling of the path node at level i (level 0 = leaves). */
  siblings: bigint[];
}

export class SparseMerkleTree {
  readonly depth: number;
  private readonly zeros: bigint[];
  /** levels[h] maps node index at height h to its (non-empty) hash. */
  private readonly levels: Map<number, bigint>[];
  private dirty = new Set<number>();

  constructor(depth: number) {
    if (!Number.isInteger(depth) || depth < 1 || depth > 32)
      throw new RangeError(`depth must be 1..32, got ${depth}`);
    this.depth = depth;
    this.zeros = zeroHashes(depth);
    this.levels = Array.from({ length: depth + 1 }, () => new Map<number, bigint>());
  }

  private checkKey(key: number): void {
    if (!Number.isInteger(key) || key < 0 || key >= 2 ** this.depth) {
      throw desError("KEY_OUT_OF_RANGE", `key ${key} does not fit a tree of depth ${this.depth}`, { key });
    }
  }

  get(key: number): bigint {
    this.checkKey(key);
    return this.levels[0]!.get(key) ?? EMPTY_LEAF;
  }

  set(key: number, leaf: bigint): void {
    this.checkKey(key);
    if (leaf === EMPTY_LEAF) this.levels[0]!.delete(key);
    else this.levels[0]!.set(key, leaf);
    this.dirty.add(key);
  }

  /** Number of non-empty leaves. */
  get size(): number {
    return this.levels[0]!.size;
  }

  private flush(): void {
    if (this.dirty.size === 0) return;
    let dirty = this.dirty;
    for (let h = 0; h < this.depth; h++) {
      const level = this.levels[h]!;
      const parent = this.levels[h + 1]!;
      const z = this.zeros[h]!;
      const next = new Set<number>();
      for (const i of dirty) {
        const p = Math.floor(i / 2);
        if (next.has(p)) continue;
        next.add(p);
        const l = level.get(2 * p);
        const r = level.get(2 * p + 1);
        if (l === undefined && r === undefined) parent.delete(p);
        else parent.set(p, nodeHash(l ?? z, r ?? z));
      }
      dirty = next;
    }
    this.dirty = new Set();
  }

  root(): bigint {
    this.flush();
    return this.levels[this.depth]!.get(0) ?? this.zeros[this.depth]!;
  }

  proof(key: number): MerkleProof {
    this.checkKey(key);
    this.flush();
    const siblings: bigint[] = [];
    let i = key;
    for (let h = 0; h < this.depth; h++) {
      // i ± 1, not i ^ 1: keys reach 2^32 − 1, beyond the 32-bit signed range of JS bitwise ops
      siblings.push(this.levels[h]!.get(i % 2 === 0 ? i + 1 : i - 1) ?? this.zeros[h]!);
      i = Math.floor(i / 2);
    }
    return { key, leaf: this.get(key), siblings };
  }

  clone(): SparseMerkleTree {
    this.flush();
    const t = new SparseMerkleTree(this.depth);
    this.levels.forEach((m, h) => {
      t.levels[h] = new Map(m);
    });
    return t;
  }
}

/** Root implied by a leaf and its authentication path. */
export function rootFromProof(p: MerkleProof): bigint {
  let node = p.leaf;
  let i = p.key;
  for (const s of p.siblings) {
    node = i % 2 === 0 ? nodeHash(node, s) : nodeHash(s, node);
    i = Math.floor(i / 2);
  }
  return node;
}

export function verifyProof(root: bigint, p: MerkleProof): boolean {
  return rootFromProof(p) === root;
}
