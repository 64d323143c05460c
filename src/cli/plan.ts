import { z } from "zod";
import { loadBlock } from "../block/schema.ts";
import type { Partition } from "../columns/partition.ts";
import { isDesError } from "../errors.ts";
import { type CostFigures, measuredCosts, schedule, treeCounts } from "../model/cost.ts";
import { PROFILES } from "../profiles.ts";
import { blockColumns } from "../prove/pipeline.ts";
import { type Command, intFlag, parseFlags, table, toJSON } from "./command.ts";

const Flags = z.object({
  machines: intFlag(1, 1_000_000).default(1),
  "hop-ms": z
    .string()
    .regex(/^\d+(\.\d+)?$/, "milliseconds")
    .transform(Number)
    .default(50),
  json: z.boolean().default(false),
});

/** Figures of the project's machine for a profile never measured here (docs/simulate.md). */
const FALLBACK: Record<string, Partial<CostFigures>> = { tiny: { leafSeconds: 0.93, nodeSeconds: 65 } };

const help = `usage: des plan <block.json> [--machines M] [--hop-ms H] [--json]

For each circuit profile: the block's columns at that profile's capacity (its inclusion list's, if
it has one), or why it does not fit,
its leaf proofs, aggregation nodes and levels, and from this machine's measured leaf and node
times (artifacts/costs.json, recorded by des prove) the proving work and the critical path on M
machines; then the profile that proves the block soonest (docs/simulate.md). Nothing is executed.

  --machines M   prover machines (default 1)
  --hop-ms H     network latency per round (default 50)
  --json         print JSON`;

interface PlanRow {
  profile: string;
  fits: boolean;
  reason?: string;
  depthMatches: boolean;
  columns?: number;
  leaves?: number;
  nodes?: number;
  levels?: number;
  figures?: { leafSeconds: number; nodeSeconds: number; source: string };
  workSeconds?: number;
  latencySeconds?: number;
}

export const planCommand: Command = {
  name: "plan",
  summary: "a block's proving work and critical path under each circuit profile, and the best one",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      { machines: { type: "string", short: "m" }, "hop-ms": { type: "string" }, json: { type: "boolean" } },
      Flags,
      { min: 1, max: 1, names: "one block file" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    const block = loadBlock(positionals[0]!);
    const rows: PlanRow[] = Object.values(PROFILES).map((p) => {
      const depthMatches = p.depth === block.depth;
      let part: Partition;
      try {
        // as des prove does it: the inclusion list's columns, checked, or a plan at this capacity
        part = blockColumns(block, p);
      } catch (e) {
        if (isDesError(e)) return { profile: p.name, fits: false, reason: e.message, depthMatches };
        throw e;
      }
      const keys = part.columns.reduce((a, c) => a + c.keys.length, 0);
      const tree = treeCounts(part.columns.length, keys, p.writes);
      const m = measuredCosts(p.name);
      const fb = FALLBACK[p.name] ?? {};
      const leafSeconds = m.leafSeconds ?? fb.leafSeconds;
      const nodeSeconds = m.nodeSeconds ?? fb.nodeSeconds;
      const base = {
        profile: p.name,
        fits: true,
        depthMatches,
        columns: part.columns.length,
        leaves: tree.leaves,
        nodes: tree.nodes,
        levels: tree.levels,
      };
      if (leafSeconds === undefined || nodeSeconds === undefined)
        return { ...base, reason: "no measured leaf or node time" };
      const s = schedule(tree, flags.machines, {
        leafSeconds,
        nodeSeconds,
        hopSeconds: flags["hop-ms"] / 1000,
      });
      const source = m.leafSeconds !== undefined && m.nodeSeconds !== undefined ? "measured" : "fallback";
      return {
        ...base,
        figures: { leafSeconds, nodeSeconds, source },
        workSeconds: s.workSeconds,
        latencySeconds: s.latencySeconds,
      };
    });
    const candidates = rows.filter((r) => r.fits && r.latencySeconds !== undefined);
    const best = candidates.sort(
      (a, b) => a.latencySeconds! - b.latencySeconds! || a.workSeconds! - b.workSeconds!,
    )[0];
    if (flags.json) {
      console.log(toJSON({ machines: flags.machines, rows, recommended: best?.profile ?? null }));
      return 0;
    }
    console.log(
      table(
        [
          "profile",
          "columns",
          "leaves",
          "nodes",
          "levels",
          "work s",
          `critical path s (M=${flags.machines})`,
          "note",
        ],
        rows.map((r) => [
          r.profile,
          r.columns ?? "-",
          r.leaves ?? "-",
          r.nodes ?? "-",
          r.levels ?? "-",
          r.workSeconds?.toFixed(0) ?? "-",
          r.latencySeconds?.toFixed(0) ?? "-",
          [
            r.fits ? "" : `does not fit: ${r.reason}`,
            r.fits && r.reason ? r.reason : "",
            r.figures ? `${r.figures.source} figures` : "",
            r.depthMatches
              ? ""
              : `circuits for depth ${PROFILES[r.profile]!.depth}, block depth ${block.depth}`,
          ]
            .filter(Boolean)
            .join("; "),
        ]),
      ),
    );
    console.log(
      best
        ? `recommended: ${best.profile} (${best.latencySeconds!.toFixed(0)} s on ${flags.machines} machine(s))` +
            (best.depthMatches
              ? ""
              : `: its circuits are for depth ${PROFILES[best.profile]!.depth}, so the block's tree needs that depth`)
        : rows.some((r) => r.fits)
          ? `no measured leaf or node time for ${rows
              .filter((r) => r.fits)
              .map((r) => r.profile)
              .join(
                ", ",
              )}, the profile(s) that fit this block: des prove records them (artifacts/costs.json) when it proves a block with that profile`
          : "no profile fits this block (a conflict class larger than every profile's column cannot be proved)",
    );
    return 0;
  },
};
