import { z } from "zod";
import { loadBlock } from "../block/schema.ts";
import { checkDeclared, type Partition, partition } from "../columns/partition.ts";
import { measuredCosts, schedule, treeCounts } from "../model/cost.ts";
import { type CircuitProfile, getProfile, PROFILES } from "../profiles.ts";
import { type Command, intFlag, parseFlags, profileFlag, table, toJSON } from "./command.ts";

const Flags = z.object({
  columns: intFlag(1).default(8),
  capacity: intFlag(1).optional(),
  accounts: intFlag(1).optional(),
  profile: profileFlag.optional(),
  "ignore-il": z.boolean().default(false),
  json: z.boolean().default(false),
});

const help = `usage: des columns <block.json> [--columns K] [--capacity T] [--accounts A] [--profile P] [--ignore-il] [--json]

Partitions a block's transactions into execution columns with disjoint side effects: conflict
classes by union-find over access sets, packed into at most K columns by LPT (largest class first
into the least-loaded column). Needs only senders and receivers: no execution, no signatures.
If the block carries an inclusion list, its declared columns are checked instead (disjointness
and capacity) unless --ignore-il is given.

  --columns K     at most K columns (default 8)
  --capacity T    at most T transactions per column (default: unbounded, or the profile's)
  --accounts A    at most A distinct keys per column (default: unbounded, or the profile's)
  --profile P     take capacities from a circuit profile (${Object.keys(PROFILES).join(", ")})
  --ignore-il     ignore the block's inclusion list and compute a partition
  --json          print JSON instead of a table

With --profile, also the block's proving cost: its leaf proofs (columns padded to a power of two,
state-update chunks of the profile's writes), its aggregation nodes and levels, and the time this
machine would take from its measured leaf and node times (artifacts/costs.json, recorded by des
prove). It is known from the block's senders and receivers alone, before anything is executed.`;

export const columnsCommand: Command = {
  name: "columns",
  summary: "partition a block into execution columns and report the speedup bound",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        columns: { type: "string", short: "k" },
        capacity: { type: "string" },
        accounts: { type: "string" },
        profile: { type: "string" },
        "ignore-il": { type: "boolean" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 1, max: 1, names: "one block file" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    const t0 = performance.now();
    const block = loadBlock(positionals[0]!);
    const t1 = performance.now();
    const prof = flags.profile ? getProfile(flags.profile) : undefined;
    const cap = {
      maxColumns: flags.columns,
      txs: flags.capacity ?? prof?.txs ?? Infinity,
      accounts: flags.accounts ?? prof?.accounts ?? Infinity,
    };
    const declared = block.inclusionList && !flags["ignore-il"];
    const p: Partition = declared
      ? checkDeclared(block.txs, block.inclusionList!.columns, cap)
      : partition(block.txs, cap);
    const t2 = performance.now();
    const timing = { loadMs: +(t1 - t0).toFixed(1), partitionMs: +(t2 - t1).toFixed(1) };
    const cost = prof ? provingCost(p, prof) : undefined;
    if (flags.json) {
      console.log(
        toJSON({
          source: declared ? "inclusion-list" : "lpt",
          transactions: block.txs.length,
          classes: p.classes,
          largestClass: p.largestClass,
          columns: p.columns.map((c) => ({ id: c.id, load: c.txs.length, keys: c.keys.length, txs: c.txs })),
          totalWork: p.totalWork,
          speedupBound: p.speedupBound,
          classBound: p.classBound,
          ...(cost ? { cost } : {}),
          ...timing,
        }),
      );
      return 0;
    }
    console.log(
      `${block.txs.length} transactions, ${p.classes} conflict classes, largest class ${p.largestClass} ` +
        `(${declared ? "declared inclusion list: disjoint" : `LPT into ≤ ${cap.maxColumns} columns`})`,
    );
    console.log(
      table(
        ["column", "load (txs)", "keys", "share"],
        p.columns.map((c) => [
          c.id,
          c.txs.length,
          c.keys.length,
          `${((100 * c.txs.length) / p.totalWork).toFixed(1)}%`,
        ]),
      ),
    );
    console.log(
      `speedup bound: ${p.speedupBound.toFixed(2)}× (total work ${p.totalWork} / largest column ` +
        `${Math.max(...p.columns.map((c) => c.txs.length))}); any disjoint partition: ≤ ${p.classBound.toFixed(2)}×`,
    );
    if (cost) {
      const t = cost.tree;
      console.log(
        `proving cost (profile ${prof!.name}): ${t.leaves} leaf proofs (${t.columnLeaves} column, ${t.stateLeaves} state-update), ` +
          `${t.nodes} aggregation nodes in ${t.levels} levels` +
          (cost.predicted
            ? `; on this machine ≈ ${cost.predicted.latencySeconds.toFixed(0)} s (leaves ${cost.predicted.leafSeconds.toFixed(0)} s, ` +
              `nodes ${cost.predicted.nodeSeconds.toFixed(0)} s; measured ${cost.measured.leafSeconds!.toFixed(2)} s per leaf, ` +
              `${cost.measured.nodeSeconds!.toFixed(0)} s per node)`
            : `; no prediction: this machine has no measured ${cost.measured.leafSeconds === undefined ? "leaf" : "node"} time for the profile (a des prove records them)`),
      );
    }
    console.log(`load ${timing.loadMs} ms, partition ${timing.partitionMs} ms`);
    return 0;
  },
};

/** A partition's proofs (src/model/cost.ts) and, from this machine's measured times, its proving time. */
function provingCost(p: Partition, prof: CircuitProfile) {
  const keys = p.columns.reduce((a, c) => a + c.keys.length, 0);
  const tree = treeCounts(p.columns.length, keys, prof.writes);
  const measured = measuredCosts(prof.name);
  const predicted =
    measured.leafSeconds !== undefined && measured.nodeSeconds !== undefined
      ? schedule(tree, 1, {
          leafSeconds: measured.leafSeconds,
          nodeSeconds: measured.nodeSeconds,
          hopSeconds: 0,
        })
      : undefined;
  return { tree, measured, ...(predicted ? { predicted } : {}) };
}
