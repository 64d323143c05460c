/**
 * Parallelism-aware gas ("multi-threaded gas", from the design's discussion): a transaction pays a
 * premium that grows with how contended the state it touches is, known from the block's senders
 * and receivers before anything is executed.
 *
 * For a block of n transactions packed into K execution columns, a transaction in a conflict class
 * of s transactions (those that share state with it, transitively: src/columns/partition.ts) pays
 *
 *   multiplier = 1 + α · log2(s) + β · max(0, s − n/K) / (n/K)
 *
 * - the contention term α · log2(s) grows with the class, slowly: every transaction of a class of
 *   1,024 pays 1 + 10α. It charges accumulation on shared state (a DAO-style contract every
 *   transaction mutates) even when the block is small;
 * - the latency term only charges classes larger than a balanced column (n/K transactions): such a
 *   class must run in one column and stretches the block's critical path (its proving latency is
 *   set by the largest column) by (s − n/K) / (n/K) balanced columns' worth.
 *
 * An independent transaction (s = 1) in a block whose classes all fit a balanced column pays
 * exactly 1. Defaults α = 0.1, β = 1; fee = base fee × multiplier. The premium is the block
 * builder's to publish with its inclusion list; this module only computes it.
 */
import { conflictClasses, type TxEndpoints } from "../columns/partition.ts";

export interface GasParams {
  alpha: number;
  beta: number;
  /** Columns the block is packed into (K). */
  columns: number;
}

export const DEFAULT_GAS: Omit<GasParams, "columns"> = { alpha: 0.1, beta: 1 };

export interface TxPremium {
  index: number;
  classSize: number;
  contention: number;
  latency: number;
  multiplier: number;
}

export interface BlockPremium {
  params: GasParams;
  transactions: number;
  classes: number;
  largestClass: number;
  /** n / K: the load of a balanced column. */
  balancedLoad: number;
  txs: TxPremium[];
  /** Σ multipliers (the block's fees in base-fee units), their mean and maximum. */
  total: number;
  mean: number;
  max: number;
}

export function blockPremium(txs: readonly TxEndpoints[], params: GasParams): BlockPremium {
  if (!(params.columns >= 1)) throw new RangeError(`columns must be ≥ 1, got ${params.columns}`);
  if (!(params.alpha >= 0 && params.beta >= 0)) throw new RangeError("alpha and beta must be ≥ 0");
  const classes = conflictClasses(txs);
  const sizeOf = new Int32Array(txs.length);
  for (const c of classes) for (const t of c.txs) sizeOf[t] = c.txs.length;
  const n = txs.length;
  const balancedLoad = n / Math.min(params.columns, Math.max(1, n));
  const out: TxPremium[] = [];
  for (let i = 0; i < n; i++) {
    const s = sizeOf[i]!;
    const contention = params.alpha * Math.log2(s);
    const latency = (params.beta * Math.max(0, s - balancedLoad)) / balancedLoad;
    out.push({ index: i, classSize: s, contention, latency, multiplier: 1 + contention + latency });
  }
  const total = out.reduce((a, t) => a + t.multiplier, 0);
  return {
    params,
    transactions: n,
    classes: classes.length,
    largestClass: Math.max(0, ...classes.map((c) => c.txs.length)),
    balancedLoad,
    txs: out,
    total,
    mean: n ? total / n : 0,
    max: Math.max(0, ...out.map((t) => t.multiplier)),
  };
}
