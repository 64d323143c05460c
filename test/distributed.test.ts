/**
 * Distributed proving (src/dist/) against a real redis-server that the suite starts and stops on
 * loopback, with real `des worker` processes and the coordinator in its own process
 * (test/helpers/dist-coordinator.ts: `des prove --redis` with the stand-in child verifier of the
 * aggregation tests, so a node costs seconds). Nothing of BullMQ or Redis is mocked.
 *
 * Each test has its own key prefix (its own queues and jobs). Checks: two workers prove a block
 * whose proof des verify accepts, and a resubmission reuses every job; a worker killed with
 * SIGKILL mid-job does not stop the block (its job is retried by the other worker); a worker that
 * returns a tampered proof is rejected and named, and the rerun (which says when no live worker
 * serves its jobs' queue) proves that job again elsewhere;
 * a coordinator killed mid-block resumes without redoing a finished job; a Redis that may evict
 * keys is refused; artifacts are checked against their hash.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { generateBlock } from "../src/block/sample.ts";
import { blockToJSON } from "../src/block/schema.ts";
import { REPO_ROOT } from "../src/build/circom.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { ArtifactCache, ArtifactIndex } from "../src/dist/artifacts.ts";
import type { DistributedReport } from "../src/dist/coordinator.ts";
import { type RedisServer, redisServerAvailable, startRedisServer } from "../src/dist/redis.ts";
import { isDesError } from "../src/errors.ts";
import { getProfile } from "../src/profiles.ts";

const profile = getProfile("tiny");
const dir = mkdtempSync(join(tmpdir(), "des-dist-"));
const keysDir = join(dir, "keys");
const blockFile = join(dir, "block.json");
const DES = join(REPO_ROOT, "bin", "des");
let redis: RedisServer;
const procs = new Set<ChildProcess>();

interface Proc {
  child: ChildProcess;
  out: () => string;
  exited: Promise<number | null>;
}

function spawnLogged(cmd: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  procs.add(child);
  let out = "";
  child.stdout!.on("data", (d) => {
    out += String(d);
  });
  child.stderr!.on("data", (d) => {
    out += String(d);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      procs.delete(child);
      resolve(code);
    }),
  );
  return { child, out: () => out, exited };
}

/** A `des worker` process: one core, its own cache; env adds test hooks. */
function worker(id: string, prefix: string, env: Record<string, string> = {}): Proc {
  return spawnLogged(
    DES,
    [
      "worker",
      "--redis",
      redis.url,
      "--cores",
      "1",
      "--memory-mib",
      "3000",
      "--id",
      id,
      "--prefix",
      prefix,
      "--cache",
      join(dir, `cache-${id}`),
    ],
    { DES_WORKER_LOCK_MS: "3000", ...env },
  );
}

const coordinator = (prefix: string, out: string, url = redis.url) =>
  spawnLogged("node", [
    "--import",
    "tsx",
    join(REPO_ROOT, "test/helpers/dist-coordinator.ts"),
    blockFile,
    out,
    url,
    keysDir,
    prefix,
  ]);

async function finish(p: Proc): Promise<{
  code: number | null;
  report?: DistributedReport;
  error?: { code: string; message: string; details: Record<string, unknown> };
}> {
  const code = await p.exited;
  const lines = p.out().trim().split("\n");
  const json = (l: string | undefined) => {
    try {
      return l ? JSON.parse(l) : undefined;
    } catch {
      return undefined;
    }
  };
  const last = lines.map(json).filter(Boolean);
  return code === 0 ? { code, report: last.at(-1) } : { code, error: last.find((j) => j.code) };
}

async function until(what: string, cond: () => boolean, ms = 120_000): Promise<void> {
  const t = Date.now();
  while (!cond()) {
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stop(p: Proc): Promise<number | null> {
  if (p.child.exitCode === null) p.child.kill("SIGTERM");
  return p.exited;
}

const doneLines = (p: Proc) =>
  p
    .out()
    .match(/: \S+ done in/g)
    ?.map((l) => l.split(" ")[1]!) ?? [];

describe("distributed proving (BullMQ on a real redis-server)", {
  skip: !redisServerAvailable() && "redis-server missing (make native-deps)",
}, () => {
  before(async () => {
    await loadCrypto();
    redis = await startRedisServer();
    const block = generateBlock({ profile: "independent", txs: 6, seed: "agg", depth: profile.depth });
    writeFileSync(blockFile, JSON.stringify(blockToJSON(block)));
    mkdirSync(keysDir, { recursive: true });
  });

  after(async () => {
    for (const p of procs) p.kill("SIGKILL");
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("two worker processes prove a block that des verify accepts; a resubmission reuses every job; SIGTERM stops a worker cleanly", async () => {
    const prefix = "t-two";
    const ws = [
      worker("wa", prefix, { DES_WORKER_DELAY_MS: "300" }),
      worker("wb", prefix, { DES_WORKER_DELAY_MS: "300" }),
    ];
    const out = join(dir, "two");
    const r = await finish(coordinator(prefix, out));
    assert.equal(r.code, 0, JSON.stringify(r.error));
    const jobs = r.report!.jobs;
    assert.equal(jobs.length, 11); // 4 column leaves (3 + padding), 2 state leaves, 5 nodes
    assert.deepEqual(new Set(jobs.map((j) => j.worker)), new Set(["wa", "wb"]));
    assert.ok(jobs.every((j) => !j.reused));
    const vkey = join(out, "vkeys", `${r.report!.circuits!.circuits.at(-1)!.name}.json`);
    const v = spawnSync(
      DES,
      ["verify", join(out, "block.proof.json"), "--vkey", vkey, "--block", blockFile],
      {
        encoding: "utf8",
      },
    );
    assert.equal(v.status, 0, v.stderr + v.stdout);
    assert.match(v.stdout, /^OK: block 1/);
    // the same files as a local run: the leaf bundle, leaf and node proofs
    const bundle = JSON.parse(readFileSync(join(out, "leaves.json"), "utf8"));
    assert.equal(bundle.columns.length, 4);
    // resubmitted: nothing is proved again
    const again = await finish(coordinator(prefix, join(dir, "two-again")));
    assert.equal(again.code, 0, JSON.stringify(again.error));
    assert.ok(again.report!.jobs.every((j) => j.reused));
    assert.equal(doneLines(ws[0]!).length + doneLines(ws[1]!).length, 11);
    for (const w of ws) {
      assert.equal(await stop(w), 0);
      assert.match(w.out(), /stopped after \d+ job\(s\)/);
    }
  });

  test("a worker killed mid-job (SIGKILL) does not stop the block: its job is retried by another worker", async () => {
    const prefix = "t-kill";
    const slow = worker("w-doomed", prefix, { DES_WORKER_DELAY_MS: "600000" });
    const c = coordinator(prefix, join(dir, "kill"));
    await until("the doomed worker to take a job", () => / taken \(attempt 1\)/.test(slow.out()));
    const held = / (\S+) taken \(attempt 1\)/.exec(slow.out())![1]!;
    slow.child.kill("SIGKILL");
    await slow.exited;
    const ok = worker("w-survivor", prefix);
    const r = await finish(c);
    assert.equal(r.code, 0, JSON.stringify(r.error));
    const job = r.report!.jobs.find((j) => j.name === held)!;
    assert.equal(job.worker, "w-survivor");
    assert.ok(r.report!.jobs.every((j) => j.worker === "w-survivor"));
    assert.equal(await stop(ok), 0);
  });

  test("a worker returning a tampered proof is rejected and named; the rerun proves that job again on an honest worker", async () => {
    const prefix = "t-tamper";
    const bad = worker("w-liar", prefix, { DES_WORKER_TAMPER: "column-2" });
    const r = await finish(coordinator(prefix, join(dir, "tamper")));
    assert.equal(r.code, 1);
    assert.equal(r.error!.code, "PROVER_FAULT");
    assert.equal(r.error!.details.job, "column-2");
    assert.equal(r.error!.details.worker, "w-liar");
    assert.match(r.error!.message, /does not verify/);
    assert.equal(await stop(bad), 0);
    // no worker now: the coordinator says which queue waits for one, and goes on when one comes
    const pending = coordinator(prefix, join(dir, "tamper-again"));
    await until("the coordinator to say that no worker serves a queue", () =>
      /waiting: no live worker serves queue (leaf|node)-c1-m\d+/.test(pending.out()),
    );
    const honest = worker("w-honest", prefix);
    const again = await finish(pending);
    assert.equal(again.code, 0, JSON.stringify(again.error));
    const jobs = again.report!.jobs;
    assert.equal(jobs.find((j) => j.name === "column-2")!.worker, "w-honest");
    // the liar's other (checked) proofs are reused
    assert.ok(jobs.some((j) => j.worker === "w-liar" && j.reused));
    assert.equal(await stop(honest), 0);
  });

  test("a coordinator killed mid-block resumes when restarted, without redoing a finished job", async () => {
    const prefix = "t-resume";
    const ws = [
      worker("wr1", prefix, { DES_WORKER_DELAY_MS: "1500" }),
      worker("wr2", prefix, { DES_WORKER_DELAY_MS: "1500" }),
    ];
    const out = join(dir, "resume");
    const first = coordinator(prefix, out);
    await until("two finished jobs", () => doneLines(ws[0]!).length + doneLines(ws[1]!).length >= 2);
    first.child.kill("SIGKILL");
    await first.exited;
    const finishedBefore = doneLines(ws[0]!).length + doneLines(ws[1]!).length;
    const r = await finish(coordinator(prefix, out));
    assert.equal(r.code, 0, JSON.stringify(r.error));
    const done = [...doneLines(ws[0]!), ...doneLines(ws[1]!)];
    // every job finished exactly once across both coordinators
    assert.equal(done.length, 11, done.join(" "));
    assert.equal(new Set(done).size, 11);
    assert.ok(r.report!.jobs.filter((j) => j.reused).length >= finishedBefore);
    for (const w of ws) assert.equal(await stop(w), 0);
  });

  test("Redis with an eviction policy is refused (BullMQ needs noeviction); an unreachable Redis is named", async () => {
    const evicting = await startRedisServer({ policy: "allkeys-lru" });
    try {
      const r = await finish(coordinator("t-evict", join(dir, "evict"), evicting.url));
      assert.equal(r.code, 1);
      assert.equal(r.error!.code, "UNSAFE_REDIS");
      assert.match(r.error!.message, /allkeys-lru.*noeviction/);
    } finally {
      await evicting.stop();
    }
    const w = spawnSync(DES, ["worker", "--redis", "redis://127.0.0.1:1"], { encoding: "utf8" });
    assert.equal(w.status, 1);
    assert.match(w.stderr, /REDIS_UNREACHABLE/);
    const bad = spawnSync(DES, ["worker", "--redis", redis.url, "--cores", "0"], { encoding: "utf8" });
    assert.equal(bad.status, 2);
    const mixed = spawnSync(DES, ["prove", blockFile, "--store", dir], { encoding: "utf8" });
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, /--redis/);
  });

  test("artifacts: a worker uses a file only if its bytes hash to the name it was asked by", async () => {
    const src = join(dir, "art-src");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "a.wasm"), "wasm bytes");
    writeFileSync(join(src, "witness_calculator.js"), "calculator");
    const index = new ArtifactIndex();
    const g = await index.group([join(src, "a.wasm"), join(src, "witness_calculator.js")]);
    const store = join(dir, "art-store");
    assert.equal(index.publish(store), 2);
    const cache = new ArtifactCache(join(dir, "art-cache"), () => ({ store }));
    const d = await cache.materialize(g);
    assert.equal(readFileSync(join(d, "a.wasm"), "utf8"), "wasm bytes");
    // a store whose file was replaced: refused, nothing cached under its name
    const other = await index.group([join(src, "witness_calculator.js")]);
    writeFileSync(join(store, other.files[0]!.sha256), "tampered");
    const fresh = new ArtifactCache(join(dir, "art-cache-2"), () => ({ store }));
    await assert.rejects(fresh.materialize(other), (e) => isDesError(e) && /hash to/.test(e.message));
    await assert.rejects(fresh.materialize(other), (e) => isDesError(e) && /hash to/.test(e.message));
  });
});
