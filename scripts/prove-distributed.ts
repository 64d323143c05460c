/**
 * `make prove-distributed WORKERS=N`: a distributed block proof on this machine. Starts a
 * redis-server on loopback, N `des worker` processes (one core each, an equal share of the memory,
 * pinned to a core with taskset where it exists), and the coordinator `des prove BLOCK --redis`;
 * then verifies the block proof (des verify --block) and stops everything. The coordinator's and
 * the workers' output go to this terminal, each line prefixed by its process.
 *
 * Usage: scripts/prove-distributed.ts --workers N --block FILE [--profile P] [--out DIR]
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { availableParallelism, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "../src/build/circom.ts";
import { startRedisServer } from "../src/dist/redis.ts";

const { values } = parseArgs({
  options: {
    workers: { type: "string", default: "2" },
    block: { type: "string", default: "samples/independent-4.json" },
    profile: { type: "string", default: "tiny" },
    out: { type: "string", default: "out" },
  },
});
const n = Number(values.workers);
if (!Number.isInteger(n) || n < 1 || n > 64) {
  console.error(`make prove-distributed: WORKERS must be 1..64, got ${values.workers}`);
  process.exit(2);
}
const DES = join(REPO_ROOT, "bin", "des");
const taskset = spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
const cores = availableParallelism();
const memoryMiB = Math.floor(((totalmem() / 2 ** 20) * 0.85) / n);

function run(tag: string, cmd: string, args: string[]): { child: ChildProcess; exited: Promise<number> } {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  const prefix = (s: NodeJS.WritableStream) => (d: Buffer) => {
    for (const line of String(d).split("\n")) if (line) s.write(`[${tag}] ${line}\n`);
  };
  child.stdout!.on("data", prefix(process.stdout));
  child.stderr!.on("data", prefix(process.stderr));
  return { child, exited: new Promise((r) => child.once("exit", (code) => r(code ?? 1))) };
}

const redis = await startRedisServer();
console.log(`redis-server on ${redis.url}; ${n} worker(s) of one core and ${memoryMiB} MiB each`);
const workers = Array.from({ length: n }, (_, i) => {
  const args = [
    "worker",
    "--redis",
    redis.url,
    "--cores",
    "1",
    "--memory-mib",
    String(memoryMiB),
    "--id",
    `worker-${i + 1}`,
  ];
  return taskset
    ? run(`worker-${i + 1}`, "taskset", ["-c", String(i % cores), DES, ...args])
    : run(`worker-${i + 1}`, DES, args);
});
let code = 1;
try {
  const c = run("coordinator", DES, [
    "prove",
    values.block!,
    "--profile",
    values.profile!,
    "--out",
    values.out!,
    "--redis",
    redis.url,
  ]);
  code = await c.exited;
  if (code === 0) {
    const v = run("verify", DES, ["verify", join(values.out!, "block.proof.json"), "--block", values.block!]);
    code = await v.exited;
  }
} finally {
  for (const w of workers) w.child.kill("SIGTERM");
  await Promise.all(workers.map((w) => w.exited));
  await redis.stop();
}
process.exit(code);
