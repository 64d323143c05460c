/**
 * Execution columns: a static analysis of a block's access sets (no execution, no signatures).
 *
 * 1. Conflict classes: transactions that touch a common key are in one class (union-find over the
 *    keys of each access set; transitively closed). Classes are the finest partition whose parts
 *    have disjoint side effects.
 * 2. Packing: classes go into at most K columns of bounded capacity (transactions and distinct keys
 *    per column), balancing proving work. We use LPT (longest processing time first): classes sorted
 *    by work, largest first, each placed in the least-loaded column that still has room. LPT is the
 *    classic greedy for makespan on identical machines, within 4/3 of optimal (Graham, 1969); the
 *    makespan is what bounds the block's proving latency when each column has its own prover.
 *    Work of a class = its transaction count (a column circuit's cost grows per transaction slot).
 * 3. A declared assignment (the inclusion list's column per transaction) is accepted only if no
 *    key is touched by two columns.
 */
import { desError } from "../errors.ts";
import { accessSet } from "../state/execute.ts";

export interface TxEndpoints {
  from: number;
  to: number;
}

export interface Column {
  id: number;
  /** Block indices, increasing. */
  txs: number[];
  /** Distinct keys touched, increasing. */
  keys: number[];
}

export interface ConflictClass {
  txs: number[];
  keys: number[];
}

export interface Capacity {
  /** Maximum columns (K). */
  maxColumns: number;
  /** Maximum transactions per column. */
  txs: number;
  /** Maximum distinct keys per column. */
  accounts: number;
}

export const UNBOUNDED: Capacity = { maxColumns: Number.MAX_SAFE_INTEGER, txs: Infinity, accounts: Infinity };

export interface Partition {
  classes: number;
  largestClass: number;
  columns: Column[];
  /** Total work (transactions). */
  totalWork: number;
  /** totalWork / largest column work: the speedup bound of this partition. */
  speedupBound: number;
  /** totalWork / largest class: the bound of any disjoint partition of this block. */
  classBound: number;
}

/** Union-find over dense ids with path halving and union by size. */
class UnionFind {
  readonly parent: Int32Array;
  private readonly size: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }
  union(a: number, b: number): void {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return;
    if (this.size[ra]! < this.size[rb]!) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.size[ra]! += this.size[rb]!;
  }
}

/** Conflict classes of a block, each with its transactions (block order) and keys (sorted). */
export function conflictClasses(txs: readonly TxEndpoints[]): ConflictClass[] {
  const ids = new Map<number, number>();
  const keyList: number[] = [];
  const id = (k: number) => {
    let i = ids.get(k);
    if (i === undefined) {
      i = keyList.length;
      ids.set(k, i);
      keyList.push(k);
    }
    return i;
  };
  const txKey = new Int32Array(txs.length);
  const pairs: number[] = [];
  txs.forEach((tx, i) => {
    const keys = accessSet(tx).writes;
    const a = id(keys[0]!);
    txKey[i] = a;
    for (let j = 1; j < keys.length; j++) pairs.push(a, id(keys[j]!));
  });
  const uf = new UnionFind(keyList.length);
  for (let i = 0; i < pairs.length; i += 2) uf.union(pairs[i]!, pairs[i + 1]!);

  const classOf = new Map<number, ConflictClass>();
  const out: ConflictClass[] = [];
  const get = (root: number) => {
    let c = classOf.get(root);
    if (!c) {
      c = { txs: [], keys: [] };
      classOf.set(root, c);
      out.push(c);
    }
    return c;
  };
  for (let i = 0; i < txs.length; i++) get(uf.find(txKey[i]!)).txs.push(i);
  for (let k = 0; k < keyList.length; k++) get(uf.find(k)).keys.push(keyList[k]!);
  for (const c of out) c.keys.sort((a, b) => a - b);
  return out;
}

/** Min-heap of columns by (load, id). */
class ColumnHeap {
  private items: { load: number; id: number }[] = [];
  push(x: { load: number; id: number }): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): { load: number; id: number } | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (x: { load: number; id: number }, y: { load: number; id: number }) =>
  x.load < y.load || (x.load === y.load && x.id < y.id);

function summarize(classes: ConflictClass[], columns: Column[], totalWork: number): Partition {
  const largestClass = classes.reduce((m, c) => Math.max(m, c.txs.length), 0);
  const largestColumn = columns.reduce((m, c) => Math.max(m, c.txs.length), 0);
  return {
    classes: classes.length,
    largestClass,
    columns,
    totalWork,
    speedupBound: largestColumn ? totalWork / largestColumn : 0,
    classBound: largestClass ? totalWork / largestClass : 0,
  };
}

/** LPT packing of conflict classes into at most cap.maxColumns columns. Throws if they do not fit. */
export function partition(txs: readonly TxEndpoints[], cap: Capacity = UNBOUNDED): Partition {
  const classes = conflictClasses(txs);
  for (const c of classes) {
    if (c.txs.length > cap.txs || c.keys.length > cap.accounts) {
      throw desError(
        "COLUMN_CAPACITY",
        `conflict class of transaction ${c.txs[0]} has ${c.txs.length} transactions and ${c.keys.length} keys; ` +
          `a column holds at most ${cap.txs} transactions and ${cap.accounts} keys`,
        {
          firstTx: c.txs[0],
          txs: c.txs.length,
          keys: c.keys.length,
          capacity: { txs: cap.txs, accounts: cap.accounts },
        },
      );
    }
  }
  const order = classes
    .map((_, i) => i)
    .sort((a, b) => {
      const ca = classes[a]!;
      const cb = classes[b]!;
      return cb.txs.length - ca.txs.length || cb.keys.length - ca.keys.length || ca.txs[0]! - cb.txs[0]!;
    });

  const members: number[][] = [];
  const used: { txs: number; keys: number }[] = [];
  const heap = new ColumnHeap();
  for (const ci of order) {
    const c = classes[ci]!;
    const skipped: { load: number; id: number }[] = [];
    let target: number | undefined;
    for (let top = heap.pop(); top; top = heap.pop()) {
      const u = used[top.id]!;
      if (u.txs + c.txs.length <= cap.txs && u.keys + c.keys.length <= cap.accounts) {
        target = top.id;
        break;
      }
      skipped.push(top);
    }
    for (const s of skipped) heap.push(s);
    // An empty column beats any loaded one, so open a new column while K allows.
    if (members.length < cap.maxColumns && (target === undefined || used[target]!.txs > 0)) {
      if (target !== undefined) heap.push({ load: used[target]!.txs, id: target });
      target = members.length;
      members.push([]);
      used.push({ txs: 0, keys: 0 });
    }
    if (target === undefined) {
      throw desError(
        "TOO_MANY_COLUMNS",
        `the block's ${classes.length} conflict classes do not fit in ${cap.maxColumns} columns of ` +
          `${cap.txs} transactions and ${cap.accounts} keys`,
        { classes: classes.length, maxColumns: cap.maxColumns },
      );
    }
    members[target]!.push(ci);
    used[target]!.txs += c.txs.length;
    used[target]!.keys += c.keys.length;
    heap.push({ load: used[target]!.txs, id: target });
  }

  const columns = members.map((cis, id) => ({
    id,
    txs: cis.flatMap((ci) => classes[ci]!.txs).sort((a, b) => a - b),
    keys: cis.flatMap((ci) => classes[ci]!.keys).sort((a, b) => a - b),
  }));
  return summarize(classes, columns, txs.length);
}

/**
 * Fewest columns that hold the block under per-column capacities (each column is one proof of a
 * fixed-size circuit, so fewer columns means less proving), then LPT-balanced across them.
 */
export function planColumns(
  txs: readonly TxEndpoints[],
  perColumn: { txs: number; accounts: number },
): Partition {
  const keys = new Set<number>();
  for (const t of txs) for (const k of accessSet(t).writes) keys.add(k);
  let k = Math.max(1, Math.ceil(txs.length / perColumn.txs), Math.ceil(keys.size / perColumn.accounts));
  for (;;) {
    try {
      return partition(txs, { maxColumns: k, ...perColumn });
    } catch (e) {
      if ((e as { code?: string }).code !== "TOO_MANY_COLUMNS" || k >= txs.length) throw e;
      k++;
    }
  }
}

/**
 * Checks a declared column assignment (one column id per transaction): throws
 * DISJOINTNESS_VIOLATION naming both transactions and the key when two columns touch the same key,
 * and COLUMN_CAPACITY when a column is over capacity. Returns the columns, ordered by id.
 */
export function checkDeclared(
  txs: readonly TxEndpoints[],
  declared: readonly number[],
  cap: Omit<Capacity, "maxColumns"> & { maxColumns?: number } = UNBOUNDED,
): Partition {
  if (declared.length !== txs.length) {
    throw desError(
      "INVALID_BLOCK",
      `inclusion list declares ${declared.length} columns for ${txs.length} transactions`,
    );
  }
  const owner = new Map<number, number>(); // key → first tx touching it
  const byId = new Map<number, Column>();
  txs.forEach((tx, i) => {
    const col = declared[i]!;
    let c = byId.get(col);
    if (!c) {
      c = { id: col, txs: [], keys: [] };
      byId.set(col, c);
    }
    c.txs.push(i);
    for (const key of accessSet(tx).writes) {
      const first = owner.get(key);
      if (first === undefined) {
        owner.set(key, i);
        c.keys.push(key);
      } else if (declared[first] !== col) {
        throw desError(
          "DISJOINTNESS_VIOLATION",
          `transactions ${first} (column ${declared[first]}) and ${i} (column ${col}) both touch key ${key}`,
          { txA: first, columnA: declared[first], txB: i, columnB: col, key },
        );
      }
    }
  });
  const columns = [...byId.values()].sort((a, b) => a.id - b.id);
  if (cap.maxColumns !== undefined && columns.length > cap.maxColumns) {
    throw desError(
      "TOO_MANY_COLUMNS",
      `inclusion list uses ${columns.length} columns, at most ${cap.maxColumns} allowed`,
    );
  }
  for (const c of columns) {
    c.keys.sort((a, b) => a - b);
    if (c.txs.length > cap.txs || c.keys.length > cap.accounts) {
      throw desError(
        "COLUMN_CAPACITY",
        `declared column ${c.id} has ${c.txs.length} transactions and ${c.keys.length} keys; ` +
          `a column holds at most ${cap.txs} transactions and ${cap.accounts} keys`,
        { column: c.id, txs: c.txs.length, keys: c.keys.length },
      );
    }
  }
  return summarize(conflictClasses(txs), columns, txs.length);
}
