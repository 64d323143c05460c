import { writeFileSync } from "node:fs";
import { z } from "zod";
import { SAMPLE_PROFILES } from "../block/sample.ts";
import { desError } from "../errors.ts";
import { measuredCosts } from "../model/cost.ts";
import { blockShape, type SimRow, simulate, simulationSvg } from "../model/simulate.ts";
import { getProfile } from "../profiles.ts";
import { type Command, parseFlags, profileFlag, table, toJSON } from "./command.ts";

const list = (max: number) =>
  z
    .string()
    .regex(/^\d+(,\d+)*$/, "a comma-separated list of positive integers")
    .transform((s) => s.split(",").map(Number))
    .refine((xs) => xs.every((x) => x >= 1 && x <= max), `each between 1 and ${max}`);
const seconds = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "seconds")
  .transform(Number)
  .refine((x) => x > 0, "must be positive");

const Flags = z.object({
  profile: z.enum(SAMPLE_PROFILES).default("mainnet-like"),
  circuit: profileFlag.default("tiny"),
  txs: list(1_000_000).default([1_000, 10_000, 100_000]),
  machines: list(1_000_000).default([1, 10, 100, 1_000, 10_000]),
  "leaf-seconds": seconds.optional(),
  "node-seconds": seconds.optional(),
  "hop-ms": z
    .string()
    .regex(/^\d+(\.\d+)?$/, "milliseconds")
    .transform(Number)
    .default(50),
  "price-per-hour": z
    .string()
    .regex(/^\d+(\.\d+)?$/, "a price")
    .transform(Number)
    .default(0.1),
  svg: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

/**
 * Figures measured on the project's 2-core machine when this machine has none recorded
 * (docs/benchmarks.md, docs/prover.md): a tiny-profile leaf through the local pipeline (11.2 s for
 * 12 proofs) and a node's witnesses and proof with the native prover (≈ 25 s + 40 s).
 */
const FALLBACK = { leafSeconds: { tiny: 0.93 }, nodeSeconds: 65 } as const;

const help = `usage: des simulate [--profile P] [--circuit C] [--txs 1000,10000,100000] [--machines 1,10,…]
                    [--leaf-seconds S] [--node-seconds S] [--hop-ms H] [--price-per-hour P]
                    [--svg FILE] [--json]

Block-proof latency, machine utilisation and cost for blocks of each size on each number of
prover machines (docs/simulate.md): sample blocks of the given profile (${SAMPLE_PROFILES.join(", ")};
default mainnet-like) cut into columns of the circuit profile's capacity (default tiny; realistic: 8
transactions; tiny: 2), leaves in parallel, then one tree level after another, a network hop per round.
Leaf and node times: this machine's measured medians (artifacts/costs.json, recorded by des
prove), else --leaf-seconds / --node-seconds (required for a profile never measured here).

  --hop-ms H          network latency per round (default 50)
  --price-per-hour P  price of one prover machine-hour (default 0.1): cost = M × latency × P
  --svg FILE          the chart: latency against machines, one line per block size`;

export const simulateCommand: Command = {
  name: "simulate",
  summary: "block-proof latency, utilisation and cost on 1 to 10,000 machines, from measured costs",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        profile: { type: "string" },
        circuit: { type: "string" },
        txs: { type: "string" },
        machines: { type: "string" },
        "leaf-seconds": { type: "string" },
        "node-seconds": { type: "string" },
        "hop-ms": { type: "string" },
        "price-per-hour": { type: "string" },
        svg: { type: "string" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 0, max: 0, names: "no positional arguments" },
      help,
    );
    if (!parsed) return 0;
    const { flags } = parsed;
    const circuit = getProfile(flags.circuit);
    const measured = measuredCosts(circuit.name);
    const fallbackLeaf = (FALLBACK.leafSeconds as Record<string, number>)[circuit.name];
    const leafSeconds = flags["leaf-seconds"] ?? measured.leafSeconds ?? fallbackLeaf;
    const nodeSeconds = flags["node-seconds"] ?? measured.nodeSeconds ?? FALLBACK.nodeSeconds;
    if (leafSeconds === undefined) {
      throw desError(
        "USAGE",
        `no leaf time for circuit profile ${circuit.name} on this machine: give --leaf-seconds (or prove a block with --profile ${circuit.name} first)`,
      );
    }
    const source = {
      leaf: flags["leaf-seconds"]
        ? "--leaf-seconds"
        : measured.leafSeconds
          ? `measured (${measured.samples.leaf} runs)`
          : "fallback",
      node: flags["node-seconds"]
        ? "--node-seconds"
        : measured.nodeSeconds
          ? `measured (${measured.samples.node} nodes)`
          : "fallback",
    };
    const f = { leafSeconds, nodeSeconds, hopSeconds: flags["hop-ms"] / 1000 };
    const shapes = flags.txs.map((n) => blockShape(flags.profile, n, circuit.txs));
    const rows: SimRow[] = shapes.flatMap((s) =>
      flags.machines.map((m) => simulate(s, m, f, circuit.writes, flags["price-per-hour"])),
    );
    // real-time proving reported for Ethereum L1 (whole blocks on GPUs), for comparison
    const refs = [
      { label: "SP1 Hypercube: 93% of L1 blocks < 12 s, ~160 GPUs", machines: 160, seconds: 12 },
      { label: "Pico Prism: 6.9 s average, 64 GPUs", machines: 64, seconds: 6.9 },
    ];
    if (flags.svg)
      writeFileSync(
        flags.svg,
        simulationSvg(
          rows,
          `block-proof latency, ${flags.profile} blocks, ${circuit.name} columns (model)`,
          refs,
        ),
      );
    if (flags.json) {
      console.log(
        toJSON({ profile: flags.profile, circuit: circuit.name, figures: f, source, shapes, rows, refs }),
      );
      return 0;
    }
    console.log(
      `${flags.profile} blocks, ${circuit.name} columns (${circuit.txs} transactions each); leaf ${leafSeconds.toFixed(2)} s (${source.leaf}), ` +
        `node ${nodeSeconds.toFixed(1)} s (${source.node}), hop ${flags["hop-ms"]} ms, $${flags["price-per-hour"]}/machine-hour`,
    );
    console.log(
      table(
        ["transactions", "classes (largest)", "columns", "leaf proofs", "longest chain"],
        shapes.map((s) => [
          s.transactions,
          `${s.classes} (${s.largestClass})`,
          s.columns,
          s.leafProofs,
          s.longestChain,
        ]),
      ),
    );
    console.log(
      table(
        ["transactions", "machines", "latency s", "leaves s", "nodes s", "utilisation", "cost $"],
        rows.map((r) => [
          r.transactions,
          r.machines,
          r.latencySeconds.toFixed(1),
          r.leafSeconds.toFixed(1),
          r.nodeSeconds.toFixed(1),
          `${(100 * r.utilisation).toFixed(1)}%`,
          r.cost.toFixed(3),
        ]),
      ),
    );
    console.log(
      `for comparison, real-time proving reported for Ethereum L1: ${refs.map((r) => r.label).join("; ")}` +
        (flags.svg ? `; chart: ${flags.svg}` : ""),
    );
    return 0;
  },
};
