/**
 * `des bench`: proving time against worker count, with the baseline a user would otherwise script
 * (snarkjs CLI `wtns calculate` + `groth16 prove`, default threads, one proof after another on the
 * same inputs), measured in the same run. Each configuration runs `des prove` in its own process so
 * its peak memory and CPU time are its own.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { REPO_ROOT } from "../build/circom.ts";
import { desError } from "../errors.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { type Command, parseFlags, profileFlag, table, toJSON } from "./command.ts";

const Flags = z.object({
  block: z.string().min(1, "is required"),
  workers: z
    .string()
    .regex(/^[1-9][0-9]*(,[1-9][0-9]*)*$/, "must be a comma-separated list of positive integers")
    .transform((s) => s.split(",").map(Number))
    .default([1, 2, 4]),
  profile: profileFlag.default("tiny"),
  out: z.string().min(1).default("artifacts/bench/workers"),
  "no-baseline": z.boolean().default(false),
  aggregate: z.boolean().default(false),
});

const help = `usage: des bench --block B [--workers 1,2,4] [--profile P] [--out DIR] [--no-baseline] [--aggregate]

Proves the same block's leaves (column and state-update proofs: \`des prove --no-aggregate\`) with
each worker count (a fresh process each, nothing reused) and reports wall time of the proving
phase, speedup, efficiency against the ideal min(W, cores, proofs), CPU utilisation and peak
memory; then times the snarkjs CLI baseline (wtns calculate + groth16 prove, its default threads)
over the same proofs one after another. Proofs use the prover DES_PROVER chooses (native by
default). Writes DIR/bench.json and DIR/bench.svg.

  --aggregate   also prove the aggregation tree in every run (its first run compiles and sets up
                the tree shape's node circuits), reported per stage: leaves, then the tree`;

interface Run {
  workers: number;
  proofs: number;
  wallMs: number;
  proveMs: number;
  speedup: number;
  ideal: number;
  efficiency: number;
  cpuUtilisation: number;
  maxRssMb: number;
  /** With --aggregate: the tree's wall time and its node proofs. */
  aggregateSeconds?: number;
  nodes?: number;
}

function node(args: string[]): { stdout: string; ms: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw desError("PROVER_FAULT", `${args.slice(0, 3).join(" ")} failed: ${r.stderr.slice(-2000)}`);
  return { stdout: r.stdout, ms };
}

function svg(runs: Run[], baselineMs: number | undefined): string {
  const W = 640;
  const H = 320;
  const pad = 50;
  const maxW = Math.max(...runs.map((r) => r.workers));
  const maxT = Math.max(...runs.map((r) => r.proveMs), baselineMs ?? 0) * 1.1;
  const maxS = Math.max(...runs.map((r) => r.speedup), 2) * 1.1;
  const x = (w: number) => pad + ((W - 2 * pad) * (w - 1)) / Math.max(maxW - 1, 1);
  const yT = (t: number) => H - pad - ((H - 2 * pad) * t) / maxT;
  const yS = (s: number) => H - pad - ((H - 2 * pad) * s) / maxS;
  const line = (pts: [number, number][], color: string) =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => p.join(",")).join(" ")}"/>` +
    pts.map(([a, b]) => `<circle cx="${a}" cy="${b}" r="3" fill="${color}"/>`).join("");
  const labels = runs
    .map(
      (r) =>
        `<text x="${x(r.workers)}" y="${H - pad + 16}" font-size="11" text-anchor="middle">${r.workers}</text>`,
    )
    .join("");
  const base =
    baselineMs === undefined
      ? ""
      : `<line x1="${pad}" x2="${W - pad}" y1="${yT(baselineMs)}" y2="${yT(baselineMs)}" stroke="#999" stroke-dasharray="4"/>` +
        `<text x="${W - pad}" y="${yT(baselineMs) - 4}" font-size="11" text-anchor="end" fill="#666">snarkjs CLI baseline ${(baselineMs / 1000).toFixed(1)} s</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="20" font-size="14" text-anchor="middle">proving time (blue, s) and speedup (orange) against workers</text>
<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>
<text x="${W / 2}" y="${H - 10}" font-size="12" text-anchor="middle">workers</text>
<text x="${pad - 6}" y="${yT(maxT / 1.1)}" font-size="11" text-anchor="end">${(maxT / 1100).toFixed(0)} s</text>
<text x="${W - pad + 6}" y="${yS(maxS / 1.1)}" font-size="11">${(maxS / 1.1).toFixed(1)}×</text>
${labels}${base}
${line(
  runs.map((r) => [x(r.workers), yT(r.proveMs)]),
  "#1f77b4",
)}
${line(
  runs.map((r) => [x(r.workers), yS(r.speedup)]),
  "#ff7f0e",
)}
</svg>
`;
}

export const benchCommand: Command = {
  name: "bench",
  summary: "benchmark proving time against worker count, with the snarkjs CLI baseline",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        block: { type: "string" },
        workers: { type: "string", short: "w" },
        profile: { type: "string" },
        out: { type: "string", short: "o" },
        "no-baseline": { type: "boolean" },
        aggregate: { type: "boolean" },
      },
      Flags,
      { min: 0, max: 0, names: "no positional arguments" },
      help,
    );
    if (!parsed) return 0;
    const { flags } = parsed;
    const baseline = !flags["no-baseline"];
    const cores = cpus().length;
    const loader = join(REPO_ROOT, "node_modules/tsx/dist/loader.mjs");
    const main = join(REPO_ROOT, "src/cli/main.ts");
    const runs: Run[] = [];
    let inputs: { name: string; input: string; wasm: string; zkey: string }[] = [];
    /** `des prove` in a fresh process, nothing reused: wall time and its JSON report. */
    const prove = (workers: number, dir: string) => {
      rmSync(dir, { recursive: true, force: true });
      const args = [
        "prove",
        flags.block,
        "--profile",
        flags.profile,
        "--workers",
        String(workers),
        "--out",
        dir,
        "--json",
        ...(flags.aggregate ? [] : ["--no-aggregate"]),
      ];
      return node(["--import", loader, main, ...args]);
    };
    console.error(`warming up (compile, setup${flags.aggregate ? ", node circuits" : ""})…`);
    prove(1, join(flags.out, "warmup"));
    for (const w of flags.workers) {
      console.error(`proving with ${w} worker(s)…`);
      const { stdout, ms } = prove(w, join(flags.out, `w${w}`));
      const r = JSON.parse(stdout) as {
        proofs: unknown[];
        phases: { proveMs: number };
        inputs: typeof inputs;
        resources: { maxRssMb: number; cpuSeconds: number };
        aggregation?: { wallSeconds: number; nodes: unknown[] };
      };
      inputs = r.inputs;
      runs.push({
        workers: w,
        proofs: r.proofs.length,
        wallMs: ms,
        proveMs: r.phases.proveMs,
        speedup: 0,
        ideal: Math.min(w, cores, r.proofs.length),
        efficiency: 0,
        cpuUtilisation: r.resources.cpuSeconds / (ms / 1000) / cores,
        maxRssMb: r.resources.maxRssMb,
        ...(r.aggregation
          ? { aggregateSeconds: r.aggregation.wallSeconds, nodes: r.aggregation.nodes.length }
          : {}),
      });
    }
    const one = runs.find((r) => r.workers === 1) ?? runs[0]!;
    for (const r of runs) {
      r.speedup = one.proveMs / r.proveMs;
      r.efficiency = r.speedup / r.ideal;
    }
    let baselineMs: number | undefined;
    if (baseline) {
      console.error(`baseline: snarkjs CLI on the same ${inputs.length} proofs, one after another…`);
      const cli = join(REPO_ROOT, "node_modules/snarkjs/cli.js");
      const tmp = join(flags.out, "baseline");
      mkdirSync(tmp, { recursive: true });
      baselineMs = 0;
      for (const i of inputs) {
        const wtns = join(tmp, `${i.name}.wtns`);
        baselineMs += node([cli, "wtns", "calculate", i.wasm, i.input, wtns]).ms;
        baselineMs += node([
          cli,
          "groth16",
          "prove",
          i.zkey,
          wtns,
          join(tmp, `${i.name}.proof.json`),
          join(tmp, `${i.name}.public.json`),
        ]).ms;
      }
    }
    console.log(`block ${flags.block}, profile ${flags.profile}, ${one.proofs} proofs, ${cores} cores`);
    console.log(
      table(
        [
          "workers",
          "prove s",
          "wall s",
          "speedup",
          "ideal",
          "efficiency",
          "CPU util",
          "peak MiB",
          "vs baseline",
          ...(flags.aggregate ? ["tree s", "nodes"] : []),
        ],
        runs.map((r) => [
          r.workers,
          (r.proveMs / 1000).toFixed(1),
          (r.wallMs / 1000).toFixed(1),
          `${r.speedup.toFixed(2)}×`,
          r.ideal,
          `${(100 * r.efficiency).toFixed(0)}%`,
          `${(100 * r.cpuUtilisation).toFixed(0)}%`,
          r.maxRssMb,
          baselineMs ? `${(baselineMs / r.proveMs).toFixed(2)}× faster` : "-",
          ...(flags.aggregate ? [r.aggregateSeconds?.toFixed(1) ?? "-", r.nodes ?? "-"] : []),
        ]),
      ),
    );
    if (baselineMs)
      console.log(
        `snarkjs CLI baseline (wtns calculate + groth16 prove, sequential): ${(baselineMs / 1000).toFixed(1)} s`,
      );
    writeFileAtomic(
      join(flags.out, "bench.json"),
      toJSON({
        block: flags.block,
        profile: flags.profile,
        cores,
        aggregate: flags.aggregate,
        runs,
        baselineMs,
      }),
    );
    writeFileAtomic(join(flags.out, "bench.svg"), svg(runs, baselineMs));
    console.log(`wrote ${join(flags.out, "bench.json")} and ${join(flags.out, "bench.svg")}`);
    return 0;
  },
};
