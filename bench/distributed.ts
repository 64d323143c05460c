/**
 * Distributed leaf-proving benchmark (`make bench-distributed`): the leaf proofs of one block
 * (default samples/independent-16.json, tiny profile) made through Redis and BullMQ by 1 and by 2
 * `des worker` processes, each pinned to one core (taskset) with one core declared, in one run;
 * the local pipeline (`des prove --no-aggregate`, 1 and 2 threads) is measured in the same run as
 * the baseline, pinned to as many cores. Every run uses its own key prefix, so nothing is reused; a warm-up run fills the
 * workers' artifact caches first.
 *
 * Reported per run: wall time of the proving phase (submission to the last checked result),
 * speedup against 1 worker, the proof work (witness + proof, the workers' own timing), and the
 * queue overhead per job: (workers × wall − work) / jobs, i.e. the time a worker's core is not
 * proving: BullMQ's round trips, the coordinator's polling and checking, job data parsing.
 *
 * Then the schedule of a distributed block proof from these figures: leaves in parallel on M
 * machines, then one node per tree level on the critical path (node time: the node proofs of an
 * earlier `make prove` in out/aggregate or --nodes DIR, this machine's recorded median, or
 * --node-seconds), plus a network hop per round (src/model/cost.ts).
 *
 * Prints tables; writes artifacts/bench/distributed.json.
 * Usage: npx tsx bench/distributed.ts [--block FILE] [--nodes DIR | --node-seconds S] [--hop-ms MS]
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadBlock } from "../src/block/schema.ts";
import { ARTIFACTS, REPO_ROOT } from "../src/build/circom.ts";
import { table } from "../src/cli/command.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { type DistributedReport, proveDistributed } from "../src/dist/coordinator.ts";
import { startRedisServer } from "../src/dist/redis.ts";
import { measuredCosts, schedule, treeCounts } from "../src/model/cost.ts";
import { getProfile } from "../src/profiles.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";

const { values } = parseArgs({
  options: {
    block: { type: "string", default: "samples/independent-16.json" },
    profile: { type: "string", default: "tiny" },
    "node-seconds": { type: "string" },
    "hop-ms": { type: "string", default: "50" },
    nodes: { type: "string" },
  },
});
await loadCrypto();
const block = loadBlock(values.block!);
const profile = getProfile(values.profile!);
const DES = join(REPO_ROOT, "bin", "des");
const taskset = spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
const work = mkdtempSync(join(tmpdir(), "des-bench-dist-"));
const quiet = () => {};
const redis = await startRedisServer();
const live = new Set<ChildProcess>();

function startWorkers(n: number, prefix: string): { procs: ChildProcess[]; ready: Promise<void> } {
  const procs = Array.from({ length: n }, (_, i) => {
    const args = [
      "worker",
      "--redis",
      redis.url,
      "--cores",
      "1",
      "--memory-mib",
      "4000",
      "--id",
      `bench-${i + 1}`,
      "--prefix",
      prefix,
      "--cache",
      join(work, `cache-${i + 1}`),
    ];
    const p = taskset
      ? spawn("taskset", ["-c", String(i), DES, ...args], { stdio: ["ignore", "ignore", "pipe"] })
      : spawn(DES, args, { stdio: ["ignore", "ignore", "pipe"] });
    live.add(p);
    return p;
  });
  const ready = Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          let out = "";
          p.stderr!.on("data", (d) => {
            out += String(d);
            if (out.includes("waiting for jobs")) resolve();
          });
        }),
    ),
  ).then(() => {});
  return { procs, ready };
}

async function stopWorkers(procs: ChildProcess[]): Promise<void> {
  await Promise.all(
    procs.map(
      (p) =>
        new Promise<void>((resolve) => {
          p.once("exit", () => resolve());
          p.kill("SIGTERM");
        }),
    ),
  );
  for (const p of procs) live.delete(p);
}

interface Row {
  runner: string;
  parallel: number;
  jobs: number;
  wallS: number;
  workS: number;
  overheadMsPerJob: number;
}

async function distributed(n: number, prefix: string): Promise<{ row: Row; report: DistributedReport }> {
  const { procs, ready } = startWorkers(n, prefix);
  await ready;
  try {
    const report = await proveDistributed(block, {
      profile,
      workers: 1,
      outDir: join(work, prefix),
      redis: redis.url,
      prefix,
      aggregate: false,
      log: quiet,
      pollMs: 50,
    });
    const fresh = report.jobs.filter((j) => !j.reused);
    const wallS = report.phases.proveMs / 1000;
    const workS = fresh.reduce((a, j) => a + j.witnessMs + j.proveMs, 0) / 1000;
    return {
      report,
      row: {
        runner: `${n} worker process${n > 1 ? "es" : ""}`,
        parallel: n,
        jobs: fresh.length,
        wallS,
        workS,
        overheadMsPerJob: ((n * wallS - workS) * 1000) / fresh.length,
      },
    };
  } finally {
    await stopWorkers(procs);
  }
}

/** The local pipeline in its own process, pinned to `threads` cores like the workers. */
async function local(threads: number): Promise<Row> {
  const args = [
    "prove",
    values.block!,
    "--profile",
    profile.name,
    "--workers",
    String(threads),
    "--no-aggregate",
    "--json",
    "--out",
    join(work, `local-${threads}`),
  ];
  const cpus = Array.from({ length: threads }, (_, i) => i).join(",");
  const r = taskset
    ? spawnSync("taskset", ["-c", cpus, DES, ...args], { encoding: "utf8", maxBuffer: 1 << 26 })
    : spawnSync(DES, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`des prove --no-aggregate failed: ${r.stderr}`);
  const rep = JSON.parse(r.stdout) as {
    phases: { proveMs: number };
    proofs: { witnessMs: number; proveMs: number }[];
  };
  const wallS = rep.phases.proveMs / 1000;
  const workS = rep.proofs.reduce((a, p) => a + p.witnessMs + p.proveMs, 0) / 1000;
  return {
    runner: `local pipeline, ${threads} thread${threads > 1 ? "s" : ""}`,
    parallel: threads,
    jobs: rep.proofs.length,
    wallS,
    workS,
    overheadMsPerJob: ((threads * wallS - workS) * 1000) / rep.proofs.length,
  };
}

try {
  console.error(`bench-distributed: ${values.block}, profile ${profile.name}; warm-up (fills the workers' caches)`);
  await distributed(2, "bench-warmup");
  const rows: Row[] = [];
  rows.push(await local(1));
  rows.push(await local(2));
  const one = await distributed(1, `bench-1-${Date.now()}`);
  rows.push(one.row);
  const two = await distributed(2, `bench-2-${Date.now()}`);
  rows.push(two.row);
  const base = one.row.wallS;
  console.log(
    table(
      ["runner", "jobs", "wall s", "speedup vs 1 worker", "work s", "queue overhead ms/job"],
      rows.map((r) => [
        r.runner,
        r.jobs,
        r.wallS.toFixed(2),
        (base / r.wallS).toFixed(2),
        r.workS.toFixed(2),
        r.overheadMsPerJob.toFixed(0),
      ]),
    ),
  );

  // the schedule of a distributed block proof on M machines (src/model/cost.ts), from the measured
  // leaf time through the queue and a node time (an earlier make prove's nodes, the machine's
  // recorded median, or --node-seconds)
  const leafS = one.row.wallS / one.row.jobs;
  const nodeDir = values.nodes ?? join(REPO_ROOT, "out", "aggregate");
  const stored = existsSync(nodeDir)
    ? readdirSync(nodeDir)
        .filter((f) => f.endsWith(".json") && !f.endsWith(".witness.json"))
        .map((f) => JSON.parse(readFileSync(join(nodeDir, f), "utf8")) as { witnessSeconds?: number; proveSeconds?: number })
        .filter((n) => typeof n.proveSeconds === "number" && n.proveSeconds > 0)
    : [];
  const nodeS = values["node-seconds"]
    ? Number(values["node-seconds"])
    : stored.length
      ? stored.reduce((a, n) => a + (n.witnessSeconds ?? 0) + n.proveSeconds!, 0) / stored.length
      : measuredCosts(profile.name).nodeSeconds;
  const hopS = Number(values["hop-ms"]) / 1000;
  const colLeaves = one.report.jobs.filter((j) => j.name.startsWith("column-")).length;
  const stLeaves = one.report.jobs.filter((j) => j.name.startsWith("state-")).length;
  // the counts of the real tree: colLeaves columns, stLeaves chunks of 1 key-slot each
  const tree = treeCounts(colLeaves, stLeaves, 1);
  const plan = [1, 2, 4, 8, 16, 64].map((m) =>
    schedule(tree, m, { leafSeconds: leafS, nodeSeconds: nodeS ?? 0, hopSeconds: hopS }),
  );
  console.log(
    `\nschedule of a block proof of ${values.block} (${colLeaves} column + ${stLeaves} state leaves, ${tree.nodes} nodes in ${tree.levels} levels; ` +
      `leaf ${leafS.toFixed(2)} s through the queue${nodeS === undefined ? "; no node time: run make prove first or give --node-seconds" : `, node ${nodeS.toFixed(0)} s, hop ${hopS * 1000} ms`}):`,
  );
  console.log(
    table(
      ["machines", "leaves s", "nodes s", "block proof s", "utilisation"],
      plan.map((s) => [
        s.machines,
        s.leafSeconds.toFixed(1),
        nodeS === undefined ? "-" : s.nodeSeconds.toFixed(0),
        nodeS === undefined ? "-" : s.latencySeconds.toFixed(0),
        nodeS === undefined ? "-" : `${(100 * s.utilisation).toFixed(0)}%`,
      ]),
    ),
  );
  const schedules = nodeS === undefined ? null : plan;
  const out = join(ARTIFACTS, "bench", "distributed.json");
  mkdirSync(join(ARTIFACTS, "bench"), { recursive: true });
  writeFileSync(out, JSON.stringify({ block: values.block, taskset, rows, nodeSeconds: nodeS ?? null, schedule: schedules }, null, 1));
  console.error(`wrote ${out}`);
} finally {
  for (const p of live) p.kill("SIGKILL");
  await redis.stop();
  await releaseSnarkjs();
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
