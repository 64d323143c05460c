/**
 * Deterministic sample blocks with real keys and signatures.
 *
 * Conflict shapes (`profile`):
 * - independent: every transaction touches two keys no other transaction touches.
 * - hotspot: a few hot receivers (think exchange deposit addresses) take half the transfers.
 * - chain: transaction i sends from account i to account i+1: one conflict class for the block.
 * - mainnet-like: 60–80% of transactions independent, the rest in star-shaped clusters around hubs
 *   whose sizes follow a Zipf law, so the largest cluster holds a sizeable minority of the block.
 *   This follows published measurements of Ethereum blocks: about 65% of transactions have no
 *   conflict (Sei Labs, "64.85% of Ethereum transactions can be parallelized", 2024) and the longest
 *   conflict chain covers about 18% of a block on average (Anjana & Ravi, "Empirical Analysis of
 *   Transaction Conflicts in Ethereum and Solana for Parallel Execution", arXiv:2505.05358, 2025).
 *
 * Some receivers are fresh keys (absent from the pre-state) so account creation is exercised.
 */

import { type KeyPair, keyFromSeed, sign } from "../crypto/eddsa.ts";
import { FIELD_P } from "../crypto/field.ts";
import { txHash } from "../crypto/hash.ts";
import { desError } from "../errors.ts";
import { executeBlock } from "../state/execute.ts";
import { Rng } from "../util/rng.ts";
import { BLOCK_FORMAT_VERSION, type Block } from "./schema.ts";

export const SAMPLE_PROFILES = ["independent", "hotspot", "chain", "mainnet-like"] as const;
export type SampleProfile = (typeof SAMPLE_PROFILES)[number];

export interface SampleOptions {
  profile: SampleProfile;
  txs: number;
  seed: string;
  depth: number;
  /** The chain id every signature is bound to (default 1). */
  chainId?: number;
  /** Analysis-only: no public keys, no signatures (fast, for partition benchmarks). */
  unsigned?: boolean;
}

/** Transfer endpoints as account slots (not yet keys): slot indices into the account list. */
interface Shape {
  /** Number of account slots; slots ≥ existing are absent from the pre-state. */
  slots: number;
  existing: number;
  edges: [number, number][];
}

function shape(profile: SampleProfile, n: number, rng: Rng): Shape {
  const edges: [number, number][] = [];
  switch (profile) {
    case "independent": {
      // sender 2i → receiver 2i+1; a fifth of receivers are new accounts (slots after the existing ones)
      const fresh: number[] = [];
      for (let i = 0; i < n; i++) edges.push([i, -1]);
      let existing = n;
      for (let i = 0; i < n; i++) {
        if (rng.float() < 0.2) fresh.push(i);
        else edges[i]![1] = existing++;
      }
      let slots = existing;
      for (const i of fresh) edges[i]![1] = slots++;
      return { slots, existing, edges };
    }
    case "hotspot": {
      const hot = Math.max(1, Math.min(3, Math.floor(n / 8)));
      let slots = hot;
      for (let i = 0; i < n; i++) {
        const from = slots++;
        const to = rng.float() < 0.5 ? rng.int(hot) : slots++;
        edges.push([from, to]);
      }
      return { slots, existing: slots, edges };
    }
    case "chain": {
      for (let i = 0; i < n; i++) edges.push([i, i + 1]);
      return { slots: n + 1, existing: n, edges };
    }
    case "mainnet-like": {
      const independentShare = 0.6 + 0.2 * rng.float();
      const hubs = Math.max(1, Math.round(n / 16));
      // Zipf(1.1) weights over hubs
      const w = Array.from({ length: hubs }, (_, h) => 1 / (h + 1) ** 1.1);
      const total = w.reduce((a, b) => a + b, 0);
      const pickHub = () => {
        let r = rng.float() * total;
        for (let h = 0; h < hubs; h++) {
          r -= w[h]!;
          if (r < 0) return h;
        }
        return hubs - 1;
      };
      let slots = hubs;
      for (let i = 0; i < n; i++) {
        if (rng.float() < independentShare) {
          edges.push([slots, slots + 1]);
          slots += 2;
        } else {
          // star: a user interacts with a hub (both directions occur: swaps, withdrawals)
          const hub = pickHub();
          const user = slots++;
          edges.push(rng.float() < 0.7 ? [user, hub] : [hub, user]);
        }
      }
      return { slots, existing: slots, edges };
    }
  }
}

/** Distinct random keys in [0, 2^depth). */
function drawKeys(count: number, depth: number, rng: Rng): number[] {
  const space = 2 ** depth;
  if (count > space) {
    throw desError("USAGE", `block needs ${count} accounts but a tree of depth ${depth} holds ${space}`);
  }
  const keys = new Set<number>();
  if (count > space / 2) {
    // dense: shuffle a prefix of all keys
    const all = Array.from({ length: space }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + rng.int(space - i);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    return all.slice(0, count);
  }
  while (keys.size < count) keys.add(rng.int(space));
  return [...keys];
}

export function generateBlock(opts: SampleOptions): Block {
  if (!Number.isInteger(opts.txs) || opts.txs < 1)
    throw desError("USAGE", "--txs must be a positive integer");
  const chainId = opts.chainId ?? 1;
  const rng = new Rng(`${opts.profile}:${opts.txs}:${opts.depth}:${opts.seed}`);
  const s = shape(opts.profile, opts.txs, rng);
  const keys = drawKeys(s.slots, opts.depth, rng);

  // How many transfers each slot sends, to give senders enough balance.
  const sends = new Array<number>(s.slots).fill(0);
  for (const [f] of s.edges) sends[f]!++;

  const pairs = new Map<number, KeyPair>();
  const pair = (slot: number) => {
    let kp = pairs.get(slot);
    if (!kp) {
      kp = keyFromSeed(`${opts.seed}:${keys[slot]}`);
      pairs.set(slot, kp);
    }
    return kp;
  };

  const balance: bigint[] = [];
  const nonce: bigint[] = [];
  const accounts: Block["accounts"] = [];
  for (let slot = 0; slot < s.existing; slot++) {
    balance[slot] = rng.bigint(1_000_000n, 1_000_000_000n) * BigInt(Math.max(1, sends[slot]!));
    nonce[slot] = BigInt(rng.int(1000));
    accounts.push({
      key: keys[slot]!,
      ...(opts.unsigned ? {} : { pubKey: pair(slot).pub }),
      balance: balance[slot]!,
      nonce: nonce[slot]!,
    });
  }
  for (let slot = s.existing; slot < s.slots; slot++) {
    balance[slot] = 0n;
    nonce[slot] = 0n;
  }
  accounts.sort((a, b) => a.key - b.key);

  const txs: Block["txs"] = s.edges.map(([f, t]) => {
    // spend at most a fraction of what the sender holds now, so every transfer is valid
    const amount = rng.bigint(1n, balance[f]! / BigInt(Math.max(1, sends[f]!)) / 2n + 1n);
    const tx = { from: keys[f]!, to: keys[t]!, amount, nonce: nonce[f]! };
    balance[f] = balance[f]! - amount;
    if (f !== t) balance[t] = balance[t]! + amount;
    nonce[f] = nonce[f]! + 1n;
    sends[f]!--;
    return opts.unsigned ? tx : { ...tx, sig: sign(pair(f).prv, txHash(tx, BigInt(chainId))) };
  });

  return {
    version: BLOCK_FORMAT_VERSION,
    chainId,
    number: 1,
    parent: BigInt(`0x${Buffer.from(opts.seed).toString("hex") || "0"}`) % FIELD_P,
    depth: opts.depth,
    ...(opts.unsigned ? { unsigned: true } : {}),
    accounts,
    txs,
  };
}

/**
 * The block after `prev` (a sample block made with the same seed, whose key pairs it re-derives):
 * its pre-state is `prev`'s post-state (natively executed), its number prev.number + 1, its parent
 * `parentHash` (the header hash of prev's block proof, so the proofs chain), and `txs` signed
 * transfers between distinct accounts, each sender holding a key and a balance.
 */
export function nextBlock(prev: Block, parentHash: bigint, opts: { txs: number; seed: string }): Block {
  const post = executeBlock(prev).post;
  const rng = new Rng(`next:${prev.number}:${parentHash}:${opts.seed}`);
  const accounts: Block["accounts"] = [...post.accounts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, a]) => ({
      key,
      ...(a.pubKey ? { pubKey: a.pubKey } : {}),
      balance: a.balance,
      nonce: a.nonce,
    }));
  const senders = accounts.filter((a) => a.pubKey && a.balance > 1n);
  const n = Math.min(opts.txs, Math.floor(accounts.length / 2), senders.length);
  if (n < 1) throw desError("USAGE", "the previous block's post-state has no account that can send");
  const sending = senders.slice(0, n);
  const senderKeys = new Set(sending.map((s) => s.key));
  const used = new Set<number>();
  const txs: Block["txs"] = [];
  for (const s of sending) {
    used.add(s.key);
    const to = accounts.find((a) => !used.has(a.key) && !senderKeys.has(a.key));
    const receiver = to ?? accounts.find((a) => !used.has(a.key))!;
    used.add(receiver.key);
    const tx = { from: s.key, to: receiver.key, amount: rng.bigint(1n, s.balance / 2n + 1n), nonce: s.nonce };
    txs.push({
      ...tx,
      sig: sign(keyFromSeed(`${opts.seed}:${s.key}`).prv, txHash(tx, BigInt(prev.chainId))),
    });
  }
  return {
    version: BLOCK_FORMAT_VERSION,
    chainId: prev.chainId,
    number: prev.number + 1,
    parent: parentHash,
    depth: prev.depth,
    accounts,
    txs,
  };
}
