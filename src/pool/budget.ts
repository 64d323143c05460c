/**
 * A memory- and core-aware scheduler for heavy tasks (the aggregator's witnesses and proofs).
 *
 * Each task declares its measured peak memory (MiB) and the cores it keeps busy; the scheduler
 * starts a task only when both fit in what is left of the budget, so the sum of declared peaks of
 * running tasks never exceeds the memory budget (no OOM when the declarations are right). Tasks
 * start in submission order (FIFO, no overtaking: a big task is not starved by small ones behind
 * it), except that a task of higher priority goes ahead of queued tasks of lower priority. A task
 * whose declaration exceeds the whole budget is refused at once.
 *
 * `overcommitCores` admits that many core units beyond the machine's cores: with 1 on two cores, a
 * one-core task (a circom compile, a witness) runs beside a two-core one (a setup, a proof) instead
 * of waiting for it, each slowed by about a third while both run, but two two-core tasks never run
 * together. Memory is never overcommitted. The aggregation uses it so that a first run's critical
 * path (each level's verifier compile) is not held in line behind the lower levels' proofs.
 */
import { totalmem } from "node:os";

export interface BudgetOptions {
  /** Memory budget in MiB (default: 85% of this machine's RAM). */
  memoryMiB?: number;
  /** Cores (default 2). */
  cores?: number;
  /** Core units admitted beyond `cores` (default 0); memory is never overcommitted. */
  overcommitCores?: number;
}

export interface TaskClaim {
  name: string;
  /** Measured peak resident memory of the task, MiB. */
  peakMiB: number;
  /** Cores the task keeps busy (default 1). */
  cores?: number;
  /**
   * Higher starts first (default 0): a queued task is started before every queued task of lower
   * priority; within one priority, submission order with no overtaking.
   */
  priority?: number;
}

export interface BudgetStats {
  /** Highest sum of declared peaks of tasks running at once. */
  maxMemoryMiB: number;
  maxCores: number;
  started: number;
}

export class Budget {
  readonly memoryMiB: number;
  readonly cores: number;
  readonly overcommitCores: number;
  private usedMiB = 0;
  private usedCores = 0;
  private readonly queue: { claim: TaskClaim; start: () => void }[] = [];
  readonly stats: BudgetStats = { maxMemoryMiB: 0, maxCores: 0, started: 0 };

  constructor(opts: BudgetOptions = {}) {
    this.memoryMiB = opts.memoryMiB ?? Math.floor((totalmem() / 2 ** 20) * 0.85);
    this.cores = opts.cores ?? 2;
    this.overcommitCores = opts.overcommitCores ?? 0;
    if (!(this.memoryMiB > 0)) throw new RangeError(`memoryMiB must be positive, got ${opts.memoryMiB}`);
    if (!Number.isInteger(this.cores) || this.cores < 1)
      throw new RangeError(`cores must be a positive integer, got ${opts.cores}`);
    if (!Number.isInteger(this.overcommitCores) || this.overcommitCores < 0)
      throw new RangeError(`overcommitCores must be a non-negative integer, got ${opts.overcommitCores}`);
  }

  /** Runs `fn` once the claim fits; releases the claim when it settles. */
  async run<T>(claim: TaskClaim, fn: () => Promise<T>): Promise<T> {
    const cores = Math.min(claim.cores ?? 1, this.cores);
    if (claim.peakMiB > this.memoryMiB)
      throw new RangeError(
        `task ${claim.name} declares ${claim.peakMiB} MiB, more than the whole budget of ${this.memoryMiB} MiB`,
      );
    await new Promise<void>((start) => {
      const p = claim.priority ?? 0;
      // after every queued task of the same or higher priority (a stable insertion)
      let at = this.queue.length;
      while (at > 0 && (this.queue[at - 1]!.claim.priority ?? 0) < p) at--;
      this.queue.splice(at, 0, { claim: { ...claim, cores }, start });
      this.pump();
    });
    try {
      return await fn();
    } finally {
      this.usedMiB -= claim.peakMiB;
      this.usedCores -= cores;
      this.pump();
    }
  }

  private pump(): void {
    while (this.queue.length) {
      const { claim, start } = this.queue[0]!;
      const cores = claim.cores ?? 1;
      if (
        this.usedMiB + claim.peakMiB > this.memoryMiB ||
        this.usedCores + cores > this.cores + this.overcommitCores
      )
        return;
      this.queue.shift();
      this.usedMiB += claim.peakMiB;
      this.usedCores += cores;
      this.stats.maxMemoryMiB = Math.max(this.stats.maxMemoryMiB, this.usedMiB);
      this.stats.maxCores = Math.max(this.stats.maxCores, this.usedCores);
      this.stats.started++;
      start();
    }
  }
}
