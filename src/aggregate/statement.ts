/**
 * What each proof of the aggregation tree states, and the block rules a node checks when it joins
 * two children. The circuits of circuits/aggregator.circom mirror this module bit for bit; the tests
 * take their reference values from here (Poseidon by circomlibjs).
 *
 * Leaves (existing circuits, one public signal each):
 *   column x = Poseidon(r0, txDigest, writeDigest, fingerprint, γ)
 *   state  x = Poseidon(rootBefore, rootAfter, shard, keyLo, keyHi, writeDigest, fingerprint, γ)
 * Each leaf is read as a *side statement*: the column side (r0, γ, dig, fp) with
 * dig = Poseidon(txDigest, writeDigest), the state side (rootBefore, rootAfter, keyLo, keyHi, γ, dig,
 * fp) with dig = Poseidon(writeDigest, keyLo, keyHi) (shard must be 0: unsharded profiles).
 *
 * Nodes join two children of one side (left, right):
 *   column node: same r0, same γ; dig = Poseidon(dig_L, dig_R); fp = fp_L·fp_R;
 *                x = Poseidon(TAG_COLUMNS, r0, γ, dig, fp)
 *   state node:  same γ; rootAfter_L = rootBefore_R (roots chain); keyLo_R = keyHi_L + 1 (ranges
 *                tile, in order), and keyLo ≤ keyHi for a leaf child (keys are < 2^depth in the
 *                leaf; for a node child it holds by induction); dig = Poseidon(dig_L, dig_R);
 *                fp = fp_L·fp_R; x = Poseidon(TAG_STATE, rootBefore_L, rootAfter_R, keyLo_L,
 *                keyHi_R, γ, dig, fp)
 * The block root joins the column side C and the state side S:
 *   γ_C = γ_S = γ;  r0_C = rootBefore_S = R0;  keyLo_S = 0, keyHi_S = 2^depth − 1 (the state side
 *   covers every key once);  fp_C = fp_S (the columns' writes and the applied writes are one
 *   multiset);  γ = Poseidon(DOMAIN_GAMMA_TREE, R0, R1, dig_C, dig_S) (Fiat–Shamir: γ is fixed by
 *   the roots and every digest, in tree order);
 *   header x = Poseidon(TAG_HEADER, version, number, parent, R0, R1, dig_C), R1 = rootAfter_S.
 * Children in another order give other digests, hence another γ, and fail at the root (state
 * children fail at once: their roots and ranges do not chain).
 */
import { FIELD_P } from "../crypto/field.ts";
import { type ColumnPublics, columnPublicHash, type StatePublics, statePublicHash } from "../crypto/hash.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { checkFailed } from "../errors.ts";

export const TAG_COLUMNS = 0x636f6c73n; // "cols"
export const TAG_STATE = 0x7374617465n; // "state"
export const TAG_HEADER = 0x626c6f636bn; // "block"
export const DOMAIN_GAMMA_TREE = 0x67616d6d6174n; // "gammat"
export const BLOCK_PROOF_VERSION = 1n;

export interface ColumnSide {
  r0: bigint;
  gamma: bigint;
  dig: bigint;
  fp: bigint;
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
  number: bigint;
  parent: bigint;
  r0: bigint;
  r1: bigint;
  txDigest: bigint;
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
  return { r0: p.r0, gamma: p.gamma, dig: columnLeafDigest(p.txDigest, p.writeDigest), fp: p.fingerprint };
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
  return poseidon([TAG_COLUMNS, s.r0, s.gamma, s.dig, s.fp]);
}

export function stateNodeHash(s: StateSide): bigint {
  return poseidon([TAG_STATE, s.rootBefore, s.rootAfter, s.keyLo, s.keyHi, s.gamma, s.dig, s.fp]);
}

export function headerHash(h: Header): bigint {
  return poseidon([TAG_HEADER, h.version, h.number, h.parent, h.r0, h.r1, h.txDigest]);
}

export function joinColumns(l: ColumnSide, r: ColumnSide): ColumnSide {
  if (l.r0 !== r.r0) checkFailed("r0", "the children read different pre-state roots");
  if (l.gamma !== r.gamma) checkFailed("gamma", "the children used different γ");
  return { r0: l.r0, gamma: l.gamma, dig: poseidon([l.dig, r.dig]), fp: (l.fp * r.fp) % FIELD_P };
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

export function treeGamma(r0: bigint, r1: bigint, columnDig: bigint, stateDig: bigint): bigint {
  return poseidon([DOMAIN_GAMMA_TREE, r0, r1, columnDig, stateDig]);
}

export interface BlockIdentity {
  number: bigint;
  parent: bigint;
}

export function blockRoot(c: ColumnSide, s: StateSide, depth: number, id: BlockIdentity): Header {
  if (c.gamma !== s.gamma) checkFailed("gamma", "the column side and the state side used different γ");
  if (c.r0 !== s.rootBefore)
    checkFailed("r0", "the columns read another pre-state root than the state update starts from");
  if (s.keyLo !== 0n || s.keyHi !== (1n << BigInt(depth)) - 1n)
    checkFailed("key-ranges", "the state update does not cover every key");
  if (c.fp !== s.fp)
    checkFailed("fingerprint", "the columns' writes and the applied writes differ (fingerprints)");
  if (c.gamma !== treeGamma(c.r0, s.rootAfter, c.dig, s.dig))
    checkFailed("gamma", "γ is not the Fiat–Shamir hash of the roots and digests");
  return {
    version: BLOCK_PROOF_VERSION,
    number: id.number,
    parent: id.parent,
    r0: c.r0,
    r1: s.rootAfter,
    txDigest: c.dig,
  };
}
