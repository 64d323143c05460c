/**
 * What each proof of the aggregation tree states, and the block rules a node checks when it joins
 * two children. The circuits of circuits/aggregator.circom mirror this module bit for bit; the tests
 * take their reference values from here (Poseidon by circomlibjs).
 *
 * Leaves (existing circuits, one public signal each):
 *   column x = Poseidon(r0, txDigest, writeDigest, fingerprint, txFingerprint, γ)
 *   state  x = Poseidon(rootBefore, rootAfter, shard, keyLo, keyHi, writeDigest, fingerprint, γ)
 * Each leaf is read as a *side statement*: the column side (r0, γ, dig, fp, tfp) with
 * dig = Poseidon(txDigest, writeDigest), the state side (rootBefore, rootAfter, keyLo, keyHi, γ, dig,
 * fp) with dig = Poseidon(writeDigest, keyLo, keyHi) (shard must be 0: unsharded profiles).
 *
 * Nodes join two children of one side (left, right):
 *   column node: same r0, same γ; dig = Poseidon(dig_L, dig_R); fp = fp_L·fp_R; tfp = tfp_L·tfp_R;
 *                x = Poseidon(TAG_COLUMNS, r0, γ, dig, fp, tfp)
 *   state node:  same γ; rootAfter_L = rootBefore_R (roots chain); keyLo_R = keyHi_L + 1 (ranges
 *                tile, in order), and keyLo ≤ keyHi for a leaf child (keys are < 2^depth in the
 *                leaf; for a node child it holds by induction); dig = Poseidon(dig_L, dig_R);
 *                fp = fp_L·fp_R; x = Poseidon(TAG_STATE, rootBefore_L, rootAfter_R, keyLo_L,
 *                keyHi_R, γ, dig, fp)
 * The block root joins the column side C and the state side S, and the block's transaction list
 * (txHash_0 … txHash_{n−1}, in block order; L its commitment, crypto/hash.ts txListCommitment):
 *   γ_C = γ_S = γ;  r0_C = rootBefore_S = R0;  keyLo_S = 0, keyHi_S = 2^depth − 1 (the state side
 *   covers every key once);  fp_C = fp_S (the columns' writes and the applied writes are one
 *   multiset);  tfp_C = ∏ (γ − txHash_i − δ·i) (the columns' (index, txHash) pairs are the list's,
 *   each index once);  γ = Poseidon(DOMAIN_GAMMA_TREE, R0, R1, dig_C, dig_S, L) (Fiat–Shamir: γ is
 *   fixed by the roots, every digest in tree order, and the list), δ = Poseidon(DOMAIN_DELTA, γ);
 *   header x = Poseidon(TAG_HEADER, version, chainId, number, parent, R0, R1, L, n), R1 = rootAfter_S.
 * Children in another order give other digests, hence another γ, and fail at the root (state
 * children fail at once: their roots and ranges do not chain).
 */
import { FIELD_P } from "../crypto/field.ts";
import {
  type ColumnPublics,
  columnPublicHash,
  type StatePublics,
  statePublicHash,
  txListCommitment,
  txListFingerprint,
} from "../crypto/hash.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { checkFailed } from "../errors.ts";

export const TAG_COLUMNS = 0x636f6c73n; // "cols"
export const TAG_STATE = 0x7374617465n; // "state"
export const TAG_HEADER = 0x626c6f636bn; // "block"
export const DOMAIN_GAMMA_TREE = 0x67616d6d6174n; // "gammat"
export const BLOCK_PROOF_VERSION = 2n;

export interface ColumnSide {
  r0: bigint;
  gamma: bigint;
  dig: bigint;
  fp: bigint;
  /** Product of the column transactions' (index, txHash) factors. */
  tfp: bigint;
}

export interface StateSide {
  rootBefore: bigint;
  rootAfter: bigint;
  keyLo: bigint;
  keyHi: bigint;
  gamma: bigint;
  dig: bigint;
  fp: bigint;
}

export interface Header {
  version: bigint;
  chainId: bigint;
  number: bigint;
  /** The parent block proof's header hash (its public signal), or the block file's parent. */
  parent: bigint;
  r0: bigint;
  r1: bigint;
  /** Commitment to the block's ordered transaction list (crypto/hash.ts txListCommitment). */
  txCommitment: bigint;
  txCount: bigint;
}

/** A column leaf's digest in the tree: Poseidon(txDigest, writeDigest). */
export const columnLeafDigest = (txDigest: bigint, writeDigest: bigint): bigint =>
  poseidon([txDigest, writeDigest]);

/** A state-update leaf's digest in the tree: Poseidon(writeDigest, keyLo, keyHi). */
export const stateLeafDigest = (
  writeDigest: bigint,
  keyLo: number | bigint,
  keyHi: number | bigint,
): bigint => poseidon([writeDigest, BigInt(keyLo), BigInt(keyHi)]);

export function columnLeafSide(p: ColumnPublics): ColumnSide {
  return {
    r0: p.r0,
    gamma: p.gamma,
    dig: columnLeafDigest(p.txDigest, p.writeDigest),
    fp: p.fingerprint,
    tfp: p.txFingerprint,
  };
}

export function stateLeafSide(p: StatePublics): StateSide {
  if (BigInt(p.shard) !== 0n) checkFailed("shard", "state-update leaves must be unsharded (shard 0)");
  const keyLo = BigInt(p.keyLo);
  const keyHi = BigInt(p.keyHi);
  return {
    rootBefore: p.rootBefore,
    rootAfter: p.rootAfter,
    keyLo,
    keyHi,
    gamma: p.gamma,
    dig: stateLeafDigest(p.writeDigest, keyLo, keyHi),
    fp: p.fingerprint,
  };
}

export const columnLeafHash = columnPublicHash;
export const stateLeafHash = statePublicHash;

export function columnNodeHash(s: ColumnSide): bigint {
  return poseidon([TAG_COLUMNS, s.r0, s.gamma, s.dig, s.fp, s.tfp]);
}

export function stateNodeHash(s: StateSide): bigint {
  return poseidon([TAG_STATE, s.rootBefore, s.rootAfter, s.keyLo, s.keyHi, s.gamma, s.dig, s.fp]);
}

export function headerHash(h: Header): bigint {
  return poseidon([
    TAG_HEADER,
    h.version,
    h.chainId,
    h.number,
    h.parent,
    h.r0,
    h.r1,
    h.txCommitment,
    h.txCount,
  ]);
}

export function joinColumns(l: ColumnSide, r: ColumnSide): ColumnSide {
  if (l.r0 !== r.r0) checkFailed("r0", "the children read different pre-state roots");
  if (l.gamma !== r.gamma) checkFailed("gamma", "the children used different γ");
  return {
    r0: l.r0,
    gamma: l.gamma,
    dig: poseidon([l.dig, r.dig]),
    fp: (l.fp * r.fp) % FIELD_P,
    tfp: (l.tfp * r.tfp) % FIELD_P,
  };
}

/** `leafL` / `leafR`: whether that child is a leaf (its keyLo ≤ keyHi is checked here). */
export function joinStates(
  l: StateSide,
  r: StateSide,
  depth: number,
  leafL = false,
  leafR = false,
): StateSide {
  if (l.gamma !== r.gamma) checkFailed("gamma", "the children used different γ");
  if (l.rootAfter !== r.rootBefore)
    checkFailed("state-chain", "the left child's root after is not the right child's root before");
  if (r.keyLo !== l.keyHi + 1n)
    checkFailed("key-ranges", "the right child's key range does not start after the left child's");
  for (const [leaf, s] of [
    [leafL, l],
    [leafR, r],
  ] as const) {
    if (leaf && (s.keyHi < s.keyLo || s.keyHi >= 1n << BigInt(depth)))
      checkFailed("key-ranges", "a key range is empty or out of the tree");
  }
  return {
    rootBefore: l.rootBefore,
    rootAfter: r.rootAfter,
    keyLo: l.keyLo,
    keyHi: r.keyHi,
    gamma: l.gamma,
    dig: poseidon([l.dig, r.dig]),
    fp: (l.fp * r.fp) % FIELD_P,
  };
}

export function treeGamma(
  r0: bigint,
  r1: bigint,
  columnDig: bigint,
  stateDig: bigint,
  txCommitment: bigint,
): bigint {
  return poseidon([DOMAIN_GAMMA_TREE, r0, r1, columnDig, stateDig, txCommitment]);
}

export interface BlockIdentity {
  chainId: bigint;
  number: bigint;
  parent: bigint;
}

/** The block's transaction hashes in block order (under its chain id). */
export function blockRoot(
  c: ColumnSide,
  s: StateSide,
  depth: number,
  id: BlockIdentity,
  txHashes: readonly bigint[],
): Header {
  if (c.gamma !== s.gamma) checkFailed("gamma", "the column side and the state side used different γ");
  if (c.r0 !== s.rootBefore)
    checkFailed("r0", "the columns read another pre-state root than the state update starts from");
  if (s.keyLo !== 0n || s.keyHi !== (1n << BigInt(depth)) - 1n)
    checkFailed("key-ranges", "the state update does not cover every key");
  if (c.fp !== s.fp)
    checkFailed("fingerprint", "the columns' writes and the applied writes differ (fingerprints)");
  const txCommitment = txListCommitment(txHashes);
  if (c.gamma !== treeGamma(c.r0, s.rootAfter, c.dig, s.dig, txCommitment))
    checkFailed("gamma", "γ is not the Fiat–Shamir hash of the roots, digests and transaction list");
  if (c.tfp !== txListFingerprint(txHashes, c.gamma))
    checkFailed("transactions", "the columns' transactions are not the block's transaction list");
  return {
    version: BLOCK_PROOF_VERSION,
    chainId: id.chainId,
    number: id.number,
    parent: id.parent,
    r0: c.r0,
    r1: s.rootAfter,
    txCommitment,
    txCount: BigInt(txHashes.length),
  };
}
