/**
 * Block execution with signatures verified in parallel. A sender's public key is fixed for the
 * whole block (created accounts have none and cannot send), so every signature can be checked
 * against the pre-state up front, in worker threads; the sequential pass then applies the
 * precomputed verdicts in order, so errors are reported exactly as by executeBlock.
 */
import { cpus } from "node:os";
import type { Block } from "../block/schema.ts";
import type { PubKey, Signature } from "../crypto/eddsa.ts";
import { createPool } from "../pool/pool.ts";
import { type ExecutionResult, executeBlock, requireSigned } from "./execute.ts";

export interface SignatureJob {
  index: number;
  from: number;
  to: number;
  amount: bigint;
  nonce: bigint;
  chainId: bigint;
  sig: Signature;
  pub: PubKey;
}

/** Indices of transactions whose signature fails under the sender's pre-state key. */
export async function badSignatures(block: Block, threads: number): Promise<Set<number>> {
  requireSigned(block);
  const keys = new Map(block.accounts.map((a) => [a.key, a.pubKey]));
  const jobs: SignatureJob[] = [];
  block.txs.forEach((t, index) => {
    const pub = keys.get(t.from);
    // a sender without a pre-state key is rejected as UNKNOWN_SENDER before its signature matters
    if (pub && t.sig)
      jobs.push({
        index,
        from: t.from,
        to: t.to,
        amount: t.amount,
        nonce: t.nonce,
        chainId: BigInt(block.chainId),
        sig: t.sig,
        pub,
      });
  });
  const pool = createPool({ task: "verify-signatures.ts", threads });
  try {
    const size = Math.ceil(jobs.length / (threads * 4));
    const batches: Promise<number[]>[] = [];
    for (let i = 0; i < jobs.length; i += size) batches.push(pool.run(jobs.slice(i, i + size)));
    return new Set((await Promise.all(batches)).flat());
  } finally {
    await pool.destroy();
  }
}

/** executeBlock with signature checks spread over `threads` workers (default: all cores). */
export async function executeBlockParallel(block: Block, threads = cpus().length): Promise<ExecutionResult> {
  if (threads <= 1 || block.txs.length < 64) return executeBlock(block);
  const bad = await badSignatures(block, threads);
  return executeBlock(block, { badSignatures: bad });
}
