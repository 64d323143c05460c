/**
 * The protocol's hash definitions: every digest the native code, the witness builders and the
 * circuits must agree on bit for bit is defined here and nowhere else.
 *
 *   txHash        = Poseidon(DOMAIN_TX, from, to, amount, nonce)       (the message the sender signs)
 *   leafHash      = Poseidon(Ax, Ay, balance, nonce);  empty leaf = 0
 *   nodeHash      = Poseidon(left, right)
 *   writeHash     = Poseidon(key, leafBefore, leafAfter)
 *   txDigest      : d₀ = 0,  d ← Poseidon(d, index, txHash)            over a column's txs in block order
 *   writeDigest   : w₀ = 0,  w ← Poseidon(w, key, leafBefore, leafAfter) over writes in key order
 *   fingerprint   = ∏ (γ − writeHash)  mod r                            (multiset hash of a write set)
 */
import { FIELD_P, mod } from "./field.ts";
import { poseidon } from "./poseidon.ts";

export const DOMAIN_TX = 0x7478n; // "tx"

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

export function txHash(tx: TxFields): bigint {
  return poseidon([DOMAIN_TX, BigInt(tx.from), BigInt(tx.to), tx.amount, tx.nonce]);
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

/** The column proof's only public signal: Poseidon(r0, txDigest, writeDigest, fingerprint, γ). */
export interface ColumnPublics {
  r0: bigint;
  txDigest: bigint;
  writeDigest: bigint;
  fingerprint: bigint;
  gamma: bigint;
}

export function columnPublicHash(p: ColumnPublics): bigint {
  return poseidon([p.r0, p.txDigest, p.writeDigest, p.fingerprint, p.gamma]);
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
