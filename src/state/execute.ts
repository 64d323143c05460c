/**
 * Native execution: the state transition function the circuits prove.
 *
 * A transaction (from, to, amount, nonce, sig) is valid against a state when: the sender exists and
 * has a public key; the signature is a valid EdDSA-Poseidon signature by that key over txHash; the
 * nonce equals the sender's nonce (and nonce + 1 fits u64); amount ≤ sender balance; and the
 * receiver's new balance fits u64. Applying it debits the sender, increments its nonce, credits
 * the receiver, and creates the receiver (no public key, nonce 0) if absent. A self-transfer is
 * valid and changes only the nonce. A block is valid when all its transactions are, in order, and
 * no transaction appears twice.
 */

import type { Block, Transaction } from "../block/schema.ts";
import { type PubKey, verify } from "../crypto/eddsa.ts";
import { U64_MAX } from "../crypto/field.ts";
import { leafHash, txHash, type WriteEntry } from "../crypto/hash.ts";
import { desError } from "../errors.ts";
import { SparseMerkleTree } from "./smt.ts";

export interface AccountState {
  pubKey?: PubKey | undefined;
  balance: bigint;
  nonce: bigint;
}

/** Keys a transaction reads and writes. A transfer reads and writes both endpoints. */
export interface AccessSet {
  reads: number[];
  writes: number[];
}

export function accessSet(tx: Pick<Transaction, "from" | "to">): AccessSet {
  const keys = tx.from === tx.to ? [tx.from] : [tx.from, tx.to];
  return { reads: keys, writes: keys };
}

/** Account table plus the sparse Merkle tree of its leaves. */
export class State {
  readonly depth: number;
  readonly accounts = new Map<number, AccountState>();
  readonly tree: SparseMerkleTree;

  constructor(depth: number) {
    this.depth = depth;
    this.tree = new SparseMerkleTree(depth);
  }

  static fromBlock(block: Block): State {
    const s = new State(block.depth);
    for (const a of block.accounts) s.put(a.key, { pubKey: a.pubKey, balance: a.balance, nonce: a.nonce });
    return s;
  }

  get(key: number): AccountState | undefined {
    return this.accounts.get(key);
  }

  leaf(key: number): bigint {
    return this.tree.get(key);
  }

  put(key: number, a: AccountState): void {
    this.accounts.set(key, a);
    this.tree.set(key, leafHash(a));
  }

  root(): bigint {
    return this.tree.root();
  }

  clone(): State {
    const s = Object.create(State.prototype) as State;
    Object.assign(s, {
      depth: this.depth,
      accounts: new Map([...this.accounts].map(([k, a]) => [k, { ...a }])),
      tree: this.tree.clone(),
    });
    return s;
  }
}

export interface ExecOptions {
  /**
   * Signatures already checked (e.g. in parallel, see parallel.ts): the indices whose signature
   * failed. When given, no signature is verified here.
   */
  badSignatures?: ReadonlySet<number>;
}

function reject(
  code: Parameters<typeof desError>[0],
  index: number,
  reason: string,
  extra: Record<string, unknown> = {},
) {
  return desError(code, `transaction ${index} rejected: ${reason}`, { index, reason, ...extra });
}

/** Checks and applies one transaction; throws a DesError naming the index on rejection. */
export function applyTx(
  state: State,
  tx: Transaction,
  index: number,
  chainId: bigint,
  opts: ExecOptions = {},
  hash: bigint = txHash(tx, chainId),
): bigint {
  const sender = state.get(tx.from);
  if (!sender?.pubKey) {
    const why = sender ? `sender ${tx.from} has no public key` : `sender ${tx.from} does not exist`;
    throw reject("UNKNOWN_SENDER", index, why);
  }
  if (!tx.sig) throw reject("UNSIGNED_BLOCK", index, "transaction has no signature");
  const sigOk = opts.badSignatures ? !opts.badSignatures.has(index) : verify(hash, tx.sig, sender.pubKey);
  if (!sigOk) {
    throw reject(
      "BAD_SIGNATURE",
      index,
      `signature does not verify under the public key of sender ${tx.from}`,
    );
  }
  if (tx.nonce !== sender.nonce) {
    throw reject("BAD_NONCE", index, `nonce ${tx.nonce}, sender ${tx.from} expects ${sender.nonce}`);
  }
  if (sender.nonce === U64_MAX) throw reject("NONCE_OVERFLOW", index, `sender ${tx.from} nonce is u64 max`);
  if (tx.amount > sender.balance) {
    throw reject(
      "OVERDRAFT",
      index,
      `amount ${tx.amount} exceeds balance ${sender.balance} of sender ${tx.from}`,
    );
  }
  if (tx.from === tx.to) {
    state.put(tx.from, { ...sender, nonce: sender.nonce + 1n });
    return hash;
  }
  const receiver = state.get(tx.to) ?? { balance: 0n, nonce: 0n };
  if (receiver.balance + tx.amount > U64_MAX) {
    throw reject(
      "BALANCE_OVERFLOW",
      index,
      `receiver ${tx.to} balance ${receiver.balance} + ${tx.amount} exceeds u64`,
    );
  }
  state.put(tx.from, { ...sender, balance: sender.balance - tx.amount, nonce: sender.nonce + 1n });
  state.put(tx.to, { ...receiver, balance: receiver.balance + tx.amount });
  return hash;
}

export interface TxResult {
  index: number;
  hash: bigint;
  access: AccessSet;
}

export interface WriteSetEntry extends WriteEntry {
  /** Account before the block (undefined: absent, leaf 0). */
  pre: AccountState | undefined;
  post: AccountState;
}

export interface ExecutionResult {
  preRoot: bigint;
  postRoot: bigint;
  txs: TxResult[];
  /** One entry per key written, sorted by key: the block-level access list. */
  writeSet: WriteSetEntry[];
  /** State after the block. */
  post: State;
}

export function requireSigned(block: Block): void {
  if (block.unsigned) {
    throw desError(
      "UNSIGNED_BLOCK",
      "block is unsigned (made with --unsigned): it can be analysed, not executed or proven",
    );
  }
}

/** Executes a whole block sequentially against its pre-state. */
export function executeBlock(block: Block, opts: ExecOptions = {}): ExecutionResult {
  requireSigned(block);
  const pre = State.fromBlock(block);
  const preRoot = pre.root();
  const post = pre.clone();
  const txs: TxResult[] = [];
  const seen = new Map<bigint, number>();
  const touched = new Set<number>();
  block.txs.forEach((tx, index) => {
    const h = txHash(tx, BigInt(block.chainId));
    const first = seen.get(h);
    if (first !== undefined) {
      throw reject("DUPLICATE_TX", index, `same transaction as index ${first}`, { duplicateOf: first });
    }
    seen.set(h, index);
    applyTx(post, tx, index, BigInt(block.chainId), opts, h);
    const access = accessSet(tx);
    for (const k of access.writes) touched.add(k);
    txs.push({ index, hash: h, access });
  });
  const writeSet = [...touched]
    .sort((a, b) => a - b)
    .map((key) => ({
      key,
      before: pre.leaf(key),
      after: post.leaf(key),
      pre: pre.get(key),
      post: post.get(key)!,
    }));
  return { preRoot, postRoot: post.root(), txs, writeSet, post };
}

/** Executes a subset of a block's transactions (a column), in block order, against a state. */
export function executeTxs(
  state: State,
  block: Block,
  indices: readonly number[],
  opts: ExecOptions = {},
): void {
  for (const i of indices) applyTx(state, block.txs[i]!, i, BigInt(block.chainId), opts);
}
