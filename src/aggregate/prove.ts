/**
 * Proves the aggregation tree of a block from its leaf proofs and writes the block proof.
 *
 * Tree: the column side is a balanced binary tree over the columns (tree order), the state side
 * one over the state-update chunks, and the block root joins the two tops (statement.ts). A level
 * of a side is one circuit (its children all have the key of the level below), so a block with
 * 2^a columns and 2^b chunks needs a + b + 1 node circuits, built once per shape and cached
 * (build.ts); upper levels' circuits are built while lower levels prove.
 *
 * Scheduling: a node is proved as soon as its two children and its level's circuit exist. Its work is two child-verifier
 * witnesses (worker threads, ≈ 2.4 GiB each), the glue's witness, the linked witness (link.ts) and
 * one Groth16 proof (snarkjs, both cores). Each heavy task declares its measured peak memory and
 * cores to a Budget (src/pool/budget.ts), which never starts a task that does not fit.
 *
 * Resume: each node's proof is stored under DIR/aggregate/<node>.json with a hash of what it was
 * made from (its key, its children's public signals and statements); a rerun reuses every stored
 * proof that still matches, so an interrupted run continues where it stopped. A failing node keeps
 * every finished proof.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { WtnsTask } from "../../workers/wtns.ts";
import { readJsonFile } from "../block/schema.ts";
import type { SnarkjsVkey } from "../bn254/pairing.ts";
import { loadGroth16Vkey, parseGroth16Vkey } from "../bn254/verifier-build.ts";
import { nativeWitness } from "../build/native.ts";
import { nativeProve, resolveNativeProver } from "../build/prover.ts";
import type { ColumnPublics, StatePublics } from "../crypto/hash.ts";
import { desError, isDesError } from "../errors.ts";
import { Budget } from "../pool/budget.ts";
import { createPool } from "../pool/pool.ts";
import { vkeyHash } from "../prove/bundle.ts";
import { trustRoot } from "../prove/trust.ts";
import { DEV_NOTICE, type SetupOptions } from "../setup/index.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import {
  BLOCK_PROOF_FILE_VERSION,
  BLOCK_PROOF_FORMAT,
  type BlockProofJSON,
  headerJSON,
} from "./blockproof.ts";
import {
  buildNode,
  type ChildVerifier,
  groth16Backend,
  groth16BackgroundBackend,
  type NodeCircuit,
  useNativeWitness,
  type VerifierBackend,
} from "./build.ts";
import {
  blockRootSpec,
  type Child,
  type ChildKind,
  columnNodeSpec,
  columnValues,
  stateNodeSpec,
  stateValues,
  txListValues,
} from "./glue.ts";
import { linkWitness } from "./link.ts";
import {
  type BlockIdentity,
  blockRoot,
  type ColumnSide,
  columnLeafSide,
  columnNodeHash,
  type Header,
  headerHash,
  joinColumns,
  joinStates,
  type StateSide,
  stateLeafSide,
  stateNodeHash,
} from "./statement.ts";

export interface LeafProof {
  name: string;
  proof: unknown;
  publicSignal: string;
}

export interface AggregateInput {
  /** Column leaves in tree order (a power of two), state-update leaves in key order (likewise). */
  columns: (LeafProof & { publics: ColumnPublics })[];
  states: (LeafProof & { publics: StatePublics })[];
  columnVkey: SnarkjsVkey;
  stateVkey: SnarkjsVkey;
  depth: number;
  /** Transaction slots per column leaf (the profile's txs): the root's list has columns × this. */
  txsPerColumn: number;
  id: BlockIdentity;
  /** The block's transaction hashes in block order. */
  txHashes: bigint[];
  development: boolean;
}

export interface AggregateOptions {
  outDir: string;
  backend?: VerifierBackend;
  budget?: Budget;
  /** Declared peak memory of one node proof, MiB (measured: see the README). */
  provePeakMiB?: number;
  /** Declared peak memory of each build step (a verifier compile; link and setup), MiB. */
  buildPeakMiB?: number;
  /** Witness worker threads (default 2). */
  workers?: number;
  setup?: SetupOptions;
  log?: (line: string) => void;
}

export interface NodeReport {
  name: string;
  circuit: string;
  level: string;
  reused: boolean;
  /** Work, not time in the budget's queue: the slower child witness plus glue and linking; the proof. */
  witnessSeconds: number;
  proveSeconds: number;
}

export interface AggregateReport {
  blockProof: string;
  header: Header;
  circuits: { name: string; constraints: number; buildSeconds: number; cached: boolean }[];
  nodes: NodeReport[];
  /** Seconds until the last circuit was built (overlaps proving), and of the whole aggregation. */
  buildSeconds: number;
  wallSeconds: number;
  maxDeclaredMiB: number;
}

interface Proved {
  name: string;
  proof: unknown;
  publicSignal: string;
}
type Ref<P, S> = Proved & { child: Child<P, S>; side: S };

interface StoredNode {
  name: string;
  inputHash: string;
  proof: unknown;
  publicSignal: string;
  witnessSeconds: number;
  proveSeconds: number;
}

const log2 = (n: number) => {
  const k = Math.log2(n);
  if (!Number.isInteger(k))
    throw desError("PROFILE_MISMATCH", `an aggregation side needs a power of two of leaves, got ${n}`);
  return k;
};

/** Declared peak of one node proof (2^22 domain, snarkjs, 2 threads; measured 11,568 MiB), MiB. */
export const NODE_PROVE_PEAK_MIB = 12_000;
/**
 * The same with the native prover (src/build/prover.ts): the mapped zkey's pages it touches plus
 * its domain-sized arrays; measured by `make bench-prover` (docs/prover.md).
 */
export const NATIVE_NODE_PROVE_PEAK_MIB = 4_500;

/**
 * Declared peaks of a node circuit's build steps, MiB: one verifier compile on one core (circom2
 * 3.0 GB, then g++ 3.6 GB, measured), and the linking (0.2 GiB) with the 2^22 development setup
 * (1.6 GiB) on both cores. Two compiles (two chains, or the root's two keys) run side by side.
 */
export const VERIFIER_COMPILE_PEAK_MIB = 4_000;
export const NODE_SETUP_PEAK_MIB = 2_500;

/** The node circuits of a tree, as promises built in dependency order (see planCircuits). */
interface CircuitPlan {
  columns: Promise<NodeCircuit>[];
  states: Promise<NodeCircuit>[];
  root: Promise<NodeCircuit>;
  report: AggregateReport["circuits"];
  /** When the last circuit was built (performance.now()). */
  builtAt(): number;
}

/** What fixes a tree's circuits: its leaf keys, leaf counts (powers of two) and tree depth. */
export type TreeShape = Pick<AggregateInput, "columnVkey" | "stateVkey" | "depth" | "txsPerColumn"> & {
  columns: number;
  states: number;
};

export interface CircuitsReport {
  circuits: AggregateReport["circuits"];
  wallSeconds: number;
  maxDeclaredMiB: number;
}

/**
 * Step 1 of the aggregation: the circuits, as promises: each side's chain (level k needs level
 * k − 1's key), the root after both tops. Proofs of a level start as soon as its circuit and its
 * children exist, so building the upper levels' circuits overlaps proving the lower ones. A build
 * declares the compiler's and the setup's peak to the budget (cached circuits return at once).
 */
function planCircuits(
  input: TreeShape,
  opts: Pick<AggregateOptions, "buildPeakMiB" | "setup">,
  budget: Budget,
  backend: VerifierBackend,
  log: (line: string) => void,
): CircuitPlan {
  useNativeWitness(log); // says once why verifier witnesses fall back to WebAssembly, if they do
  const a = log2(input.columns);
  const b = log2(input.states);
  const kind = (levels: number): ChildKind => (levels === 0 ? "leaf" : "node");
  let tBuilt = performance.now();
  const report: AggregateReport["circuits"] = [];
  // One compile per key, started as soon as the key exists (a leaf key at once, a node's key when
  // its setup ends), under a one-core claim: the root's verifier of the state side's key does not
  // wait for the column side's chain. buildNode then finds its verifiers compiling or compiled.
  const verifiers = new Map<string, Promise<ChildVerifier>>();
  const verifierFor = (vk: SnarkjsVkey): Promise<ChildVerifier> => {
    const k = JSON.stringify(vk);
    let v = verifiers.get(k);
    if (!v) {
      v = quietly(
        budget.run(
          { name: "compile verifier", peakMiB: opts.buildPeakMiB ?? VERIFIER_COMPILE_PEAK_MIB, cores: 1 },
          () => backend.compile(vk),
        ),
      );
      verifiers.set(k, v);
    }
    return v;
  };
  const early: VerifierBackend = { ...backend, compile: verifierFor };
  const build = async (
    spec: Parameters<typeof buildNode>[0],
    names: readonly [string, string],
    vks: [SnarkjsVkey, SnarkjsVkey],
  ) => {
    const c = await buildNode(spec, names, vks, early, {
      setup: opts.setup,
      log,
      // compiles hold their own claims (verifierFor); the linking and setup claim both cores
      claim: (step, fn) =>
        step === "compile"
          ? fn()
          : budget.run(
              { name: `setup ${spec.name}`, peakMiB: opts.buildPeakMiB ?? NODE_SETUP_PEAK_MIB, cores: 2 },
              fn,
            ),
    });
    report.push({
      name: c.name,
      constraints: c.constraints,
      buildSeconds: c.keys.buildSeconds,
      cached: c.keys.cached,
    });
    log(
      `circuit ${c.name}: ${c.constraints} constraints, keys ${c.keys.cached ? "cached" : `built in ${c.keys.buildSeconds.toFixed(0)} s`}`,
    );
    tBuilt = performance.now();
    return c;
  };
  const vkeyOf = (c: NodeCircuit) => loadGroth16Vkey(c.keys.vkey);
  const chain = (
    levels: number,
    spec: (k: number) => Parameters<typeof buildNode>[0],
    leafVkey: SnarkjsVkey,
  ) => {
    const out: Promise<NodeCircuit>[] = [];
    let vk = Promise.resolve(leafVkey);
    verifierFor(leafVkey);
    for (let k = 1; k <= levels; k++) {
      const c = quietly(vk.then((v) => build(spec(k), ["xL", "xR"], [v, v])));
      out.push(c);
      vk = quietly(c.then(vkeyOf));
      // the next level's (or the root's) verifier of this key: compiled as soon as the key exists
      void vk.then(verifierFor, () => {});
    }
    return { circuits: out, top: vk };
  };
  const colChain = chain(a, (k) => columnNodeSpec(kind(k - 1)), input.columnVkey);
  const stChain = chain(b, (k) => stateNodeSpec(kind(k - 1), input.depth), input.stateVkey);
  const txSlots = input.columns * input.txsPerColumn;
  const root = quietly(
    Promise.all([colChain.top, stChain.top])
      .then(([vc, vs]) =>
        build(blockRootSpec(kind(a), kind(b), input.depth, txSlots), ["xC", "xS"], [vc, vs]),
      )
      .then((c) => {
        // this machine's own production root: trusted by its des verify (and des keys export)
        if (backend.production && !opts.setup?.keysDir) {
          const vkey = readJsonFile(c.keys.vkey);
          parseGroth16Vkey(vkey, c.keys.vkey);
          trustRoot({
            circuit: c.name,
            sha256: vkeyHash(vkey),
            development: c.keys.dev,
            shape: { columns: input.columns, states: input.states, depth: input.depth, txSlots },
            vkey,
          });
        }
        return c;
      }),
  );
  return { columns: colChain.circuits, states: stChain.circuits, root, report, builtAt: () => tBuilt };
}

/** A promise awaited later: a failure surfaces there, not as an unhandled rejection now. */
function quietly<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/**
 * Compiles, links and sets up every node circuit of a tree with `columns` and `states` leaves
 * (powers of two), and proves nothing: `des prove --circuits-only`, to build a tree shape's
 * circuits ahead of time (they are cached by content).
 */
export async function buildAggregateCircuits(
  input: TreeShape,
  opts: Omit<AggregateOptions, "outDir"> = {},
): Promise<CircuitsReport> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const budget = opts.budget ?? new Budget();
  const t0 = performance.now();
  const plan = planCircuits(input, opts, budget, opts.backend ?? groth16Backend, log);
  await Promise.all([...plan.columns, ...plan.states, plan.root]);
  return {
    circuits: plan.report,
    wallSeconds: (performance.now() - t0) / 1000,
    maxDeclaredMiB: budget.stats.maxMemoryMiB,
  };
}

export async function aggregateBlock(
  input: AggregateInput,
  opts: AggregateOptions,
): Promise<AggregateReport> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const backend = opts.backend ?? groth16BackgroundBackend;
  const budget = opts.budget ?? new Budget();
  const prover = await resolveNativeProver(log);
  const provePeak = opts.provePeakMiB ?? (prover ? NATIVE_NODE_PROVE_PEAK_MIB : NODE_PROVE_PEAK_MIB);
  const witnessPeak = (v: ChildVerifier) =>
    v.native ? backend.witnessPeakMiB.native : backend.witnessPeakMiB.wasm;
  const a = log2(input.columns.length);
  const b = log2(input.states.length);

  // 1. circuits, as promises (planCircuits)
  const t0 = performance.now();
  const plan = planCircuits(
    { ...input, columns: input.columns.length, states: input.states.length },
    opts,
    budget,
    backend,
    log,
  );
  const circuits = plan.report;

  // 2. the tree, proved bottom-up as children become available
  const nodes: NodeReport[] = [];
  const pool = createPool({ task: "wtns.ts", threads: opts.workers ?? 2 });
  const dir = join(opts.outDir, "aggregate");
  const proveNode = async (
    name: string,
    level: string,
    c: NodeCircuit,
    l: Proved,
    r: Proved,
    glueInput: Record<string, unknown>,
    expected: bigint,
  ): Promise<Proved> => {
    const file = join(dir, `${name}.json`);
    const inputHash = createHash("sha256")
      .update(JSON.stringify({ key: c.keys.hash, l: l.publicSignal, r: r.publicSignal, glueInput }))
      .digest("hex");
    if (existsSync(file)) {
      try {
        const s = JSON.parse(readFileSync(file, "utf8")) as StoredNode;
        if (s.inputHash === inputHash && s.publicSignal === expected.toString()) {
          nodes.push({ name, circuit: c.name, level, reused: true, witnessSeconds: 0, proveSeconds: 0 });
          return { name, proof: s.proof, publicSignal: s.publicSignal };
        }
      } catch {
        // unreadable: prove again
      }
    }
    const work = join(dir, "work", name);
    // timed inside the claims, like the proof: the queue before them (other nodes' witnesses and
    // proofs) is not witness work. The two children run side by side: the slower one counts.
    const childWitness = (side: 0 | 1, child: Proved) =>
      budget.run(
        { name: `${name} child ${side} witness`, peakMiB: witnessPeak(c.verifiers[side]) },
        async () => {
          const t = performance.now();
          const v = c.verifiers[side];
          const out = join(work, `child${side}.wtns`);
          try {
            // the hints of an invalid proof do not exist (no residue witness) or fail in the circuit
            const input = v.input(child.proof, child.publicSignal);
            if (v.native) await nativeWitness(v.native, input, out);
            else await pool.run({ wasm: v.wasm, input, out } satisfies WtnsTask);
          } catch (e) {
            throw desError(
              "PROVER_FAULT",
              `${name}: child ${child.name}'s proof does not verify in-circuit (${(e as Error).message.split("\n")[0]})`,
              { node: name, child: child.name },
            );
          }
          return { out, seconds: (performance.now() - t) / 1000 };
        },
      );
    const [cl, cr] = await Promise.all([childWitness(0, l), childWitness(1, r)]);
    const g0 = performance.now();
    const glueW = join(work, "glue.wtns");
    await snarkjs.wtns.calculate(glueInput, c.glue.wasm, glueW);
    const nodeW = join(work, "node.wtns");
    linkWitness(
      glueW,
      [
        { wtns: cl.out, bind: c.bindings[0] },
        { wtns: cr.out, bind: c.bindings[1] },
      ],
      nodeW,
    );
    const witnessSeconds = Math.max(cl.seconds, cr.seconds) + (performance.now() - g0) / 1000;
    // timed inside the claim: waiting for the budget (a circuit build, another proof) is not proving
    const { proof, publicSignals, proveSeconds } = await budget.run(
      { name: `${name} proof`, peakMiB: provePeak, cores: budget.cores },
      async () => {
        const p0 = performance.now();
        const r = prover
          ? await nativeProve(c.keys.zkey, nodeW, { bin: prover.bin, threads: budget.cores })
          : await snarkjs.groth16.prove(c.keys.zkey, nodeW);
        return { ...r, proveSeconds: (performance.now() - p0) / 1000 };
      },
    );
    if (publicSignals[0] !== expected.toString())
      throw desError(
        "WITNESS_MISMATCH",
        `${name}: node public signal ${publicSignals[0]} ≠ the reference statement hash ${expected}`,
      );
    writeFileAtomic(
      file,
      JSON.stringify({
        name,
        inputHash,
        proof,
        publicSignal: publicSignals[0],
        witnessSeconds,
        proveSeconds,
      } satisfies StoredNode),
    );
    if (process.env.DES_KEEP_WITNESS === "1") {
      // for `make bench-prover`: the node's witness and key, kept beside its proof
      renameSync(nodeW, join(dir, `${name}.wtns`));
      writeFileAtomic(
        join(dir, `${name}.witness.json`),
        JSON.stringify({ zkey: c.keys.zkey, wtns: `${name}.wtns` }),
      );
    }
    rmSync(work, { recursive: true, force: true });
    nodes.push({ name, circuit: c.name, level, reused: false, witnessSeconds, proveSeconds });
    log(`${name}: witness ${witnessSeconds.toFixed(0)} s, proof ${proveSeconds.toFixed(0)} s`);
    return { name, proof, publicSignal: publicSignals[0]! };
  };

  /** One side of the tree, proved bottom-up: leaves at level 0, nodes of `circuits[level − 1]` above. */
  const side = <P, S>(o: {
    name: string;
    leaves: (LeafProof & { publics: P })[];
    leafSide: (p: P) => S;
    join: (l: S, r: S, level: number) => S;
    values: (c: Child<P, S>) => string[];
    hash: (s: S) => bigint;
    circuits: Promise<NodeCircuit>[];
  }) => {
    const rec = async (level: number, i: number): Promise<Ref<P, S>> => {
      if (level === 0) {
        const leaf = o.leaves[i]!;
        return { ...leaf, child: { kind: "leaf", publics: leaf.publics }, side: o.leafSide(leaf.publics) };
      }
      const [l, r] = await Promise.all([rec(level - 1, 2 * i), rec(level - 1, 2 * i + 1)]);
      const joined = o.join(l.side, r.side, level);
      const glueInput = {
        xL: l.publicSignal,
        xR: r.publicSignal,
        l: o.values(l.child),
        r: o.values(r.child),
      };
      const c = await o.circuits[level - 1]!;
      const p = await proveNode(
        `${o.name}-L${level}-${i}`,
        `${o.name} level ${level}`,
        c,
        l,
        r,
        glueInput,
        o.hash(joined),
      );
      return { ...p, child: { kind: "node", side: joined }, side: joined };
    };
    return rec;
  };
  const colSide = side({
    name: "column",
    leaves: input.columns,
    leafSide: columnLeafSide,
    join: (l: ColumnSide, r: ColumnSide) => joinColumns(l, r),
    values: columnValues,
    hash: columnNodeHash,
    circuits: plan.columns,
  });
  const stSide = side({
    name: "state",
    leaves: input.states,
    leafSide: stateLeafSide,
    join: (l: StateSide, r: StateSide, level) => joinStates(l, r, input.depth, level === 1, level === 1),
    values: stateValues,
    hash: stateNodeHash,
    circuits: plan.states,
  });

  let header: Header;
  let top: Proved;
  let root: NodeCircuit;
  try {
    const [c, s] = await Promise.all([colSide(a, 0), stSide(b, 0)]);
    header = blockRoot(c.side, s.side, input.depth, input.id, input.txHashes);
    const glueInput = {
      xC: c.publicSignal,
      xS: s.publicSignal,
      c: columnValues(c.child),
      s: stateValues(s.child),
      chainId: String(input.id.chainId),
      number: String(input.id.number),
      parent: String(input.id.parent),
      ...txListValues(input.txHashes, input.columns.length * input.txsPerColumn),
    };
    root = await plan.root;
    top = await proveNode("block-root", "root", root, c, s, glueInput, headerHash(header));
  } catch (e) {
    if (isDesError(e)) {
      e.details.kept = nodes.map((n) => n.name);
      throw e;
    }
    throw desError(
      "PROVER_FAULT",
      `aggregation failed: ${(e as Error).message}; the ${nodes.length} finished node proofs are kept in ${dir}`,
      {
        kept: nodes.map((n) => n.name),
      },
    );
  } finally {
    await pool.destroy();
  }

  // 3. the block proof
  const rootVkey = JSON.parse(readFileSync(root.keys.vkey, "utf8"));
  const bp: BlockProofJSON = {
    format: BLOCK_PROOF_FORMAT,
    version: BLOCK_PROOF_FILE_VERSION,
    development: input.development || root.keys.dev,
    notice: input.development || root.keys.dev ? DEV_NOTICE : null,
    header: headerJSON(header),
    circuit: root.name,
    vkeyHash: vkeyHash(rootVkey),
    publicSignal: top.publicSignal,
    proof: top.proof as BlockProofJSON["proof"],
  };
  const blockProof = join(opts.outDir, "block.proof.json");
  writeFileAtomic(blockProof, `${JSON.stringify(bp, null, 1)}\n`);
  writeFileAtomic(join(opts.outDir, "vkeys", `${root.name}.json`), readFileSync(root.keys.vkey));
  return {
    blockProof,
    header,
    circuits,
    nodes,
    buildSeconds: (plan.builtAt() - t0) / 1000,
    wallSeconds: (performance.now() - t0) / 1000,
    maxDeclaredMiB: budget.stats.maxMemoryMiB,
  };
}
