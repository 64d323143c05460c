/**
 * `des worker`: a long-running prover on any machine. It serves the BullMQ queues of the resource
 * classes that fit its declared cores and memory (jobs.ts), runs each job under its own Budget
 * (the same weights as the local runner), and returns a proof.
 *
 * - Leaf job: the circuit's WebAssembly witness and a Groth16 proof (workers/prove.ts, on a
 *   piscina pool; the native prover where it is built).
 * - Node job: its two children's results (BullMQ hands a parent its children's return values),
 *   each checked with snarkjs against the child's key and expected public signal before anything
 *   else (a wrong proof from another worker is named, not proved over), then the node's work
 *   exactly as the local runner does it (src/aggregate/prove.ts proveNodeWork).
 *
 * Faults: a deterministic failure (a result that disagrees with its statement, a child that does
 * not verify) is an UnrecoverableError, never retried; anything else is retried by BullMQ up to the
 * job's attempts, with the last error kept. BullMQ renews the job's lock while the work runs off
 * the event loop (worker threads, the native prover); a killed worker's lock expires and the job
 * is taken again by another worker (stalled). On SIGTERM the worker stops taking jobs, finishes the
 * ones it holds, and exits.
 */
import { mkdirSync, rmSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import * as snarkjs from "snarkjs";
import type { ProveResult, ProveTask } from "../../workers/prove.ts";
import type { WtnsTask } from "../../workers/wtns.ts";
import { type NodeWorkCircuit, type Proved, proveNodeWork } from "../aggregate/prove.ts";
import { STAND_IN_BACKEND_ID, standInInput } from "../aggregate/standin.ts";
import { verifierConstants, verifierInput, verifierTrace } from "../bn254/groth16.ts";
import type { SnarkjsVkey } from "../bn254/pairing.ts";
import { ARTIFACTS } from "../build/circom.ts";
import { resolveNativeProver } from "../build/prover.ts";
import type { CircuitInput } from "../circuits/wasm-witness.ts";
import { loadCrypto } from "../crypto/poseidon.ts";
import { isDesError } from "../errors.ts";
import { Budget } from "../pool/budget.ts";
import { createPool } from "../pool/pool.ts";
import { ArtifactCache } from "./artifacts.ts";
import { JobData, JobResult, keys, type LeafJobData, type NodeJobData, parseQueueName } from "./jobs.ts";
import { redisConnection } from "./redis.ts";

export interface WorkerOptions {
  redis: string;
  cores: number;
  memoryMiB: number;
  /** Where pulled artifacts are kept (default artifacts/worker-cache). */
  cache?: string;
  /** A shared store directory the coordinator publishes artifacts to (`des prove --store`). */
  store?: string;
  /** Bearer token for the coordinator's artifact server. */
  token?: string;
  id?: string;
  prefix?: string;
  /** BullMQ lock duration, ms (default 30 s): a killed worker's job is retried after about this. */
  lockMs?: number;
  log?: (line: string) => void;
  /** Test hooks: return a tampered proof for jobs of these names; wait this long before working. */
  tamper?: readonly string[];
  delayMs?: number;
}

export interface RunningWorker {
  id: string;
  /** Stops taking jobs, waits for the ones held, closes everything. */
  stop(): Promise<void>;
  /** Jobs this worker finished. */
  readonly done: number;
}

/** A child verifier's witness input for a proof, for the backend a node job names. */
function inputFor(backend: string, vkey: SnarkjsVkey): (proof: unknown, x: string) => CircuitInput {
  if (backend === STAND_IN_BACKEND_ID) return standInInput;
  if (backend === "groth16-verifier") {
    const k = verifierConstants(vkey);
    return (proof, x) => verifierInput(verifierTrace(k, proof as never, x)) as CircuitInput;
  }
  throw new UnrecoverableError(`unknown child-verifier backend ${backend}`);
}

/** Whether a Groth16 proof verifies with one public signal under a key; malformed input: false. */
export async function verifiesUnder(vkey: unknown, publicSignal: string, proof: unknown): Promise<boolean> {
  try {
    return await snarkjs.groth16.verify(vkey as never, [publicSignal], proof as never);
  } catch {
    return false;
  }
}

const POLL_MS = 1_000;

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const id = opts.id ?? `${hostname()}-${process.pid}`;
  const prefix = opts.prefix ?? "des";
  const k = keys(prefix);
  await loadCrypto();
  const budget = new Budget({ memoryMiB: opts.memoryMiB, cores: opts.cores });
  const redis: Redis = redisConnection(opts.redis);
  const cache = new ArtifactCache(opts.cache ?? join(ARTIFACTS, "worker-cache"), () => ({
    store: opts.store,
    url: artifactsUrl,
    token: opts.token,
  }));
  let artifactsUrl: string | undefined;
  const prover = await resolveNativeProver(log);
  let leafPool: ReturnType<typeof createPool> | undefined;
  let wtnsPool: ReturnType<typeof createPool> | undefined;
  const tamper = new Set(opts.tamper ?? []);
  const workers = new Map<string, Worker>();
  const conns: Redis[] = [];
  let done = 0;
  let stopping = false;

  const leaf = async (d: LeafJobData): Promise<JobResult> => {
    const [wasmDir, zkey] = await Promise.all([cache.materialize(d.wasm), cache.file(d.zkey)]);
    const wasm = join(wasmDir, d.wasm.files.find((f) => f.name.endsWith(".wasm"))!.name);
    leafPool ??= createPool({ task: "prove.ts", threads: opts.cores });
    const pool = leafPool;
    const r = (await budget.run({ name: d.name, peakMiB: d.peakMiB, cores: d.cores }, () =>
      pool.run({
        wasm,
        zkey,
        input: d.input,
        native: prover ? { bin: prover.bin, threads: d.cores } : undefined,
      } satisfies ProveTask),
    )) as ProveResult;
    if (r.publicSignals[0] !== d.expected)
      throw new UnrecoverableError(
        `WITNESS_MISMATCH: ${d.name}: the circuit's public signal ${r.publicSignals[0]} ≠ the statement's ${d.expected}`,
      );
    return {
      name: d.name,
      proof: r.proof as JobResult["proof"],
      publicSignals: r.publicSignals,
      worker: id,
      witnessMs: r.witnessMs,
      proveMs: r.proveMs,
      prover: r.prover,
    };
  };

  const node = async (job: Job, d: NodeJobData): Promise<JobResult> => {
    // the children's results, as BullMQ stored them (or the coordinator passed them, for children
    // finished by an earlier submission): checked before they are used
    const values = [...(d.given ?? []), ...Object.values(await job.getChildrenValues())];
    const children: Proved[] = [];
    for (const [i, c] of d.children.entries()) {
      const raw = values.find((v) => (v as { name?: unknown })?.name === c.name);
      const parsed = JobResult.safeParse(raw);
      if (!parsed.success)
        throw new UnrecoverableError(`${d.name}: child ${c.name} has no well-formed result`);
      const r = parsed.data;
      if (
        r.publicSignals[0] !== c.expected ||
        !(await verifiesUnder(d.verifiers[i]!.vkey, c.expected, r.proof))
      )
        throw new UnrecoverableError(
          `${d.name}: child ${c.name}'s proof (from worker ${r.worker}) does not verify under its key for its statement`,
        );
      children.push({ name: c.name, proof: r.proof, publicSignal: c.expected });
    }
    const dirs = await Promise.all([
      cache.file(d.zkey),
      cache.materialize(d.glue),
      ...d.verifiers.flatMap((v) => [
        cache.materialize(v.wasm),
        v.native ? cache.materialize(v.native) : undefined,
      ]),
    ]);
    const fileIn = (dir: string | undefined, g: NodeJobData["glue"] | undefined, suffix: string) =>
      dir && g ? join(dir, g.files.find((f) => f.name.endsWith(suffix))!.name) : undefined;
    const verifier = (i: 0 | 1): NodeWorkCircuit["verifiers"][0] => {
      const v = d.verifiers[i];
      const native = v.native ? join(dirs[3 + 2 * i]!, v.name) : undefined;
      return {
        wasm: fileIn(dirs[2 + 2 * i], v.wasm, ".wasm")!,
        native,
        input: inputFor(d.backend, v.vkey as unknown as SnarkjsVkey),
      };
    };
    const c: NodeWorkCircuit = {
      name: d.circuit,
      zkey: dirs[0]!,
      glueWasm: fileIn(dirs[1], d.glue, ".wasm")!,
      verifiers: [verifier(0), verifier(1)],
      bindings: d.bindings,
    };
    wtnsPool ??= createPool({ task: "wtns.ts", threads: opts.cores });
    const pool = wtnsPool;
    const work = join(cache.dir, "work", `${job.id}-${process.pid}`);
    mkdirSync(work, { recursive: true });
    try {
      const w = await proveNodeWork(
        c,
        { name: d.name, glueInput: d.glueInput, expected: BigInt(d.expected) },
        children[0]!,
        children[1]!,
        work,
        {
          claim: (claim, fn) => budget.run(claim, fn),
          witnessPeakMiB: (v) => (v === c.verifiers[0] ? d.witnessPeakMiB[0] : d.witnessPeakMiB[1]),
          provePeakMiB: Math.min(d.provePeakMiB, opts.memoryMiB),
          wtns: (task) => pool.run(task satisfies WtnsTask),
          prover: prover ? { bin: prover.bin, threads: opts.cores } : undefined,
          cores: opts.cores,
          memoryMiB: budget.memoryMiB,
        },
      );
      return {
        name: d.name,
        proof: w.proof as JobResult["proof"],
        publicSignals: [w.publicSignal],
        worker: id,
        witnessMs: w.witnessSeconds * 1000,
        proveMs: w.proveSeconds * 1000,
        prover: prover ? "native" : "snarkjs",
      };
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  };

  const process_ = async (job: Job): Promise<JobResult> => {
    await job.log(`taken by worker ${id} (attempt ${job.attemptsMade + 1})`);
    log(`${id}: ${job.name} taken (attempt ${job.attemptsMade + 1})`);
    const parsed = JobData.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`malformed job data: ${parsed.error.issues[0]?.message}`);
    const d = parsed.data;
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    const t0 = performance.now();
    try {
      const r = d.kind === "leaf" ? await leaf(d) : await node(job, d);
      if (tamper.has(d.name)) r.proof = { ...r.proof, pi_a: r.proof.pi_c };
      done++;
      log(`${id}: ${d.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return r;
    } catch (e) {
      if (e instanceof UnrecoverableError) throw new UnrecoverableError(`worker ${id}: ${e.message}`);
      const msg = `worker ${id}: ${isDesError(e) ? `${e.code}: ` : ""}${(e as Error).message}`;
      log(`${id}: ${d.name} failed: ${msg}`);
      // a witness that fails its circuit's constraints, or a mismatch, is the same on every machine
      if (
        isDesError(e) &&
        ["WITNESS_MISMATCH", "WITNESS_FAILED", "PROVER_FAULT"].includes(e.code) &&
        e.details.child
      )
        throw new UnrecoverableError(msg);
      throw new Error(msg);
    }
  };

  const lockDuration = opts.lockMs ?? 30_000;
  const fits = (q: string) => {
    const c = parseQueueName(q);
    return c !== undefined && c.cores <= opts.cores && c.peakMiB <= opts.memoryMiB;
  };
  const refresh = async () => {
    if (stopping) return;
    const [classes, url] = await Promise.all([redis.smembers(k.classes), redis.get(k.artifactsUrl)]);
    artifactsUrl = url ?? undefined;
    for (const q of classes) {
      if (workers.has(q) || !fits(q)) continue;
      const c = parseQueueName(q)!;
      const connection = redisConnection(opts.redis);
      conns.push(connection);
      const w = new Worker(q, process_, {
        connection,
        prefix,
        // as many as could run at once; the Budget holds the rest (their locks are renewed meanwhile)
        concurrency: Math.max(1, Math.floor(opts.cores / c.cores)),
        lockDuration,
        stalledInterval: Math.max(1_000, Math.floor(lockDuration / 2)),
        maxStalledCount: 1,
      });
      w.on("error", (e) => log(`${id}: queue ${q}: ${e.message}`));
      workers.set(q, w);
      log(`${id}: serving ${q}`);
    }
    await redis.hset(
      k.workers,
      id,
      JSON.stringify({
        cores: opts.cores,
        memoryMiB: opts.memoryMiB,
        queues: [...workers.keys()],
        at: Date.now(),
      }),
    );
  };
  await refresh();
  const timer = setInterval(() => {
    refresh().catch((e) => log(`${id}: ${(e as Error).message}`));
  }, POLL_MS);
  log(
    `worker ${id}: ${opts.cores} core(s), ${opts.memoryMiB} MiB, prover ${prover ? "native" : "snarkjs"}, waiting for jobs`,
  );

  return {
    id,
    get done() {
      return done;
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      await Promise.all([...workers.values()].map((w) => w.close()));
      await redis.hdel(k.workers, id).catch(() => {});
      redis.disconnect();
      for (const c of conns) c.disconnect();
      await Promise.all([leafPool?.destroy(), wtnsPool?.destroy()]);
    },
  };
}
