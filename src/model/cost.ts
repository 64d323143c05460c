/**
 * The cost model of a block proof: how many proofs a block needs (from its columns and written
 * keys, known before anything is executed), and how long they take on M machines, from measured
 * per-leaf and per-node times.
 *
 * Tree (src/aggregate/): the column side has nextPow2(columns) leaves, the state side
 * nextPow2(ceil(keys / writes per chunk)) leaves; each side is a balanced binary tree and the root
 * joins the two tops. Schedule: every leaf is independent (leaves in parallel, ⌈L / M⌉ rounds of one
 * leaf), then the nodes level by level, the nodes of a level in parallel (⌈n_k / M⌉ rounds of one
 * node plus a network hop), and the root. The critical path is therefore one leaf round and one
 * node per level when M is large: latency ≈ leaf + (levels + 1) × (node + hop).
 *
 * Measured figures: each local or distributed run records its leaf and node times per profile in
 * artifacts/costs.json (recordCosts); `measuredCosts` reads the medians back.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS } from "../build/circom.ts";
import { writeFileAtomic } from "../util/fsx.ts";

const nextPow2 = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export interface TreeCounts {
  /** Column leaves (padded to a power of two) and state-update leaves. */
  columnLeaves: number;
  stateLeaves: number;
  leaves: number;
  /** Aggregation nodes, the root included. */
  nodes: number;
  /** Node levels on the critical path, the root included. */
  levels: number;
  /** Nodes per level, bottom-up (the root last). */
  perLevel: number[];
}

/** The proofs of a block with `columns` columns and `keys` written keys, `writes` keys per chunk. */
export function treeCounts(columns: number, keys: number, writes: number): TreeCounts {
  const columnLeaves = nextPow2(columns);
  const stateLeaves = nextPow2(Math.ceil(Math.max(1, keys) / writes));
  const a = Math.log2(columnLeaves);
  const b = Math.log2(stateLeaves);
  const perLevel: number[] = [];
  for (let k = 1; k <= Math.max(a, b); k++)
    perLevel.push((k <= a ? columnLeaves / 2 ** k : 0) + (k <= b ? stateLeaves / 2 ** k : 0));
  perLevel.push(1);
  return {
    columnLeaves,
    stateLeaves,
    leaves: columnLeaves + stateLeaves,
    nodes: perLevel.reduce((x, y) => x + y, 0),
    levels: perLevel.length,
    perLevel,
  };
}

export interface CostFigures {
  /** One leaf proof (witness + proof) on one machine, seconds. */
  leafSeconds: number;
  /** One node (its witnesses + proof) on one machine, seconds. */
  nodeSeconds: number;
  /** Network latency per hop (a result to the next machine), seconds. */
  hopSeconds: number;
}

export interface Schedule {
  machines: number;
  leafSeconds: number;
  nodeSeconds: number;
  latencySeconds: number;
  /** Machine-seconds of proving work, and the share of M × latency it fills. */
  workSeconds: number;
  utilisation: number;
}

/** The level-by-level schedule of a block's proofs on `machines` machines. */
export function schedule(t: TreeCounts, machines: number, f: CostFigures): Schedule {
  if (!(Number.isInteger(machines) && machines >= 1))
    throw new RangeError(`machines must be ≥ 1, got ${machines}`);
  const leafSeconds = Math.ceil(t.leaves / machines) * (f.leafSeconds + f.hopSeconds);
  const nodeSeconds = t.perLevel.reduce(
    (s, n) => s + Math.ceil(n / machines) * (f.nodeSeconds + f.hopSeconds),
    0,
  );
  const latencySeconds = leafSeconds + nodeSeconds;
  const workSeconds = t.leaves * f.leafSeconds + t.nodes * f.nodeSeconds;
  return {
    machines,
    leafSeconds,
    nodeSeconds,
    latencySeconds,
    workSeconds,
    utilisation: workSeconds / (machines * latencySeconds),
  };
}

// ------------------------------------------------------------------ measured figures

const COSTS_FILE = () => join(ARTIFACTS, "costs.json");
/** Samples kept per profile and kind (the newest). */
const KEEP = 64;

interface CostsFile {
  [profile: string]: { leaf?: number[]; node?: number[] };
}

function readCosts(): CostsFile {
  try {
    const j = JSON.parse(readFileSync(COSTS_FILE(), "utf8")) as unknown;
    return j && typeof j === "object" && !Array.isArray(j) ? (j as CostsFile) : {};
  } catch {
    return {};
  }
}

/** Records measured leaf or node times (seconds) of a profile in artifacts/costs.json. */
export function recordCosts(profile: string, kind: "leaf" | "node", seconds: readonly number[]): void {
  const ok = seconds.filter((s) => Number.isFinite(s) && s > 0);
  if (!ok.length) return;
  const all = readCosts();
  all[profile] ??= {};
  const p = all[profile]!;
  p[kind] = [...(Array.isArray(p[kind]) ? p[kind]! : []), ...ok].slice(-KEEP);
  writeFileAtomic(COSTS_FILE(), `${JSON.stringify(all, null, 1)}\n`);
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** This machine's measured medians for a profile (undefined where nothing was measured). */
export function measuredCosts(profile: string): {
  leafSeconds?: number;
  nodeSeconds?: number;
  samples: { leaf: number; node: number };
} {
  const p = readCosts()[profile] ?? {};
  const leaf = Array.isArray(p.leaf) ? p.leaf.filter((x) => typeof x === "number") : [];
  const node = Array.isArray(p.node) ? p.node.filter((x) => typeof x === "number") : [];
  return {
    ...(leaf.length ? { leafSeconds: median(leaf) } : {}),
    ...(node.length ? { nodeSeconds: median(node) } : {}),
    samples: { leaf: leaf.length, node: node.length },
  };
}
