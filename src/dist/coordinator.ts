/**
 * `des prove BLOCK --redis URL`: the coordinator of a distributed block proof.
 *
 * It prepares the block as a local run does (execution, witnesses' inputs, leaf circuits and keys:
 * src/prove/pipeline.ts prepareBlock), builds the tree shape's node circuits (cached), plans the
 * aggregation tree (src/aggregate/prove.ts planTree), and submits the whole block as one BullMQ
 * flow: the root node job's children are the two sides' top nodes, and so on down to the leaf
 * jobs, which have none. A node job becomes runnable when both children have completed; BullMQ
 * hands it their results.
 *
 * - Ids are content hashes (jobs.ts): a resubmitted block, or a coordinator restarted after a
 *   crash, finds every job already finished and re-adds nothing that exists; failed jobs (and the
 *   parents they failed) are removed first so that they run again.
 * - Every result is checked here before it is used or written: its public signal must be its
 *   statement's hash and its proof must verify under the coordinator's own key for that circuit.
 *   A wrong proof is a PROVER_FAULT naming the job and the worker that returned it.
 * - A job that fails all its attempts fails the block: PROVER_FAULT naming the job, the worker that
 *   last held it, the attempts and the cause. Finished jobs stay in Redis and are reused by the
 *   next submission.
 * - The outputs are the local run's files: DIR/proofs/, DIR/leaves.json, DIR/aggregate/,
 *   DIR/block.proof.json, DIR/vkeys/.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type FlowChildJob, type FlowJob, FlowProducer, Job, Queue } from "bullmq";
import type { ProveResult } from "../../workers/prove.ts";
import { groth16BackgroundBackend, type NodeCircuit, type VerifierBackend } from "../aggregate/build.ts";
import {
  type AggregateOptions,
  buildTreeCircuits,
  NATIVE_NODE_PROVE_PEAK_MIB,
  nodeInputHash,
  planTree,
  type StoredNode,
  type TreeCircuits,
  type TreeNode,
  writeBlockProof,
} from "../aggregate/prove.ts";
import type { Block } from "../block/schema.ts";
import { desError } from "../errors.ts";
import type { CircuitProfile } from "../profiles.ts";
import {
  type LeafJob,
  type PreparedBlock,
  prepareBlock,
  storeLeafProof,
  treeShape,
  writeBundle,
} from "../prove/pipeline.ts";
import { DEV_NOTICE } from "../setup/index.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { ArtifactIndex, type ArtifactServer, serveArtifacts } from "./artifacts.ts";
import {
  JobResult,
  jobId,
  keys,
  type LeafJobData,
  leafPeakMiB,
  type NodeJobData,
  queueName,
} from "./jobs.ts";
import { checkEvictionPolicy, connectRedis, redactUrl, redisConnection } from "./redis.ts";
import { verifiesUnder } from "./worker.ts";

export interface DistributedOptions {
  profile: CircuitProfile;
  /** Threads for this machine's own work (execution, signature checks). */
  workers: number;
  /** Refuse a block above this many columns before anything is submitted (TOO_MANY_COLUMNS). */
  maxColumns?: number;
  outDir: string;
  redis: string;
  prefix?: string;
  /** Publish artifacts into this shared directory (the workers' --store). */
  store?: string;
  /** Serve artifacts over HTTP (default, on loopback, when no store is given). */
  serve?: { host?: string; port?: number; advertise?: string; token?: string } | false;
  /** Attempts per job (default 3). */
  attempts?: number;
  /** false: leaf jobs only (the leaf bundle); else the node circuits' options (tests: a stand-in backend). */
  aggregate?:
    | false
    | Pick<AggregateOptions, "backend" | "setup" | "budget" | "provePeakMiB" | "buildPeakMiB">;
  log?: (line: string) => void;
  pollMs?: number;
}

export interface DistributedJobReport {
  name: string;
  id: string;
  level: string;
  queue: string;
  worker: string;
  attempts: number;
  reused: boolean;
  witnessMs: number;
  proveMs: number;
  /** When a worker took the job and when it finished (epoch ms, Redis's record; 0 if unknown). */
  startedAt: number;
  finishedAt: number;
}

export interface DistributedReport {
  bundle: string;
  blockProof: string | null;
  jobs: DistributedJobReport[];
  /** Preparing (execution, circuits, artifacts), then from submission to the last result. */
  phases: { prepareMs: number; proveMs: number };
  wallMs: number;
  development: boolean;
  circuits: TreeCircuits["report"] | null;
}

/** One job of the graph, with what the coordinator needs to check its result. */
interface GraphJob {
  id: string;
  name: string;
  level: string;
  queue: string;
  data: LeafJobData | NodeJobData;
  vkey: unknown;
  expected: string;
  children: string[];
  parent?: string;
}

const jsonSafe = (v: unknown) =>
  JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x))) as Record<
    string,
    unknown
  >;

export async function proveDistributed(block: Block, opts: DistributedOptions): Promise<DistributedReport> {
  const t0 = performance.now();
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const prefix = opts.prefix ?? "des";
  const k = keys(prefix);
  const redis = await connectRedis(opts.redis);
  let server: ArtifactServer | undefined;
  const queues = new Map<string, Queue>();
  // BullMQ does not close connections it was given: every one is closed here at the end
  const conns: ReturnType<typeof redisConnection>[] = [];
  const conn = () => {
    const c = redisConnection(opts.redis);
    conns.push(c);
    return c;
  };
  try {
    await checkEvictionPolicy(redis);
    const prep = await prepareBlock(block, {
      profile: opts.profile,
      workers: opts.workers,
      maxColumns: opts.maxColumns,
      log,
    });
    const aggregate = opts.aggregate !== false;
    const backend: VerifierBackend =
      (opts.aggregate ? opts.aggregate.backend : undefined) ?? groth16BackgroundBackend;
    // the node circuits (cached by content: at once, once built for the tree shape)
    const circuits = aggregate
      ? buildTreeCircuits({ ...treeShape(prep), nodes: "plain" }, { ...(opts.aggregate || {}), backend, log })
      : undefined;
    circuits?.catch(() => {});
    const index = new ArtifactIndex();
    const queueOf = (q: string) => {
      let x = queues.get(q);
      if (!x) {
        x = new Queue(q, { connection: conn(), prefix });
        queues.set(q, x);
      }
      return x;
    };
    const attempts = opts.attempts ?? 3;
    const jobOpts = {
      attempts,
      backoff: { type: "exponential", delay: 1_000 },
      removeOnComplete: false,
      removeOnFail: false,
    } as const;
    const reusedAtStart = new Set<string>();
    const provedHere = new Set<string>();
    /** Publishes a graph's artifacts, submits what is not finished, and waits for every job. */
    const runGraph = async (graph: Graph) => {
      if (opts.store) log(`artifacts: ${index.publish(opts.store)} new file(s) published to ${opts.store}`);
      if (!server && opts.serve !== false && (opts.serve || !opts.store)) {
        const sv = opts.serve || {};
        server = await serveArtifacts(index, { ...sv, token: sv.token ?? process.env.DES_ARTIFACT_TOKEN });
        await redis.set(k.artifactsUrl, server.url);
      }
      if (server) log(`artifacts: ${index.size} file(s) served at ${server.url}`);
      const byId = new Map(graph.jobs.map((j) => [j.id, j]));
      const { reused, submit } = await prepareResubmission(graph, queueOf, log);
      // finished before this run: not the leaves this run proved first (a first build's early graph)
      for (const id of reused.keys()) if (!provedHere.has(id)) reusedAtStart.add(id);
      await redis.sadd(k.classes, ...new Set(graph.jobs.map((j) => j.queue)));
      // a finished (and checked) child is not submitted again: its result travels in its parent's data
      const flowOf = (id: string): FlowChildJob => {
        const j = byId.get(id)!;
        const given = j.children.filter((c) => reused.has(c)).map((c) => reused.get(c)!);
        const children = j.children.filter((c) => !reused.has(c));
        return {
          name: j.name,
          queueName: j.queue,
          data: given.length ? { ...j.data, given } : j.data,
          opts: { ...jobOpts, jobId: j.id, failParentOnFailure: true },
          ...(children.length ? { children: children.map(flowOf) } : {}),
        };
      };
      if (submit.length) {
        const producer = new FlowProducer({ connection: conn(), prefix });
        try {
          await producer.addBulk(
            submit.map((id) => ({ ...flowOf(id), opts: { ...jobOpts, jobId: id } }) as FlowJob),
          );
        } finally {
          await producer.close();
        }
      }
      const leaves = graph.jobs.filter((j) => j.data.kind === "leaf").length;
      log(
        `submitted block ${block.number}: ${graph.jobs.length} jobs (${leaves} leaves, ${graph.jobs.length - leaves} nodes) ` +
          `to ${redactUrl(opts.redis)}${reused.size ? `; ${reused.size} already finished` : ""}${submit.length ? "" : "; attached to the jobs already queued"}` +
          (prep.development ? ` — ${DEV_NOTICE}` : ""),
      );
      // each result checked as it arrives; progress per level
      return collect(graph, byId, queueOf, opts.pollMs ?? 500, log, reused, () => redis.hgetall(k.workers));
    };

    // cached circuits: the whole tree at once. A first run for the tree shape: the leaves go to the
    // workers while this machine builds the node circuits, then the nodes over the finished leaves.
    const ready = circuits
      ? await Promise.race([
          circuits.then(
            () => true,
            () => true,
          ),
          new Promise<boolean>((r) => setTimeout(() => r(false), 3_000).unref()),
        ])
      : true;
    const tSubmit = performance.now();
    let early = new Map<string, Collected>();
    if (!ready) {
      log("node circuits are being built: the leaves are submitted first");
      early = await runGraph(await buildGraph(prep, undefined, backend, index, {}));
      for (const id of early.keys()) if (!reusedAtStart.has(id)) provedHere.add(id);
    }
    const tc = circuits ? await circuits : undefined;
    const graph = await buildGraph(prep, tc, backend, index, opts.aggregate || {});
    const results = await runGraph(graph);
    for (const [id, r] of early) results.set(id, r);
    const reused = reusedAtStart;
    const tDone = performance.now();

    // outputs, as a local run writes them
    for (const j of prep.jobs) {
      const r = results.get(graph.leafIds.get(j.name)!)!.result;
      storeLeafProof(opts.outDir, j, {
        ...r,
        threadId: 0,
        pid: 0,
      } satisfies ProveResult);
    }
    const P = (name: string) => results.get(graph.leafIds.get(name)!)!.result;
    const bundle = writeBundle(prep, P, opts.outDir);
    let blockProof: string | null = null;
    if (tc && graph.root) {
      for (const n of graph.tree!.nodes) {
        const id = graph.nodeIds.get(n.name)!;
        const r = results.get(id)!.result;
        const c = circuitOf(tc, n);
        const [l, rr] = n.children.map((ch) => graph.signal(ch));
        writeFileAtomic(
          join(opts.outDir, "aggregate", `${n.name}.json`),
          JSON.stringify({
            name: n.name,
            inputHash: nodeInputHash(c.keys.hash, l!, rr!, n.glueInput),
            proof: r.proof,
            publicSignal: r.publicSignals[0]!,
            witnessSeconds: r.witnessMs / 1000,
            proveSeconds: r.proveMs / 1000,
          } satisfies StoredNode),
        );
      }
      const top = results.get(graph.root)!.result;
      blockProof = writeBlockProof(
        opts.outDir,
        graph.tree!.header,
        tc.root,
        { proof: top.proof, publicSignal: top.publicSignals[0]! },
        prep.development,
      );
    }
    return {
      bundle,
      blockProof,
      jobs: graph.jobs.map((j) => {
        const r = results.get(j.id)!;
        return {
          name: j.name,
          id: j.id,
          level: j.level,
          queue: j.queue,
          worker: r.result.worker,
          attempts: r.attempts,
          reused: reused.has(j.id),
          witnessMs: Math.round(r.result.witnessMs),
          proveMs: Math.round(r.result.proveMs),
          startedAt: r.startedAt,
          finishedAt: r.finishedAt,
        };
      }),
      phases: { prepareMs: tSubmit - t0, proveMs: tDone - tSubmit },
      wallMs: performance.now() - t0,
      development: prep.development,
      circuits: tc?.report ?? null,
    };
  } finally {
    await Promise.all([...queues.values()].map((q) => q.close()));
    await server?.close();
    redis.disconnect();
    for (const c of conns) c.disconnect();
  }
}

const circuitOf = (tc: TreeCircuits, n: TreeNode): NodeCircuit =>
  n.circuit.side === "root"
    ? tc.root
    : (n.circuit.side === "column" ? tc.columns : tc.states)[n.circuit.level - 1]!;

interface Graph {
  jobs: GraphJob[];
  root?: string;
  tree?: ReturnType<typeof planTree>;
  leafIds: Map<string, string>;
  nodeIds: Map<string, string>;
  /** A tree member's expected public signal, by name. */
  signal(name: string): string;
}

/** Plans every job of the block: ids, queues, data and the key its result is checked under. */
async function buildGraph(
  prep: PreparedBlock,
  tc: TreeCircuits | undefined,
  backend: VerifierBackend,
  index: ArtifactIndex,
  agg: Pick<AggregateOptions, "provePeakMiB">,
): Promise<Graph> {
  const jobs: GraphJob[] = [];
  const leafIds = new Map<string, string>();
  const nodeIds = new Map<string, string>();
  const signals = new Map<string, string>();
  const vkeyJSON = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const wasmGroup = (wasm: string) => index.group([wasm, join(wasm, "..", "witness_calculator.js")]);
  const leafJob = async (j: LeafJob): Promise<GraphJob> => {
    const zkey = await index.group([j.keys.zkey]);
    const peakMiB = leafPeakMiB(zkey.files[0]!.size);
    const expected = j.publicHash.toString();
    const input = jsonSafe(j.input);
    const id = jobId("leaf", { name: j.name, input, zkey: zkey.files[0]!.sha256, expected });
    signals.set(j.name, expected);
    leafIds.set(j.name, id);
    return {
      id,
      name: j.name,
      level: "leaves",
      queue: queueName("leaf", 1, peakMiB),
      data: {
        kind: "leaf",
        name: j.name,
        circuit: j.circuit.name,
        wasm: await wasmGroup(j.circuit.wasm),
        zkey,
        input,
        expected,
        cores: 1,
        peakMiB,
      },
      vkey: vkeyJSON(j.keys.vkey),
      expected,
      children: [],
    };
  };
  for (const j of prep.jobs) jobs.push(await leafJob(j));
  if (!tc) return { jobs, leafIds, nodeIds, signal: (n) => signals.get(n)! };

  const tree = planTree({
    columns: prep.columnSide.map((c, i) => ({
      name: `column-${c.id}`,
      publicSignal: signals.get(`column-${c.id}`)!,
      publics: prep.colWitnesses[i]!.publics,
    })),
    states: prep.stateWitnesses.map((w, i) => ({
      name: `state-${i}`,
      publicSignal: signals.get(`state-${i}`)!,
      publics: w.publics,
    })),
    depth: prep.block.depth,
    txsPerColumn: prep.profile.txs,
    id: { chainId: BigInt(prep.block.chainId), number: BigInt(prep.block.number), parent: prep.block.parent },
    txHashes: prep.hashes,
  });
  // the key each tree member's proof is made under
  const keyOf = new Map<string, string>();
  for (const j of prep.jobs) keyOf.set(j.name, j.keys.vkey);
  const provePeak = agg.provePeakMiB ?? NATIVE_NODE_PROVE_PEAK_MIB;
  const byName = new Map(jobs.map((j) => [j.name, j]));
  for (const n of tree.nodes) {
    const c = circuitOf(tc, n);
    keyOf.set(n.name, c.keys.vkey);
    const verifier = async (side: 0 | 1) => {
      const v = c.verifiers[side];
      const native = v.native;
      return {
        name: native ? (native.split("/").pop() ?? v.name) : v.name,
        vkey: vkeyJSON(keyOf.get(n.children[side])!),
        wasm: await wasmGroup(v.wasm),
        ...(native && existsSync(`${native}.dat`)
          ? { native: await index.group([{ path: native, exec: true }, `${native}.dat`]) }
          : {}),
      };
    };
    const verifiers = [await verifier(0), await verifier(1)] as NodeJobData["verifiers"];
    const witnessPeakMiB = c.verifiers.map((v) =>
      v.native ? backend.witnessPeakMiB.native : backend.witnessPeakMiB.wasm,
    ) as [number, number];
    const peakMiB = Math.max(...witnessPeakMiB, provePeak);
    const zkey = await index.group([c.keys.zkey]);
    const expected = n.expected.toString();
    const childIds = n.children.map((ch) => byName.get(ch)!.id);
    const id = jobId("node", {
      name: n.name,
      zkey: zkey.files[0]!.sha256,
      glueInput: n.glueInput,
      expected,
      children: childIds,
    });
    const job: GraphJob = {
      id,
      name: n.name,
      level: n.level,
      queue: queueName("node", 1, peakMiB),
      data: {
        kind: "node",
        name: n.name,
        level: n.level,
        circuit: c.name,
        backend: backend.id,
        zkey,
        glue: await wasmGroup(c.glue.wasm),
        verifiers,
        bindings: c.bindings,
        children: [
          { name: n.children[0], expected: signals.get(n.children[0])! },
          { name: n.children[1], expected: signals.get(n.children[1])! },
        ],
        glueInput: jsonSafe(n.glueInput),
        expected,
        cores: 1,
        peakMiB,
        witnessPeakMiB,
        provePeakMiB: provePeak,
      },
      vkey: vkeyJSON(c.keys.vkey),
      expected,
      children: childIds,
    };
    for (const ch of childIds) jobs.find((j) => j.id === ch)!.parent = id;
    signals.set(n.name, expected);
    nodeIds.set(n.name, id);
    byName.set(n.name, job);
    jobs.push(job);
  }
  return { jobs, root: nodeIds.get(tree.root), tree, leafIds, nodeIds, signal: (n) => signals.get(n)! };
}

/**
 * Before (re)submitting, the state of every job of the graph in Redis. Finished jobs whose results
 * check out are reused. If the block's jobs are all there and none failed (a coordinator restarted
 * while they run, or a second coordinator), nothing is submitted: this one attaches to them.
 * Otherwise (a first submission, or a failed or rejected job) it waits for jobs still held by
 * workers, removes every job that is not reused, and submits the tops of what is left: a flow
 * whose finished subtrees are replaced by their results in their parents' data, so no new job
 * ever depends on an old one.
 */
async function prepareResubmission(
  graph: Graph,
  queueOf: (q: string) => Queue,
  log: (line: string) => void,
): Promise<{ reused: Map<string, JobResult>; submit: string[] }> {
  const reused = new Map<string, JobResult>();
  const states = new Map<string, string>();
  let broken = false;
  for (const j of graph.jobs) {
    const job = await Job.fromId(queueOf(j.queue), j.id);
    if (!job) continue;
    const state = await job.getState();
    states.set(j.id, state);
    if (state === "completed") {
      const r = await checkResult(j, job.returnvalue);
      if (r) reused.set(j.id, r);
      else {
        log(`${j.name}: its stored result does not check out: it is proved again`);
        broken = true;
      }
    } else if (state === "failed") broken = true;
  }
  const tops = graph.jobs.filter((j) => !j.parent).map((j) => j.id);
  const attach = !broken && tops.every((id) => states.has(id));
  if (attach) return { reused, submit: [] };
  const redo = graph.jobs.filter((j) => states.has(j.id) && !reused.has(j.id));
  for (let waited = false; ; waited = true) {
    const active = [];
    for (const j of redo) if ((await queueOf(j.queue).getJobState(j.id)) === "active") active.push(j.name);
    if (!active.length) break;
    if (!waited) log(`waiting for ${active.length} job(s) of the previous submission still held by workers`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  // top-down, so that no parent is left waiting on a removed child
  for (const j of [...redo].reverse()) {
    const job = await Job.fromId(queueOf(j.queue), j.id);
    if (job) await job.remove({ removeChildren: false });
  }
  if (redo.length) log(`resubmitting ${redo.length} failed or unfinished job(s)`);
  return { reused, submit: tops.filter((id) => !reused.has(id)) };
}

/** Whether a returned value is a well-formed result whose proof verifies for the job's statement. */
async function checkResult(j: GraphJob, value: unknown): Promise<JobResult | undefined> {
  const r = JobResult.safeParse(value);
  if (!r.success || r.data.name !== j.name || r.data.publicSignals[0] !== j.expected) return undefined;
  return (await verifiesUnder(j.vkey, j.expected, r.data.proof)) ? r.data : undefined;
}

interface Collected {
  result: JobResult;
  attempts: number;
  startedAt: number;
  finishedAt: number;
}

/** Waits for every job, checking each result as it arrives; progress per level on the log. */
async function collect(
  graph: Graph,
  byId: Map<string, GraphJob>,
  queueOf: (q: string) => Queue,
  pollMs: number,
  log: (line: string) => void,
  reused: Map<string, JobResult>,
  workers: () => Promise<Record<string, string>>,
): Promise<Map<string, Collected>> {
  const results = new Map<string, Collected>();
  for (const [id, result] of reused) results.set(id, { result, attempts: 0, startedAt: 0, finishedAt: 0 });
  const levels = [...new Set(graph.jobs.map((j) => j.level))];
  let last = "";
  let lastCheck = performance.now() - 10_000; // first check after 5 s
  const warned = new Set<string>();
  for (;;) {
    for (const j of graph.jobs) {
      if (results.has(j.id)) continue;
      const q = queueOf(j.queue);
      const state = await q.getJobState(j.id);
      if (state === "completed") {
        const job = (await Job.fromId(q, j.id))!;
        const r = await checkResult(j, job.returnvalue);
        if (!r) {
          const worker = (job.returnvalue as { worker?: unknown })?.worker;
          throw desError(
            "PROVER_FAULT",
            `job ${j.name} (${j.id}): the proof worker ${String(worker)} returned does not verify for its statement: rejected`,
            { job: j.name, id: j.id, worker, cause: "invalid proof" },
          );
        }
        results.set(j.id, {
          result: r,
          attempts: job.attemptsMade,
          startedAt: job.processedOn ?? 0,
          finishedAt: job.finishedOn ?? 0,
        });
      } else if (state === "failed") {
        throw await failure(byId, queueOf, j);
      }
    }
    if (performance.now() - lastCheck > 15_000) {
      lastCheck = performance.now();
      await warnUnserved(graph, results, workers, warned, log);
    }
    const line = levels
      .map((l) => {
        const of = graph.jobs.filter((j) => j.level === l);
        return `${l} ${of.filter((j) => results.has(j.id)).length}/${of.length}`;
      })
      .join(", ");
    if (line !== last) {
      log(`progress: ${line}`);
      last = line;
    }
    if (results.size === graph.jobs.length) return results;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * Says once per queue when unfinished jobs wait in a queue that no live worker serves (a worker
 * heartbeats every second; one silent for 15 s is not counted): a block whose jobs are larger than
 * every worker's declaration would otherwise wait without a word.
 */
async function warnUnserved(
  graph: Graph,
  results: Map<string, Collected>,
  workers: () => Promise<Record<string, string>>,
  warned: Set<string>,
  log: (line: string) => void,
): Promise<void> {
  const live = Object.values(await workers())
    .map((v) => {
      try {
        return JSON.parse(v) as { queues?: string[]; at?: number };
      } catch {
        return {};
      }
    })
    .filter((w) => typeof w.at === "number" && Date.now() - w.at < 15_000);
  const served = new Set(live.flatMap((w) => w.queues ?? []));
  for (const j of graph.jobs) {
    if (results.has(j.id) || served.has(j.queue) || warned.has(j.queue)) continue;
    warned.add(j.queue);
    log(
      `waiting: no live worker serves queue ${j.queue} (${live.length} live worker(s)); start one with ` +
        `--cores ≥ ${j.data.cores} and --memory-mib ≥ ${j.data.peakMiB}`,
    );
  }
}

/** The PROVER_FAULT of a failed flow: the job that failed first (not a parent failed by its child). */
async function failure(
  byId: Map<string, GraphJob>,
  queueOf: (q: string) => Queue,
  seen: GraphJob,
): Promise<Error> {
  let cause = seen;
  let job = (await Job.fromId(queueOf(seen.queue), seen.id))!;
  // descend to the child that made it fail
  for (;;) {
    let next: GraphJob | undefined;
    for (const ch of cause.children) {
      const c = byId.get(ch)!;
      if ((await queueOf(c.queue).getJobState(c.id)) === "failed") next = c;
    }
    if (!next) break;
    cause = next;
    job = (await Job.fromId(queueOf(cause.queue), cause.id))!;
  }
  const logs = await queueOf(cause.queue).getJobLogs(cause.id);
  const lastTaken = [...logs.logs].reverse().find((l) => l.startsWith("taken by worker "));
  const worker =
    /^worker (\S+):/.exec(job.failedReason ?? "")?.[1] ??
    /^taken by worker (\S+)/.exec(lastTaken ?? "")?.[1] ??
    "unknown";
  return desError(
    "PROVER_FAULT",
    `job ${cause.name} (${cause.id}) failed after ${job.attemptsMade} attempt(s) on worker ${worker}: ${job.failedReason}; ` +
      "finished jobs are kept in Redis and reused by the next submission",
    { job: cause.name, id: cause.id, worker, attempts: job.attemptsMade, cause: job.failedReason },
  );
}
