/**
 * `des prove`: block → validation → columns → execution → γ → witnesses → every column and
 * state-update proof in parallel on a piscina pool → the block bundle.
 *
 * Faults are attributable: a transaction that invalidates its column is a BLOCK_FAULT naming the
 * column and the transaction (the block's builder is at fault); a worker crash or timeout is a
 * prover fault, retried up to `retries` times while the other proofs go on. Every proof is written
 * atomically to DIR/proofs/ as soon as it exists, keyed by a hash of its input and proving key, so
 * an interrupted or partly failed run keeps its proofs and a rerun reuses them.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { ProveResult, ProveTask } from "../../workers/prove.ts";
import {
  type AggregateInput,
  type AggregateOptions,
  type AggregateReport,
  aggregateBlock,
  buildAggregateCircuits,
  type CircuitsReport,
  type TreeShape,
} from "../aggregate/prove.ts";
import { leafStatements } from "../aggregate/tree.ts";
import type { Block } from "../block/schema.ts";
import { loadGroth16Vkey } from "../bn254/verifier-build.ts";
import type { CompiledCircuit } from "../build/circom.ts";
import { resolveNativeProver } from "../build/prover.ts";
import { circuitsForProfile, compileProjectCircuit } from "../circuits/registry.ts";
import type { ColumnWitness, StateWitness } from "../circuits/witness.ts";
import { checkDeclared, type Partition, planColumns } from "../columns/partition.ts";
import { txListCommitment } from "../crypto/hash.ts";
import { desError, isDesError } from "../errors.ts";
import { recordCosts } from "../model/cost.ts";
import { createPool } from "../pool/pool.ts";
import type { CircuitProfile } from "../profiles.ts";
import { DEV_NOTICE, type SetupResult, setupCircuit } from "../setup/index.ts";
import { requireSigned } from "../state/execute.ts";
import { executeBlockParallel } from "../state/parallel.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { BUNDLE_FORMAT, BUNDLE_VERSION, type BundleJSON, vkeyHash } from "./bundle.ts";
import { ProgressBar } from "./progress.ts";

export interface ProveOptions {
  profile: CircuitProfile;
  workers: number;
  outDir: string;
  /** Extra attempts after a prover fault (default 2). */
  retries?: number;
  /** Per-proof time limit in ms (default 20 minutes). */
  timeoutMs?: number;
  /**
   * Refuse a block that needs more execution columns than this before executing or proving
   * anything (its proving cost is bounded by its column count): TOO_MANY_COLUMNS, the builder's fault.
   */
  maxColumns?: number;
  /** Test hook: jobs whose first attempt crashes its worker. */
  crashOnce?: readonly string[];
  log?: (line: string) => void;
  progress?: boolean;
  /**
   * Aggregate the leaf proofs into the block proof (DIR/block.proof.json). false: stop at the leaf
   * bundle (DIR/leaves.json). Options pass to src/aggregate/prove.ts (tests use a stand-in backend).
   */
  aggregate?: false | (Omit<AggregateOptions, "outDir" | "log"> & { circuitsOnly?: boolean });
}

export interface ProofRecord {
  name: string;
  circuit: string;
  constraints: number;
  witnessMs: number;
  proveMs: number;
  worker: string;
  attempts: number;
  reused: boolean;
  /** Which prover made the proof (a proof stored by an older version: snarkjs). */
  prover: "native" | "snarkjs";
}

export interface ProveReport {
  /** The leaf proofs with their public values (DIR/leaves.json, format des-block-bundle). */
  bundle: string;
  /** The aggregation (block proof and its report), unless disabled. */
  aggregation: AggregateReport | null;
  /** With `aggregate.circuitsOnly`: the tree's circuits, built and set up, and no node proofs. */
  aggregationCircuits?: CircuitsReport;
  /** Wall time before proving (execution, witnesses, compile/setup cache) and of the proving phase. */
  phases: { prepareMs: number; proveMs: number };
  /** Circuit inputs written for each proof (DIR/inputs/<name>.json) and the files they need. */
  inputs: { name: string; input: string; wasm: string; zkey: string }[];
  columns: number;
  stateUpdates: number;
  proofs: ProofRecord[];
  wallMs: number;
  development: boolean;
}

/** One leaf proof of a block: its circuit, keys, input and the public signal it must have. */
export interface LeafJob {
  name: string;
  kind: "column" | "state-update";
  circuit: CompiledCircuit;
  keys: SetupResult;
  vkeyHash: string;
  input: Record<string, unknown>;
  publicHash: bigint;
  inputHash: string;
}

/** A block made ready to prove: executed, its leaf witnesses built, its leaf circuits set up. */
export interface PreparedBlock {
  block: Block;
  profile: CircuitProfile;
  hashes: bigint[];
  preRoot: bigint;
  postRoot: bigint;
  gamma: bigint;
  columnSide: Partition["columns"];
  colWitnesses: ColumnWitness[];
  stateWitnesses: StateWitness[];
  compiled: Map<string, CompiledCircuit>;
  keys: Map<string, SetupResult>;
  vkHashes: Map<string, string>;
  development: boolean;
  jobs: LeafJob[];
}

/** A leaf proof as DIR/proofs/<name>.json keeps it (both runners write it; a rerun reuses it). */
export interface StoredProof {
  name: string;
  inputHash: string;
  result: ProveResult;
}

/** Columns of a block under a profile: the inclusion list's (checked) or our own plan. */
export function blockColumns(block: Block, profile: CircuitProfile): Partition {
  const cap = { txs: profile.txs, accounts: profile.accounts };
  return block.inclusionList
    ? checkDeclared(block.txs, block.inclusionList.columns, cap)
    : planColumns(block.txs, cap);
}

const sha256 = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex");

export async function prepareBlock(
  block: Block,
  opts: Pick<ProveOptions, "profile" | "workers" | "maxColumns"> & { log: (line: string) => void },
): Promise<PreparedBlock> {
  const { log } = opts;
  const { profile } = opts;
  requireSigned(block);
  if (block.depth !== profile.depth) {
    throw desError(
      "PROFILE_MISMATCH",
      `block state tree depth ${block.depth} ≠ profile '${profile.name}' depth ${profile.depth}`,
    );
  }

  // 1. columns (static analysis), 2. execution; a rejected transaction is the block's fault
  const partition = blockColumns(block, profile);
  if (opts.maxColumns !== undefined && partition.columns.length > opts.maxColumns)
    throw desError(
      "TOO_MANY_COLUMNS",
      `builder fault: the block needs ${partition.columns.length} execution columns (${block.inclusionList ? "its inclusion list" : "planned"}), ` +
        `more than the limit of ${opts.maxColumns}: refused before proving`,
      { columns: partition.columns.length, limit: opts.maxColumns, fault: "builder" },
    );
  const columnOf = new Map<number, number>();
  for (const c of partition.columns) for (const t of c.txs) columnOf.set(t, c.id);
  let exec: Awaited<ReturnType<typeof executeBlockParallel>>;
  try {
    exec = await executeBlockParallel(block, opts.workers);
  } catch (e) {
    if (isDesError(e) && typeof e.details.index === "number") {
      const index = e.details.index;
      throw desError(
        "BLOCK_FAULT",
        `block fault in column ${columnOf.get(index)}: transaction ${index} is invalid (${e.code}: ${e.details.reason})`,
        { column: columnOf.get(index), index, cause: e.code, reason: e.details.reason },
      );
    }
    throw e;
  }

  // 3. digests, γ (tree-shaped: src/aggregate/tree.ts), witnesses; the column side is padded with
  // empty columns to a power of two, the state side is a power of two of chunks
  const hashes = exec.txs.map((t) => t.hash);
  const leaves = leafStatements(block, exec, partition, profile);
  const { gamma, columnSide } = leaves;
  const colWitnesses: ColumnWitness[] = leaves.columns;
  const stateWitnesses: StateWitness[] = leaves.states;

  // 4. circuits and keys (cached by content hash)
  const specs = circuitsForProfile(profile);
  const compiled = new Map<string, CompiledCircuit>();
  const keys = new Map<string, SetupResult>();
  const vkHashes = new Map<string, string>();
  let development = false;
  for (const { kind, spec } of specs) {
    const c = await compileProjectCircuit(spec);
    const k = await setupCircuit(c, { log });
    compiled.set(kind, c);
    keys.set(kind, k);
    vkHashes.set(kind, vkeyHash(JSON.parse(readFileSync(k.vkey, "utf8"))));
    development ||= k.dev;
  }

  const mkJob = (
    name: string,
    kind: LeafJob["kind"],
    input: Record<string, unknown>,
    publicHash: bigint,
  ): LeafJob => {
    const k = keys.get(kind)!;
    return {
      name,
      kind,
      circuit: compiled.get(kind)!,
      keys: k,
      vkeyHash: vkHashes.get(kind)!,
      input,
      publicHash,
      inputHash: sha256(JSON.stringify({ input, zkey: k.hash })),
    };
  };
  const jobs: LeafJob[] = [
    ...colWitnesses.map((w, i) =>
      mkJob(`column-${columnSide[i]!.id}`, "column", w.input, w.publics.publicHash),
    ),
    ...stateWitnesses.map((w, i) => mkJob(`state-${i}`, "state-update", w.input, w.publics.publicHash)),
  ];

  return {
    block,
    profile,
    hashes,
    preRoot: exec.preRoot,
    postRoot: exec.postRoot,
    gamma,
    columnSide,
    colWitnesses,
    stateWitnesses,
    compiled,
    keys,
    vkHashes,
    development,
    jobs,
  };
}

export async function proveBlock(block: Block, opts: ProveOptions): Promise<ProveReport> {
  const t0 = performance.now();
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const prep = await prepareBlock(block, { ...opts, log });
  const { profile, jobs, columnSide, stateWitnesses, development } = prep;

  // 5. proofs: reuse stored ones, prove the rest in parallel with bounded retries
  const proofsDir = join(opts.outDir, "proofs");
  const results = new Map<string, { result: ProveResult; attempts: number; reused: boolean }>();
  for (const j of jobs) {
    const f = join(proofsDir, `${j.name}.json`);
    if (!existsSync(f)) continue;
    try {
      const s = JSON.parse(readFileSync(f, "utf8")) as StoredProof;
      if (s.inputHash === j.inputHash && s.result.publicSignals[0] === j.publicHash.toString()) {
        results.set(j.name, { result: s.result, attempts: 0, reused: true });
      }
    } catch {
      // unreadable: prove again
    }
  }
  const inputs = jobs.map((j) => {
    const input = join(opts.outDir, "inputs", `${j.name}.json`);
    writeFileAtomic(input, JSON.stringify(j.input));
    return { name: j.name, input, wasm: j.circuit.wasm, zkey: j.keys.zkey };
  });
  const todo = jobs.filter((j) => !results.has(j.name));
  const tProve = performance.now();
  log(
    `proving ${jobs.length} proofs (${columnSide.length} columns, ${stateWitnesses.length} state updates) ` +
      `with ${opts.workers} worker(s), profile ${profile.name}${results.size ? `; reusing ${results.size}` : ""}` +
      (development ? ` — ${DEV_NOTICE}` : ""),
  );
  const bar = new ProgressBar("prove", todo.length, opts.progress);
  const retries = opts.retries ?? 2;
  const crashOnce = new Set(opts.crashOnce ?? []);
  const failures: { name: string; reason: string; attempts: number }[] = [];
  // native prover (built on first use) or snarkjs; each worker's native proof gets its share of cores
  const prover = todo.length ? await resolveNativeProver(log) : undefined;
  const native = prover
    ? { bin: prover.bin, threads: Math.max(1, Math.floor(availableParallelism() / opts.workers)) }
    : undefined;
  const pool = createPool({ task: "prove.ts", threads: opts.workers });
  try {
    await Promise.all(
      todo.map(async (j) => {
        for (let attempt = 1; attempt <= retries + 1; attempt++) {
          const task: ProveTask = { wasm: j.circuit.wasm, zkey: j.keys.zkey, input: j.input, native };
          if (attempt === 1 && crashOnce.has(j.name)) task.crash = true;
          try {
            const result = (await pool.run(task, {
              signal: AbortSignal.timeout(opts.timeoutMs ?? 20 * 60_000),
            })) as ProveResult;
            if (result.publicSignals[0] !== j.publicHash.toString()) {
              throw desError(
                "WITNESS_MISMATCH",
                `${j.name}: circuit public signal ${result.publicSignals[0]} ≠ native public hash ${j.publicHash}`,
              );
            }
            storeLeafProof(opts.outDir, j, result);
            results.set(j.name, { result, attempts: attempt, reused: false });
            bar.tick();
            return;
          } catch (e) {
            if (isDesError(e)) throw e;
            const reason = (e as Error).message;
            log(`prover fault on ${j.name} (attempt ${attempt}/${retries + 1}): ${reason}`);
            if (attempt === retries + 1) failures.push({ name: j.name, reason, attempts: attempt });
          }
        }
      }),
    );
  } finally {
    await pool.destroy();
  }
  if (failures.length) {
    throw desError(
      "PROVER_FAULT",
      `${failures.length} of ${jobs.length} proofs failed after retries (${failures.map((f) => f.name).join(", ")}); ` +
        `the ${results.size} finished proofs are kept in ${proofsDir} and will be reused`,
      { failures, kept: [...results.keys()] },
    );
  }

  const tEnd = performance.now();
  // this machine's throughput: proving-phase seconds per leaf proof (src/model/cost.ts)
  if (todo.length) recordCosts(profile.name, "leaf", [(tEnd - tProve) / 1000 / todo.length]);

  // 6. the bundle
  const P = (name: string) => results.get(name)!.result;
  const bundlePath = writeBundle(prep, P, opts.outDir);

  const proofs: ProofRecord[] = jobs.map((j) => {
    const r = results.get(j.name)!;
    return {
      name: j.name,
      circuit: j.circuit.name,
      constraints: j.circuit.constraints,
      witnessMs: Math.round(r.result.witnessMs),
      proveMs: Math.round(r.result.proveMs),
      worker: r.reused ? "reused" : `thread ${r.result.threadId}`,
      attempts: r.attempts,
      reused: r.reused,
      prover: r.result.prover ?? "snarkjs",
    };
  });
  // 7. the aggregation tree → DIR/block.proof.json
  let aggregation: AggregateReport | null = null;
  let aggregationCircuits: CircuitsReport | undefined;
  if (opts.aggregate && opts.aggregate.circuitsOnly === true) {
    aggregationCircuits = await buildAggregateCircuits(treeShape(prep), { ...opts.aggregate, log });
  } else if (opts.aggregate !== false) {
    aggregation = await aggregateBlock(aggregationInput(prep, P), {
      ...(opts.aggregate ?? {}),
      outDir: opts.outDir,
      log,
    });
    // node times of the real verifier only (a test's stand-in nodes cost nothing)
    if (!opts.aggregate?.backend)
      recordCosts(
        profile.name,
        "node",
        // tree nodes only: the block proof over a committed root is one per block, not per node
        aggregation.nodes
          .filter((n) => !n.reused && n.name !== "block-proof")
          .map((n) => n.witnessSeconds + n.proveSeconds),
      );
  }

  return {
    bundle: bundlePath,
    aggregation,
    ...(aggregationCircuits ? { aggregationCircuits } : {}),
    phases: { prepareMs: tProve - t0, proveMs: tEnd - tProve },
    inputs,
    columns: columnSide.length,
    stateUpdates: stateWitnesses.length,
    proofs,
    wallMs: performance.now() - t0,
    development,
  };
}

/** A leaf proof's result, as the runners hand it to the bundle. */
export type LeafResult = Pick<ProveResult, "proof" | "publicSignals">;

/** Writes the leaf bundle DIR/leaves.json and the leaf keys to DIR/vkeys/; returns the bundle's path. */
export function writeBundle(prep: PreparedBlock, P: (name: string) => LeafResult, outDir: string): string {
  const {
    block,
    profile,
    hashes,
    gamma,
    columnSide,
    colWitnesses,
    stateWitnesses,
    compiled,
    keys,
    vkHashes,
    development,
  } = prep;
  const exec = { preRoot: prep.preRoot, postRoot: prep.postRoot };
  const bundle: BundleJSON = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    development,
    notice: development ? DEV_NOTICE : null,
    profile: profile.name,
    shardBits: profile.shardBits,
    block: {
      chainId: block.chainId,
      number: block.number,
      parent: block.parent.toString(),
      depth: block.depth,
      txHashes: hashes.map(String),
    },
    r0: exec.preRoot.toString(),
    r1: exec.postRoot.toString(),
    gamma: gamma.toString(),
    txCommitment: txListCommitment(hashes).toString(),
    columns: columnSide.map((c, i) => {
      const name = `column-${c.id}`;
      const w = colWitnesses[i]!;
      return {
        id: c.id,
        txs: c.txs,
        publics: {
          r0: String(w.publics.r0),
          txDigest: String(w.publics.txDigest),
          writeDigest: String(w.publics.writeDigest),
          fingerprint: String(w.publics.fingerprint),
          txFingerprint: String(w.publics.txFingerprint),
          gamma: String(w.publics.gamma),
        },
        circuit: compiled.get("column")!.name,
        vkeyHash: vkHashes.get("column")!,
        publicSignal: P(name).publicSignals[0]!,
        proof: P(name).proof as BundleJSON["columns"][number]["proof"],
      };
    }),
    stateUpdates: stateWitnesses.map((w, i) => ({
      index: i,
      publics: {
        rootBefore: String(w.publics.rootBefore),
        rootAfter: String(w.publics.rootAfter),
        shard: w.publics.shard,
        keyLo: w.publics.keyLo,
        keyHi: w.publics.keyHi,
        writeDigest: String(w.publics.writeDigest),
        fingerprint: String(w.publics.fingerprint),
        gamma: String(w.publics.gamma),
      },
      circuit: compiled.get("state-update")!.name,
      vkeyHash: vkHashes.get("state-update")!,
      publicSignal: P(`state-${i}`).publicSignals[0]!,
      proof: P(`state-${i}`).proof as BundleJSON["columns"][number]["proof"],
    })),
  };
  const bundlePath = join(outDir, "leaves.json");
  writeFileAtomic(bundlePath, `${JSON.stringify(bundle, null, 1)}\n`);
  for (const [kind, k] of keys)
    writeFileAtomic(join(outDir, "vkeys", `${compiled.get(kind)!.name}.json`), readFileSync(k.vkey));

  return bundlePath;
}

/** The tree shape of a prepared block (what fixes its node circuits). */
export function treeShape(prep: PreparedBlock): TreeShape {
  return {
    columnVkey: loadGroth16Vkey(prep.keys.get("column")!.vkey),
    stateVkey: loadGroth16Vkey(prep.keys.get("state-update")!.vkey),
    depth: prep.block.depth,
    columns: prep.columnSide.length,
    states: prep.stateWitnesses.length,
    txsPerColumn: prep.profile.txs,
  };
}

/** The aggregation's input: the leaf proofs in tree order with their statements. */
export function aggregationInput(prep: PreparedBlock, P: (name: string) => LeafResult): AggregateInput {
  const leaf = (name: string) => ({ name, proof: P(name).proof, publicSignal: P(name).publicSignals[0]! });
  const { block } = prep;
  return {
    columnVkey: loadGroth16Vkey(prep.keys.get("column")!.vkey),
    stateVkey: loadGroth16Vkey(prep.keys.get("state-update")!.vkey),
    depth: block.depth,
    columns: prep.columnSide.map((c, i) => ({
      ...leaf(`column-${c.id}`),
      publics: prep.colWitnesses[i]!.publics,
    })),
    states: prep.stateWitnesses.map((w, i) => ({ ...leaf(`state-${i}`), publics: w.publics })),
    id: { chainId: BigInt(block.chainId), number: BigInt(block.number), parent: block.parent },
    txHashes: prep.hashes,
    txsPerColumn: prep.profile.txs,
    development: prep.development,
  };
}

/** Stores a leaf proof where a rerun (local or distributed) finds it. */
export function storeLeafProof(
  outDir: string,
  job: Pick<LeafJob, "name" | "inputHash">,
  result: ProveResult,
): void {
  writeFileAtomic(
    join(outDir, "proofs", `${job.name}.json`),
    JSON.stringify({ name: job.name, inputHash: job.inputHash, result } satisfies StoredProof),
  );
}
