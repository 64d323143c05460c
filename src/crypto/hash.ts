/**
 * The protocol's hash definitions: every digest the native code, the witness builders and the
 * circuits must agree on bit for bit is defined here and nowhere else.
 *
 *   txHash        = Poseidon(DOMAIN_TX, chainId, from, to, amount, nonce) (the message the sender signs)
 *   leafHash      = Poseidon(Ax, Ay, balance, nonce);  empty leaf = 0
 *   nodeHash      = Poseidon(left, right)
 *   writeHash     = Poseidon(key, leafBefore, leafAfter)
 *   txDigest      : d₀ = 0,  d ← Poseidon(d, index, txHash)            over a column's txs in block order
 *   writeDigest   : w₀ = 0,  w ← Poseidon(w, key, leafBefore, leafAfter) over writes in key order
 *   fingerprint   = ∏ (γ − writeHash)  mod r                            (multiset hash of a write set)
 *   δ             = Poseidon(DOMAIN_DELTA, γ)                           (the second challenge)
 *   txFingerprint = ∏ (γ − txHash − δ·index)  mod r                     (multiset hash of (index, txHash))
 *   txListCommitment: c₀ = Poseidon(DOMAIN_TXLIST, n), c ← Poseidon(c, 15 hashes, zero-padded);
 *                   the block's ordered transaction list with its length (circuits/lib/txlist.circom)
 */
import { FIELD_P, mod } from "./field.ts";
import { poseidon } from "./poseidon.ts";

export const DOMAIN_TX = 0x7478n; // "tx"
export const DOMAIN_DELTA = 0x64656c7461n; // "delta"
export const DOMAIN_TXLIST = 0x74786c697374n; // "txlist"
/** Transaction hashes absorbed per Poseidon call of the list commitment. */
export const TXLIST_RATE = 15;

export interface TxFields {
  from: number;
  to: number;
  amount: bigint;
  nonce: bigint;
}

export interface AccountFields {
  pubKey?: readonly [bigint, bigint] | undefined;
  balance: bigint;
  nonce: bigint;
}

/** The message a sender signs: the transaction under one chain id (no replay across chains). */
export function txHash(tx: TxFields, chainId: bigint): bigint {
  return poseidon([DOMAIN_TX, chainId, BigInt(tx.from), BigInt(tx.to), tx.amount, tx.nonce]);
}

export const EMPTY_LEAF = 0n;

/** Leaf of an existing account. An account without a public key (created by a transfer) uses (0, 0). */
export function leafHash(a: AccountFields): bigint {
  const [x, y] = a.pubKey ?? [0n, 0n];
  return poseidon([x, y, a.balance, a.nonce]);
}

export function nodeHash(left: bigint, right: bigint): bigint {
  return poseidon([left, right]);
}

export interface WriteEntry {
  key: number;
  before: bigint;
  after: bigint;
}

export function writeHash(w: WriteEntry): bigint {
  return poseidon([BigInt(w.key), w.before, w.after]);
}

export function txDigestStep(acc: bigint, index: number, hash: bigint): bigint {
  return poseidon([acc, BigInt(index), hash]);
}

export function txDigest(entries: readonly { index: number; hash: bigint }[]): bigint {
  let d = 0n;
  for (const e of entries) d = txDigestStep(d, e.index, e.hash);
  return d;
}

export function writeDigest(writes: readonly WriteEntry[]): bigint {
  let d = 0n;
  for (const w of writes) d = poseidon([d, BigInt(w.key), w.before, w.after]);
  return d;
}

export function fingerprint(writes: readonly WriteEntry[], gamma: bigint): bigint {
  let f = 1n;
  for (const w of writes) f = (f * mod(gamma - writeHash(w))) % FIELD_P;
  return f;
}

export const txDelta = (gamma: bigint): bigint => poseidon([DOMAIN_DELTA, gamma]);

/** ∏ (γ − hash − δ·index) over (index, hash) pairs: a column's, or the block's list (index = position). */
export function txFingerprint(entries: readonly { index: number; hash: bigint }[], gamma: bigint): bigint {
  const delta = txDelta(gamma);
  let f = 1n;
  for (const e of entries) f = (f * mod(gamma - e.hash - delta * BigInt(e.index))) % FIELD_P;
  return f;
}

/** The block's transaction list commitment (its length, then its hashes in order): anyone can compute it. */
export function txListCommitment(hashes: readonly bigint[]): bigint {
  let c = poseidon([DOMAIN_TXLIST, BigInt(hashes.length)]);
  for (let i = 0; i < hashes.length; i += TXLIST_RATE) {
    const chunk = hashes.slice(i, i + TXLIST_RATE);
    while (chunk.length < TXLIST_RATE) chunk.push(0n);
    c = poseidon([c, ...chunk]);
  }
  return c;
}

/** The block's list as (index, hash) pairs, its multiset hash under γ. */
export const txListFingerprint = (hashes: readonly bigint[], gamma: bigint): bigint =>
  txFingerprint(
    hashes.map((hash, index) => ({ index, hash })),
    gamma,
  );

/**
 * The column proof's only public signal: Poseidon(r0, txDigest, writeDigest, fingerprint,
 * txFingerprint, γ).
 */
export interface ColumnPublics {
  r0: bigint;
  txDigest: bigint;
  writeDigest: bigint;
  fingerprint: bigint;
  txFingerprint: bigint;
  gamma: bigint;
}

export function columnPublicHash(p: ColumnPublics): bigint {
  return poseidon([p.r0, p.txDigest, p.writeDigest, p.fingerprint, p.txFingerprint, p.gamma]);
}

/**
 * The state-update proof's only public signal: Poseidon(rootBefore, rootAfter, shard, keyLo, keyHi,
 * writeDigest, fingerprint, γ). With shards, the roots are the shard's subtree roots; every key the
 * proof writes lies in [keyLo, keyHi], so consecutive proofs over disjoint increasing key ranges
 * chain roots R0 → … → R1 with no key written twice.
 */
export interface StatePublics {
  rootBefore: bigint;
  rootAfter: bigint;
  shard: number;
  keyLo: number;
  keyHi: number;
  writeDigest: bigint;
  fingerprint: bigint;
  gamma: bigint;
}

export function statePublicHash(p: StatePublics): bigint {
  return poseidon([
    p.rootBefore,
    p.rootAfter,
    BigInt(p.shard),
    BigInt(p.keyLo),
    BigInt(p.keyHi),
    p.writeDigest,
    p.fingerprint,
    p.gamma,
  ]);
}
