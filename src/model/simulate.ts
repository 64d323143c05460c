/**
 * `des simulate`: block-proof latency, machine utilisation and cost for large blocks on many prover
 * machines, from the cost model (cost.ts) and this machine's measured leaf and node times.
 *
 * A block of n transactions of a sample profile (src/block/sample.ts, unsigned: only its access
 * pattern matters) is split into conflict classes; classes that fit a column's capacity (the
 * circuit profile's transactions per column) are packed first-fit decreasing into full columns.
 * A class larger than a column must run in one column: the model proves it as a chain of
 * ⌈s / capacity⌉ leaves, one after another (today's circuits refuse such a column; the model shows
 * what it costs, and it is what the parallelism premium of src/gas/ charges). Latency on M machines:
 * max(⌈leaves / M⌉, longest chain) leaf rounds, then the tree's levels (cost.ts schedule).
 */
import { generateBlock, type SampleProfile } from "../block/sample.ts";
import { conflictClasses } from "../columns/partition.ts";
import { type CostFigures, type Schedule, schedule, treeCounts } from "./cost.ts";

export interface BlockShape {
  transactions: number;
  classes: number;
  largestClass: number;
  /** Columns (the column side's leaves before padding) and written keys. */
  columns: number;
  keys: number;
  /** Leaf proofs, chains included, and the longest chain of leaves. */
  leafProofs: number;
  longestChain: number;
}

/** The shape of a sample block of `txs` transactions under a column capacity of `capacity`. */
export function blockShape(
  profile: SampleProfile,
  txs: number,
  capacity: number,
  seed = "simulate",
): BlockShape {
  const block = generateBlock({ profile, txs, seed, depth: 20, unsigned: true });
  const classes = conflictClasses(block.txs);
  const sizes = classes.map((c) => c.txs.length).sort((a, b) => b - a);
  const keys = classes.reduce((a, c) => a + c.keys.length, 0);
  let chains = 0;
  let chainLeaves = 0;
  let longestChain = 1;
  // first-fit decreasing of the classes that fit; each bin is one column of ≤ capacity transactions
  const bins: number[] = [];
  for (const s of sizes) {
    if (s > capacity) {
      const k = Math.ceil(s / capacity);
      chains++;
      chainLeaves += k;
      longestChain = Math.max(longestChain, k);
      continue;
    }
    const i = bins.findIndex((b) => b + s <= capacity);
    if (i >= 0) bins[i]! += s;
    else bins.push(s);
  }
  return {
    transactions: txs,
    classes: classes.length,
    largestClass: sizes[0] ?? 0,
    columns: bins.length + chains,
    keys,
    leafProofs: bins.length + chainLeaves,
    longestChain,
  };
}

export interface SimRow extends Schedule {
  transactions: number;
  /** Machine-hours × price. */
  cost: number;
}

/**
 * The schedule of a block of this shape on `machines` machines: leaf rounds bounded below by its
 * longest chain, then the tree (keys / `writes` state-update chunks).
 */
export function simulate(
  shape: BlockShape,
  machines: number,
  f: CostFigures,
  writes: number,
  pricePerHour: number,
): SimRow {
  const tree = treeCounts(shape.columns, shape.keys, writes);
  // the tree's leaves: the column side counts a chain once (its last leaf's proof); the work
  // counts every leaf proof
  const s = schedule(tree, machines, f);
  // every leaf proof: the columns' (chains in full), the padding's empty columns, the state chunks
  const leaves = shape.leafProofs + (tree.columnLeaves - shape.columns) + tree.stateLeaves;
  const rounds = Math.max(Math.ceil(leaves / machines), shape.longestChain);
  const leafSeconds = rounds * (f.leafSeconds + f.hopSeconds);
  const latencySeconds = leafSeconds + s.nodeSeconds;
  const workSeconds = leaves * f.leafSeconds + tree.nodes * f.nodeSeconds;
  return {
    transactions: shape.transactions,
    machines,
    leafSeconds,
    nodeSeconds: s.nodeSeconds,
    latencySeconds,
    workSeconds,
    utilisation: workSeconds / (machines * latencySeconds),
    cost: (machines * latencySeconds * pricePerHour) / 3600,
  };
}

const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Latency against machines, one line per block size, log–log axes. */
export function simulationSvg(
  rows: SimRow[],
  title: string,
  refs: { label: string; machines: number; seconds: number }[],
): string {
  const W = 760;
  const H = 420;
  const pad = 60;
  const right = 110; // room for the lines' labels
  const xs = rows.map((r) => r.machines);
  const ys = [...rows.map((r) => r.latencySeconds), ...refs.map((r) => r.seconds)];
  const [x0, x1] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
  const [y0, y1] = [Math.floor(Math.log10(Math.min(...ys))), Math.ceil(Math.log10(Math.max(...ys)))];
  const x = (m: number) => pad + ((W - pad - right) * (Math.log10(m) - x0)) / Math.max(x1 - x0, 1e-9);
  const y = (t: number) => H - pad - ((H - 2 * pad) * (Math.log10(t) - y0)) / Math.max(y1 - y0, 1e-9);
  const colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
  const sizes = [...new Set(rows.map((r) => r.transactions))];
  const lines = sizes
    .map((n, i) => {
      const pts = rows
        .filter((r) => r.transactions === n)
        .map((r) => `${x(r.machines).toFixed(1)},${y(r.latencySeconds).toFixed(1)}`);
      const c = colors[i % colors.length];
      return (
        `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.join(" ")}"/>` +
        `<text x="${W - right + 4}" y="${pts.at(-1)!.split(",")[1]}" font-size="11" fill="${c}">${n.toLocaleString("en-US")} txs</text>`
      );
    })
    .join("\n");
  const xt = [...new Set(xs)]
    .map((m) => `<text x="${x(m)}" y="${H - pad + 16}" font-size="11" text-anchor="middle">${m}</text>`)
    .join("");
  const yt = Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i))
    .map(
      (t) =>
        `<line x1="${pad}" x2="${W - right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>` +
        `<text x="${pad - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t >= 1e4 ? `1e${Math.round(Math.log10(t))}` : t >= 1 ? t : t.toFixed(1)} s</text>`,
    )
    .join("");
  const rf = refs
    .map(
      (r) =>
        `<circle cx="${x(r.machines)}" cy="${y(r.seconds)}" r="4" fill="black"/>` +
        `<text x="${x(r.machines) + 6}" y="${y(r.seconds) - 6}" font-size="10">${esc(r.label)}</text>`,
    )
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="22" font-size="14" text-anchor="middle">${esc(title)}</text>
${yt}
<line x1="${pad}" y1="${H - pad}" x2="${W - right}" y2="${H - pad}" stroke="black"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>
<text x="${W / 2}" y="${H - 16}" font-size="12" text-anchor="middle">prover machines (log)</text>
${xt}
${lines}
${rf}
</svg>
`;
}
