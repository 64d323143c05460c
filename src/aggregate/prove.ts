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
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import type { WtnsTask } from "../../workers/wtns.ts";
import { readJsonFile } from "../block/schema.ts";
import type { VerifierVkey } from "../bn254/groth16.ts";
import type { SnarkjsVkey } from "../bn254/pairing.ts";
import { parseCommittedVkey, parseGroth16Vkey, type VerifierForm } from "../bn254/verifier-build.ts";
import { nativeWitness, type PausedWitness, pauseSupport, startPausedWitness } from "../build/native.ts";
import { nativeProve, resolveNativeProver } from "../build/prover.ts";
import type { CircuitInput } from "../circuits/wasm-witness.ts";
import { readCommitmentKey } from "../commit/key.ts";
import { proveCommittedWith } from "../commit/prove.ts";
import { committedPublicInput } from "../commit/verify.ts";
import type { ColumnPublics, StatePublics } from "../crypto/hash.ts";
import { desError, isDesError } from "../errors.ts";
import { Budget, type TaskClaim } from "../pool/budget.ts";
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
  type BuildNodeOptions,
  buildNode,
  buildWrap,
  type ChildVerifier,
  groth16Backend,
  groth16BackgroundBackend,
  type NodeCircuit,
  type NodeParts,
  useNativeWitness,
  type VerifierBackend,
  type WrapCircuit,
} from "./build.ts";
import {
  blockRootSpec,
  type Child,
  type ChildKind,
  columnNodeSpec,
  columnValues,
  committedBlockRootSpec,
  committedColumnNodeSpec,
  committedStateNodeSpec,
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

/**
 * How nodes are proven: "committed" (default where the native prover is built) proves every node
 * as Groth16 with one commitment (src/commit/) whose child verifiers are the lookup form
 * (≈ 0.54M constraints per plain child, 0.66M per committed child: 2^21 nodes), and the block
 * proof as one plain Groth16 proof of the committed root (the wrap: the root's verifier in the
 * transcript form, 2^22); "plain" proves every node as plain Groth16 with transcript-form
 * verifiers (≈ 1.96M per child, 2^22 nodes). Both block proofs are plain Groth16 proofs of the
 * header hash (docs/aggregation.md).
 */
export type NodeMode = "plain" | "committed";

export interface AggregateOptions {
  outDir: string;
  /** Default: "committed" when the native prover is there, else "plain". */
  nodes?: NodeMode;
  backend?: VerifierBackend;
  budget?: Budget;
  /** Declared peak memory of one node proof, MiB (measured: docs/aggregation.md). */
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
  /** How the witness was computed (NodeWork.witnessMode); absent for a reused proof. */
  witnessMode?: WitnessMode;
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

export interface Proved {
  name: string;
  proof: unknown;
  publicSignal: string;
}

export interface StoredNode {
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
 * Declared peak of one committed node's proof (2^21, native prover; measured 1,934 MiB by `make
 * bench-node`), and of its commitment's two multiexps (the committed wires' points and scalars).
 */
export const COMMITTED_NODE_PROVE_PEAK_MIB = 2_500;
export const COMMIT_PEAK_MIB = 1_000;

/**
 * Declared peaks of a node circuit's build steps, MiB: one verifier compile on one core (circom2
 * 3.0 GB, then g++ 3.6 GB, measured), and the linking (0.2 GiB) with the 2^22 development setup
 * (1.6 GiB) on both cores. Two compiles (two chains, or the root's two keys) run side by side.
 */
export const VERIFIER_COMPILE_PEAK_MIB = 4_000;
export const NODE_SETUP_PEAK_MIB = 2_500;

/**
 * The aggregation's scheduler: the memory budget (default 85% of RAM) on two cores with one core
 * unit of overcommit (Budget), so that a one-core verifier compile or witness runs beside a
 * two-core setup or proof instead of waiting in line behind it.
 */
export function aggregationBudget(memoryMiB?: number): Budget {
  return new Budget({ ...(memoryMiB ? { memoryMiB } : {}), overcommitCores: 1 });
}

/**
 * Priorities in the Budget: a first run's critical path is each level's verifier compile (≈ 9 min
 * of circom2), then the next level's linking and setup; witnesses and proofs (priority 0) fill the
 * cores around them.
 */
const COMPILE_PRIORITY = 2;
const SETUP_PRIORITY = 1;

/** The node circuits of a tree, as promises built in dependency order (see planCircuits). */
interface CircuitPlan {
  columns: Promise<NodeCircuit>[];
  states: Promise<NodeCircuit>[];
  root: Promise<NodeCircuit>;
  /** Committed nodes: the block proof's circuit over the committed root (build.ts buildWrap). */
  wrap?: Promise<WrapCircuit>;
  /** The same circuits' parts (glue, verifiers, bindings): known before their linking and setup. */
  parts: { columns: Promise<NodeParts>[]; states: Promise<NodeParts>[]; root: Promise<NodeParts> };
  report: AggregateReport["circuits"];
  /** When the last circuit was built (performance.now()). */
  builtAt(): number;
}

/** What fixes a tree's circuits: its leaf keys, leaf counts (powers of two) and tree depth. */
export type TreeShape = Pick<AggregateInput, "columnVkey" | "stateVkey" | "depth" | "txsPerColumn"> & {
  columns: number;
  states: number;
  /** How its nodes are proven (default "plain"; AggregateOptions.nodes). */
  nodes?: NodeMode;
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
  const committed = input.nodes === "committed";
  // a node's key: a committed node's carries [σ]₂ (its parent's verifier is the committed form)
  const parseVkey = committed ? parseCommittedVkey : parseGroth16Vkey;
  const nodeForm: VerifierForm = committed ? "lookup" : "transcript";
  let tBuilt = performance.now();
  const report: AggregateReport["circuits"] = [];
  // One compile per key, started as soon as the key exists (a leaf key at once, a node's key when
  // its setup ends), under a one-core claim: the root's verifier of the state side's key does not
  // wait for the column side's chain. buildNode then finds its verifiers compiling or compiled.
  const verifiers = new Map<string, Promise<ChildVerifier>>();
  const verifierFor = (vk: VerifierVkey, form: VerifierForm = nodeForm): Promise<ChildVerifier> => {
    const k = `${form}:${JSON.stringify(vk)}`;
    let v = verifiers.get(k);
    if (!v) {
      v = quietly(
        budget.run(
          {
            name: "compile verifier",
            peakMiB: opts.buildPeakMiB ?? VERIFIER_COMPILE_PEAK_MIB,
            cores: 1,
            priority: COMPILE_PRIORITY,
          },
          () => backend.compile(vk, form),
        ),
      );
      verifiers.set(k, v);
    }
    return v;
  };
  const early: VerifierBackend = { ...backend, compile: verifierFor };
  /** A circuit built (or found cached): into the report and the log. */
  const built = (c: { name: string; constraints: number; keys: NodeCircuit["keys"] }) => {
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
  };
  // compiles hold their own claims (verifierFor); the linking and setup claim both cores
  const claimSetup =
    (name: string): NonNullable<BuildNodeOptions["claim"]> =>
    (step, fn) =>
      step === "compile"
        ? fn()
        : budget.run(
            {
              name: `setup ${name}`,
              peakMiB: opts.buildPeakMiB ?? NODE_SETUP_PEAK_MIB,
              cores: 2,
              priority: SETUP_PRIORITY,
            },
            fn,
          );
  const build = async (
    spec: Parameters<typeof buildNode>[0],
    names: readonly [string, string],
    vks: [VerifierVkey, VerifierVkey],
    hooks: Pick<BuildNodeOptions, "onParts" | "onVkey"> = {},
  ) => {
    const c = await buildNode(spec, names, vks, early, {
      ...hooks,
      setup: opts.setup,
      log,
      committed,
      claim: claimSetup(spec.name),
    });
    built(c);
    return c;
  };
  const vkeyOf = (c: NodeCircuit) => parseVkey(readJsonFile(c.keys.vkey), c.keys.vkey);
  /** A circuit's build with its parts and its verification key as promises settled as early as known. */
  const staged = (
    vks: Promise<[VerifierVkey, VerifierVkey]>,
    run: (
      vks: [VerifierVkey, VerifierVkey],
      hooks: Pick<BuildNodeOptions, "onParts" | "onVkey">,
    ) => Promise<NodeCircuit>,
  ) => {
    const parts = deferred<NodeParts>();
    const vk = deferred<VerifierVkey>();
    const circuit = quietly(
      vks.then((v) =>
        run(v, {
          onParts: parts.resolve,
          onVkey: (k) => {
            try {
              vk.resolve(parseVkey(k, "early verification key"));
            } catch {
              // the finished key settles it below
            }
          },
        }),
      ),
    );
    circuit.then(
      (c) => {
        parts.resolve(c);
        try {
          vk.resolve(vkeyOf(c));
        } catch (e) {
          vk.reject(e);
        }
      },
      (e) => {
        parts.reject(e);
        vk.reject(e);
      },
    );
    return { circuit, parts: quietly(parts.promise), vk: quietly(vk.promise) };
  };
  const chain = (
    levels: number,
    spec: (k: number) => Parameters<typeof buildNode>[0],
    leafVkey: SnarkjsVkey,
  ) => {
    const out: Promise<NodeCircuit>[] = [];
    const parts: Promise<NodeParts>[] = [];
    let vk: Promise<VerifierVkey> = Promise.resolve(leafVkey);
    verifierFor(leafVkey);
    for (let k = 1; k <= levels; k++) {
      const s = staged(
        vk.then((v) => [v, v]),
        (v, hooks) => build(spec(k), ["xL", "xR"], v, hooks),
      );
      out.push(s.circuit);
      parts.push(s.parts);
      // the next level's (or the root's) verifier of this key: compiled as soon as the key is known,
      // which a development setup tells before it computes the proving key (SetupOptions.onVkey)
      vk = s.vk;
      void vk.then(
        (v) => verifierFor(v),
        () => {},
      );
    }
    return { circuits: out, parts, top: vk };
  };
  const colSpec = committed ? committedColumnNodeSpec : columnNodeSpec;
  const stSpec = committed ? committedStateNodeSpec : stateNodeSpec;
  const rootSpec = committed ? committedBlockRootSpec : blockRootSpec;
  const colChain = chain(a, (k) => colSpec(kind(k - 1)), input.columnVkey);
  const stChain = chain(b, (k) => stSpec(kind(k - 1), input.depth), input.stateVkey);
  const txSlots = input.columns * input.txsPerColumn;
  const rootStage = staged(Promise.all([colChain.top, stChain.top]), ([vc, vs], hooks) =>
    build(rootSpec(kind(a), kind(b), input.depth, txSlots), ["xC", "xS"], [vc, vs], hooks),
  );
  // this machine's own production root: trusted by its des verify (and des keys export)
  const trust = (c: { name: string; keys: NodeCircuit["keys"] }) => {
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
  };
  // committed nodes: the block proof is the wrap's, over the committed root (its key the wrap's constant)
  const wrap = committed
    ? quietly(
        rootStage.vk.then(async (vk) => {
          const w = await buildWrap(
            vk,
            { ...backend, compile: (k) => verifierFor(k, "transcript") },
            {
              setup: opts.setup,
              log,
              claim: claimSetup("block proof"),
            },
          );
          built(w);
          trust(w);
          return w;
        }),
      )
    : undefined;
  const root = quietly(
    rootStage.circuit.then((c) => {
      if (!committed) trust(c);
      return c;
    }),
  );
  return {
    columns: colChain.circuits,
    states: stChain.circuits,
    root,
    ...(wrap ? { wrap } : {}),
    parts: { columns: colChain.parts, states: stChain.parts, root: rootStage.parts },
    report,
    builtAt: () => tBuilt,
  };
}

/** A promise with its settle functions (the first settlement wins). */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
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
  return (await buildTreeCircuits(input, opts)).report;
}

/** The node circuits of a tree shape, built (or found cached): each side's levels, and the root. */
export interface TreeCircuits {
  columns: NodeCircuit[];
  states: NodeCircuit[];
  root: NodeCircuit;
  /** Committed nodes: the block proof's circuit over the committed root. */
  wrap?: WrapCircuit;
  report: CircuitsReport;
}

export async function buildTreeCircuits(
  input: TreeShape,
  opts: Omit<AggregateOptions, "outDir"> = {},
): Promise<TreeCircuits> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const budget = opts.budget ?? aggregationBudget();
  const t0 = performance.now();
  const asked = input.nodes ?? opts.nodes;
  const nodes = asked === "plain" ? asked : nodeMode(asked, (await resolveNativeProver(log)) !== undefined);
  const plan = planCircuits({ ...input, nodes }, opts, budget, opts.backend ?? groth16Backend, log);
  const [columns, states, root, wrap] = await Promise.all([
    Promise.all(plan.columns),
    Promise.all(plan.states),
    plan.root,
    plan.wrap,
  ]);
  return {
    columns,
    states,
    root,
    ...(wrap ? { wrap } : {}),
    report: {
      circuits: plan.report,
      wallSeconds: (performance.now() - t0) / 1000,
      maxDeclaredMiB: budget.stats.maxMemoryMiB,
    },
  };
}

export async function aggregateBlock(
  input: AggregateInput,
  opts: AggregateOptions,
): Promise<AggregateReport> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const backend = opts.backend ?? groth16BackgroundBackend;
  const budget = opts.budget ?? aggregationBudget();
  const prover = await resolveNativeProver(log);
  const mode = nodeMode(opts.nodes, prover !== undefined);
  const committed = mode === "committed";
  const plainPeak = prover ? NATIVE_NODE_PROVE_PEAK_MIB : NODE_PROVE_PEAK_MIB;
  const provePeak = opts.provePeakMiB ?? (committed ? COMMITTED_NODE_PROVE_PEAK_MIB : plainPeak);
  const witnessPeak = (v: Pick<ChildVerifier, "native">) =>
    v.native ? backend.witnessPeakMiB.native : backend.witnessPeakMiB.wasm;
  // 1. circuits, as promises (planCircuits)
  const t0 = performance.now();
  const plan = planCircuits(
    { ...input, columns: input.columns.length, states: input.states.length, nodes: mode },
    opts,
    budget,
    backend,
    log,
  );
  const circuits = plan.report;

  // 2. the tree (planTree), each node proved as soon as its children and its circuit exist
  const tree = planTree(input);
  const nodes: NodeReport[] = [];
  const pool = createPool({ task: "wtns.ts", threads: opts.workers ?? 2 });
  const dir = join(opts.outDir, "aggregate");
  const ctx: NodeWorkContext = {
    claim: (claim, fn) => budget.run(claim, fn),
    witnessPeakMiB: witnessPeak,
    provePeakMiB: provePeak,
    wtns: (task) => pool.run(task satisfies WtnsTask),
    prover: prover ? { bin: prover.bin, threads: budget.cores } : undefined,
    cores: budget.cores,
    memoryMiB: budget.memoryMiB,
  };
  /**
   * One node: a stored proof is reused when it matches; otherwise its witness is computed as soon
   * as its children are proven and its circuit's parts exist (its linking and setup may still be
   * running), and its proof once the proving key exists.
   */
  const proveNode = async (node: TreeNode, l: Proved, r: Proved): Promise<Proved> => {
    const { name, level, glueInput, expected } = node;
    const file = join(dir, `${name}.json`);
    const circuit = circuitOf(node);
    const inputHashOf = (c: NodeCircuit) =>
      nodeInputHash(c.keys.hash, l.publicSignal, r.publicSignal, glueInput);
    if (existsSync(file)) {
      const c = await circuit;
      const s = readStored(file, inputHashOf(c), expected.toString());
      if (s) {
        nodes.push({ name, circuit: c.name, level, reused: true, witnessSeconds: 0, proveSeconds: 0 });
        return { name, proof: s.proof, publicSignal: s.publicSignal };
      }
    }
    const work = join(dir, "work", name);
    const zkey = circuit.then((c) => c.keys.zkey);
    const ck = circuit.then((c) => c.keys.commitment ?? "");
    const w = await proveNodeWork(workCircuit(await partsOf(node), zkey, ck), node, l, r, work, ctx);
    const c = await circuit;
    const inputHash = inputHashOf(c);
    writeFileAtomic(
      file,
      JSON.stringify({
        name,
        inputHash,
        proof: w.proof,
        publicSignal: w.publicSignal,
        witnessSeconds: w.witnessSeconds,
        proveSeconds: w.proveSeconds,
      } satisfies StoredNode),
    );
    if (process.env.DES_KEEP_WITNESS === "1") {
      // for `make bench-prover`: the node's witness and key, kept beside its proof
      renameSync(w.witness, join(dir, `${name}.wtns`));
      writeFileAtomic(
        join(dir, `${name}.witness.json`),
        JSON.stringify({ zkey: c.keys.zkey, wtns: `${name}.wtns` }),
      );
    }
    rmSync(work, { recursive: true, force: true });
    nodes.push({
      name,
      circuit: c.name,
      level,
      reused: false,
      witnessSeconds: w.witnessSeconds,
      proveSeconds: w.proveSeconds,
      witnessMode: w.witnessMode,
    });
    log(
      `${name}: witness ${w.witnessSeconds.toFixed(0)} s (${w.witnessMode}), proof ${w.proveSeconds.toFixed(0)} s`,
    );
    return { name, proof: w.proof, publicSignal: w.publicSignal };
  };

  const circuitOf = (n: TreeNode): Promise<NodeCircuit> =>
    n.circuit.side === "root"
      ? plan.root
      : (n.circuit.side === "column" ? plan.columns : plan.states)[n.circuit.level - 1]!;
  const partsOf = (n: TreeNode): Promise<NodeParts> =>
    n.circuit.side === "root"
      ? plan.parts.root
      : (n.circuit.side === "column" ? plan.parts.columns : plan.parts.states)[n.circuit.level - 1]!;
  const proved = new Map<string, Promise<Proved>>();
  for (const leaf of [...input.columns, ...input.states]) proved.set(leaf.name, Promise.resolve(leaf));
  for (const n of tree.nodes) {
    const [l, r] = n.children.map((c) => proved.get(c)!) as [Promise<Proved>, Promise<Proved>];
    proved.set(n.name, quietly(Promise.all([l, r]).then(([pl, pr]) => proveNode(n, pl, pr))));
  }

  const header = tree.header;
  let top: Proved;
  let root: Pick<NodeCircuit, "name" | "keys">;
  try {
    // every node is awaited, so that a failure in one side is reported after the other side settles
    await Promise.allSettled([...proved.values()]);
    top = await proved.get(tree.root)!;
    root = await plan.root;
    if (plan.wrap) {
      // committed nodes: the block proof is the wrap's plain proof of the committed root's
      const wrap = await plan.wrap;
      const file = join(dir, "block-proof.json");
      const inputHash = nodeInputHash(wrap.keys.hash, top.publicSignal, "", {});
      const stored = readStored(file, inputHash, top.publicSignal);
      if (stored) {
        nodes.push({
          name: "block-proof",
          circuit: wrap.name,
          level: "block proof",
          reused: true,
          witnessSeconds: 0,
          proveSeconds: 0,
        });
        top = { name: "block-proof", proof: stored.proof, publicSignal: stored.publicSignal };
      } else {
        const work = join(dir, "work", "block-proof");
        const w = await proveWrapWork(wrap, top, work, {
          ...ctx,
          provePeakMiB: opts.provePeakMiB ?? plainPeak,
        });
        writeFileAtomic(file, JSON.stringify({ name: "block-proof", inputHash, ...w } satisfies StoredNode));
        rmSync(work, { recursive: true, force: true });
        nodes.push({ name: "block-proof", circuit: wrap.name, level: "block proof", reused: false, ...w });
        log(`block proof: witness ${w.witnessSeconds.toFixed(0)} s, proof ${w.proveSeconds.toFixed(0)} s`);
        top = { name: "block-proof", proof: w.proof, publicSignal: w.publicSignal };
      }
      root = wrap;
    }
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
  const blockProof = writeBlockProof(opts.outDir, header, root, top, input.development);
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

/** One node of a block's aggregation tree, with everything its proof needs but the children's proofs. */
export interface TreeNode {
  name: string;
  level: string;
  /** Its circuit: a level (1-based) of the column or state side's chain, or the block root. */
  circuit: { side: "column" | "state" | "root"; level: number };
  /** The names of its left and right children (leaf names at level 1). */
  children: [string, string];
  /** The glue circuit's input (the children's public signals and statement values). */
  glueInput: Record<string, unknown>;
  /** Its public signal: the hash of its statement, computed from the leaves' statements. */
  expected: bigint;
}

/** What planTree needs: the leaves' names, public signals and statements, and the block. */
export type TreeInput = Pick<AggregateInput, "depth" | "txsPerColumn" | "id" | "txHashes"> & {
  columns: { name: string; publicSignal: string; publics: ColumnPublics }[];
  states: { name: string; publicSignal: string; publics: StatePublics }[];
};

export interface TreePlan {
  /** Bottom-up: every node after its children; the block root last. */
  nodes: TreeNode[];
  root: string;
  header: Header;
}

/**
 * The aggregation tree of a block as a job graph: every node with its children, its circuit, its
 * glue input and the public signal its proof must have. Both runners (aggregateBlock here, the
 * BullMQ coordinator in src/dist/) prove exactly these nodes. Every statement is computed from the
 * leaves' statements, so the plan exists before any proof does.
 */
export function planTree(input: TreeInput): TreePlan {
  const a = log2(input.columns.length);
  const b = log2(input.states.length);
  const nodes: TreeNode[] = [];
  interface Ref<P, S> {
    name: string;
    publicSignal: string;
    child: Child<P, S>;
    side: S;
  }
  const side = <P, S>(o: {
    name: "column" | "state";
    leaves: { name: string; publicSignal: string; publics: P }[];
    leafSide: (p: P) => S;
    join: (l: S, r: S, level: number) => S;
    values: (c: Child<P, S>) => string[];
    hash: (s: S) => bigint;
  }) => {
    const rec = (level: number, i: number): Ref<P, S> => {
      if (level === 0) {
        const leaf = o.leaves[i]!;
        return {
          name: leaf.name,
          publicSignal: leaf.publicSignal,
          child: { kind: "leaf", publics: leaf.publics },
          side: o.leafSide(leaf.publics),
        };
      }
      const l = rec(level - 1, 2 * i);
      const r = rec(level - 1, 2 * i + 1);
      const joined = o.join(l.side, r.side, level);
      const expected = o.hash(joined);
      const name = `${o.name}-L${level}-${i}`;
      nodes.push({
        name,
        level: `${o.name} level ${level}`,
        circuit: { side: o.name, level },
        children: [l.name, r.name],
        glueInput: { xL: l.publicSignal, xR: r.publicSignal, l: o.values(l.child), r: o.values(r.child) },
        expected,
      });
      return { name, publicSignal: expected.toString(), child: { kind: "node", side: joined }, side: joined };
    };
    return rec;
  };
  const c = side({
    name: "column",
    leaves: input.columns,
    leafSide: columnLeafSide,
    join: (l: ColumnSide, r: ColumnSide) => joinColumns(l, r),
    values: columnValues,
    hash: columnNodeHash,
  })(a, 0);
  const s = side({
    name: "state",
    leaves: input.states,
    leafSide: stateLeafSide,
    join: (l: StateSide, r: StateSide, level) => joinStates(l, r, input.depth, level === 1, level === 1),
    values: stateValues,
    hash: stateNodeHash,
  })(b, 0);
  const header = blockRoot(c.side, s.side, input.depth, input.id, input.txHashes);
  nodes.push({
    name: "block-root",
    level: "root",
    circuit: { side: "root", level: 0 },
    children: [c.name, s.name],
    glueInput: {
      xC: c.publicSignal,
      xS: s.publicSignal,
      c: columnValues(c.child),
      s: stateValues(s.child),
      chainId: String(input.id.chainId),
      number: String(input.id.number),
      parent: String(input.id.parent),
      ...txListValues(input.txHashes, input.columns.length * input.txsPerColumn),
    },
    expected: headerHash(header),
  });
  return { nodes, root: "block-root", header };
}

/** What a node proof needs of its circuit: files and each child verifier's witness input. */
export interface NodeWorkCircuit {
  name: string;
  glueWasm: string;
  verifiers: [
    Pick<ChildVerifier, "wasm" | "native" | "input">,
    Pick<ChildVerifier, "wasm" | "native" | "input">,
  ];
  bindings: [number[], number[]];
  /** The proving key; a promise when the witness may start before the key's setup has ended. */
  zkey: string | Promise<string>;
  /**
   * A committed node: the directory of its commitment key (from the same setup as the proving key;
   * a promise likewise). Its glue and verifiers take the seed H(D) (NodeCircuit.committed).
   */
  commitment?: string | Promise<string>;
}

/**
 * A node circuit's parts (a whole NodeCircuit fits), its proving key and, for a committed node,
 * its commitment key's directory, for proveNodeWork.
 */
export const workCircuit = (
  c: NodeParts,
  zkey: NodeWorkCircuit["zkey"],
  commitment?: NodeWorkCircuit["commitment"],
): NodeWorkCircuit => ({
  name: c.name,
  glueWasm: c.glue.wasm,
  verifiers: c.verifiers,
  bindings: c.bindings,
  zkey,
  ...(c.committed && commitment !== undefined ? { commitment } : {}),
});

/** The runner's side of a node proof: its scheduler, witness threads and prover. */
export interface NodeWorkContext {
  /** Runs a heavy step under the runner's scheduler (a Budget). */
  claim<T>(claim: TaskClaim, fn: () => Promise<T>): Promise<T>;
  witnessPeakMiB(v: NodeWorkCircuit["verifiers"][number]): number;
  provePeakMiB: number;
  /** A WebAssembly verifier witness on a worker thread (workers/wtns.ts). */
  wtns(task: WtnsTask): Promise<unknown>;
  /** The native prover and its threads; absent: snarkjs. */
  prover?: { bin: string; threads: number };
  /** Cores a proof claims. */
  cores: number;
  /** The scheduler's whole memory budget (MiB): a claim above it is refused. */
  memoryMiB?: number;
}

/**
 * A node witness: "one pass" (a plain node), "two passes" (a committed node's witness computed
 * for seed 0 and again for H(D)) or "two stages" (computed once, paused at the seed:
 * pausedLinked).
 */
export type WitnessMode = "one pass" | "two passes" | "two stages";

export interface NodeWork {
  proof: unknown;
  publicSignal: string;
  witnessMode: WitnessMode;
  /** The slower child witness plus glue and linking, timed inside the claims; the proof likewise. */
  witnessSeconds: number;
  proveSeconds: number;
  /** The linked witness (in `work`). */
  witness: string;
}

/**
 * One child verifier's witness (its input from the child's proof and public signal, plus `extra`:
 * a committed node's seed) under a witness claim, natively or on a worker thread. A child whose
 * proof does not verify has no verifier witness (no residue witness exists, or a constraint
 * fails): PROVER_FAULT naming the child.
 */
async function childWitness(
  v: NodeWorkCircuit["verifiers"][number],
  child: Proved,
  out: string,
  what: { node: string; label: string; extra?: CircuitInput },
  ctx: Pick<NodeWorkContext, "claim" | "witnessPeakMiB" | "wtns">,
): Promise<{ out: string; seconds: number }> {
  return ctx.claim({ name: what.label, peakMiB: ctx.witnessPeakMiB(v) }, async () => {
    const t = performance.now();
    try {
      const input = { ...v.input(child.proof, child.publicSignal), ...what.extra };
      if (v.native) await nativeWitness(v.native, input, out);
      else await ctx.wtns({ wasm: v.wasm, input, out });
    } catch (e) {
      throw childFault(what.node, child, e);
    }
    return { out, seconds: (performance.now() - t) / 1000 };
  });
}

/** PROVER_FAULT for a child whose verifier witness failed: its proof does not verify in-circuit. */
function childFault(node: string, child: Proved, e: unknown) {
  return desError(
    "PROVER_FAULT",
    `${node}: child ${child.name}'s proof does not verify in-circuit (${(e as Error).message.split("\n")[0]})`,
    { node, child: child.name },
  );
}

/**
 * The node's linked witness in nodeW: the glue's witness for the node's input with `extra` (a
 * committed node's seed), linked with the two child verifier witnesses `wtns`.
 */
async function linkNodeWitness(
  c: Pick<NodeWorkCircuit, "glueWasm" | "bindings">,
  node: Pick<TreeNode, "glueInput">,
  extra: CircuitInput,
  wtns: readonly [string, string],
  work: string,
  nodeW: string,
): Promise<void> {
  const glueW = join(work, "glue.wtns");
  await snarkjs.wtns.calculate({ ...node.glueInput, ...extra }, c.glueWasm, glueW);
  linkWitness(
    glueW,
    [
      { wtns: wtns[0], bind: c.bindings[0] },
      { wtns: wtns[1], bind: c.bindings[1] },
    ],
    nodeW,
  );
}

/**
 * One node proof: the two child verifiers' witnesses (side by side), the glue's witness, the
 * linked witness (link.ts) and the Groth16 proof, whose public signal must be `node.expected`.
 * A committed node (c.commitment) is proven as Groth16 with one commitment (src/commit/prove.ts):
 * its witness twice (seed 0 for the commitment D, then seed H(D)), the commitment's multiexps, the
 * proof; its proof's public input is x' = Poseidon(expected, H(D)), and the statement it returns as
 * its public signal is `expected` (a parent's committed-form verifier computes x' from it).
 */
export async function proveNodeWork(
  c: NodeWorkCircuit,
  node: Pick<TreeNode, "name" | "glueInput" | "expected">,
  l: Proved,
  r: Proved,
  work: string,
  ctx: NodeWorkContext,
): Promise<NodeWork> {
  const { name } = node;
  const nodeW = join(work, "node.wtns");
  /** The linked witness (with `extra`: the seed), in nodeW; its seconds (the slower child, glue, linking). */
  const linked = async (extra: CircuitInput = {}) => {
    const wit = (side: 0 | 1, child: Proved) =>
      childWitness(
        c.verifiers[side],
        child,
        join(work, `child${side}.wtns`),
        { node: name, label: `${name} child ${side} witness`, extra },
        ctx,
      );
    const [cl, cr] = await Promise.all([wit(0, l), wit(1, r)]);
    const g0 = performance.now();
    await linkNodeWitness(c, node, extra, [cl.out, cr.out], work, nodeW);
    return Math.max(cl.seconds, cr.seconds) + (performance.now() - g0) / 1000;
  };
  if (c.commitment !== undefined) {
    // two stages where both generators pause at the seed and the budget holds both of them with
    // the commitment at once; two passes otherwise
    const staged =
      c.verifiers.every((v) => v.native !== undefined && pauseSupport(v.native, "seed")) &&
      stagesPeakMiB(c, ctx) <= (ctx.memoryMiB ?? Number.POSITIVE_INFINITY)
        ? pausedLinked(c, node, [l, r], work, nodeW, ctx)
        : undefined;
    return proveCommittedNode(c, node, staged ?? { linked }, nodeW, ctx);
  }
  const witnessSeconds = await linked();
  const { proof, publicSignals, proveSeconds } = await plainProof(ctx, `${name} proof`, await c.zkey, nodeW);
  if (publicSignals[0] !== node.expected.toString())
    throw desError(
      "WITNESS_MISMATCH",
      `${name}: node public signal ${publicSignals[0]} ≠ the reference statement hash ${node.expected}`,
    );
  return {
    proof,
    publicSignal: publicSignals[0]!,
    witnessSeconds,
    proveSeconds,
    witness: nodeW,
    witnessMode: "one pass",
  };
}

/**
 * A plain Groth16 proof of `wtns` under the proof's claim (native prover or snarkjs), timed inside
 * the claim: waiting for the budget (a circuit build, another proof) is not proving.
 */
async function plainProof(ctx: NodeWorkContext, name: string, zkey: string, wtns: string) {
  return ctx.claim({ name, peakMiB: ctx.provePeakMiB, cores: ctx.cores }, async () => {
    const p0 = performance.now();
    const res = ctx.prover
      ? await nativeProve(zkey, wtns, ctx.prover)
      : await snarkjs.groth16.prove(zkey, wtns);
    return { ...res, proveSeconds: (performance.now() - p0) / 1000 };
  });
}

/**
 * A committed node's linked witness in two stages (native generators that pause at `seed`,
 * src/build/native.ts pauseSupport): `first()` starts both children's generators, which compute
 * everything before the seed (the committed wires), and links their partial witnesses with the
 * glue's for seed 0 into nodeW; `second(seed)` resumes them with H(D) and links the final
 * witnesses. The children's work before the seed is done once, not once per seed.
 *
 * The paused generators keep their memory while the commitment is computed, so one claim covers
 * both children, the commitment and the resumption (the proof's cores; both generators' peaks and
 * the commitment's): held from first() to the end of second(), or `stop()`, which also ends the
 * generators (a failure between the stages loses nothing but them).
 */
function pausedLinked(
  c: NodeWorkCircuit,
  node: Pick<TreeNode, "name" | "glueInput">,
  children: readonly [Proved, Proved],
  work: string,
  nodeW: string,
  ctx: NodeWorkContext,
): StagedLinked {
  const { name } = node;
  let held: { release: () => void; paused: PausedWitness[] } | undefined;
  const fault = (child: Proved, e: unknown) =>
    isDesError(e) && e.code === "USAGE" ? e : childFault(name, child, e);
  const glueAndLink = (seed: bigint, wtns: readonly [string, string]) =>
    linkNodeWitness(c, node, { seed: String(seed) }, wtns, work, nodeW);
  const stop = () => {
    for (const p of held?.paused ?? []) p?.abort();
    held?.release();
    held = undefined;
  };
  return {
    async first() {
      const peakMiB = stagesPeakMiB(c, ctx);
      const release = await holdClaim(ctx, {
        name: `${name} witness (two stages) and commitment`,
        peakMiB,
        cores: ctx.cores,
      });
      held = { release, paused: [] };
      const h = held;
      const results = await Promise.allSettled(
        children.map(async (child, side) => {
          const v = c.verifiers[side as 0 | 1];
          try {
            const p = await startPausedWitness(
              v.native!,
              // the seed's placeholder: never read (the generator pauses at its first read)
              { ...v.input(child.proof, child.publicSignal), seed: "0" },
              join(work, `child${side}.wtns`),
              { signal: "seed", partial: join(work, `child${side}.partial.wtns`) },
            );
            h.paused[side] = p;
            return p;
          } catch (e) {
            throw fault(child, e);
          }
        }),
      );
      const bad = results.find((x) => x.status === "rejected");
      if (bad) throw (bad as PromiseRejectedResult).reason;
      const paused = results.map((x) => (x as PromiseFulfilledResult<PausedWitness>).value);
      const g0 = performance.now();
      await glueAndLink(0n, [paused[0]!.partial, paused[1]!.partial]);
      return Math.max(...paused.map((p) => p.seconds)) + (performance.now() - g0) / 1000;
    },
    async second(seed) {
      if (!held) throw desError("PROVER_FAULT", `${name}: the second stage without the first`);
      const h = held;
      const done = await Promise.all(
        children.map(async (child, side) => {
          try {
            return await h.paused[side]!.resume(seed);
          } catch (e) {
            throw fault(child, e);
          }
        }),
      );
      const g0 = performance.now();
      await glueAndLink(seed, [join(work, "child0.wtns"), join(work, "child1.wtns")]);
      stop();
      return Math.max(...done.map((d) => d.seconds)) + (performance.now() - g0) / 1000;
    },
    stop,
  };
}

/** The claim of pausedLinked: both paused generators and the commitment's multiexps. */
function stagesPeakMiB(
  c: NodeWorkCircuit,
  ctx: Pick<NodeWorkContext, "witnessPeakMiB" | "provePeakMiB">,
): number {
  return (
    c.verifiers.reduce((a, v) => a + ctx.witnessPeakMiB(v), 0) + Math.min(COMMIT_PEAK_MIB, ctx.provePeakMiB)
  );
}

/** A committed node's two linked witnesses: once per seed, or in two stages (pausedLinked). */
type StagedLinked =
  | { linked: (extra: CircuitInput) => Promise<number> }
  | { first(): Promise<number>; second(seed: bigint): Promise<number>; stop(): void };

/**
 * Holds a claim of the runner's scheduler from when it is granted until the returned function is
 * called (ctx.claim runs a function under a claim; this one waits for the release).
 */
function holdClaim(ctx: Pick<NodeWorkContext, "claim">, claim: TaskClaim): Promise<() => void> {
  return new Promise((granted, failed) => {
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    ctx
      .claim(claim, async () => {
        granted(release);
        await held;
      })
      .catch(failed);
  });
}

/**
 * proveNodeWork's committed path: proveCommittedWith over the linked witness of each seed, or over
 * the two stages of one witness (pausedLinked), whose claim already covers the commitment.
 */
async function proveCommittedNode(
  c: NodeWorkCircuit,
  node: Pick<TreeNode, "name" | "expected">,
  w: StagedLinked,
  nodeW: string,
  ctx: NodeWorkContext,
): Promise<NodeWork> {
  const { name } = node;
  if (!ctx.prover)
    throw desError("USAGE", `${name}: a committed node needs the native prover (--nodes plain without it)`);
  // the first witness (seed 0) starts at once; the commitment key is read once its setup has ended
  const ck = Promise.resolve(c.commitment!).then(readCommitmentKey);
  ck.catch(() => {}); // awaited after the first witness, which may fail first
  let witnessSeconds = 0;
  let proveSeconds = 0;
  const timed = async <T>(fn: () => Promise<T>): Promise<T> => {
    const p0 = performance.now();
    try {
      return await fn();
    } finally {
      proveSeconds += (performance.now() - p0) / 1000;
    }
  };
  const staged = "first" in w ? w : undefined;
  let r: Awaited<ReturnType<typeof proveCommittedWith>>;
  try {
    r = await proveCommittedWith({
      zkey: c.zkey,
      ck,
      bin: ctx.prover.bin,
      threads: ctx.prover.threads,
      witness: async (seed) => {
        // the two stages' claim is held until the resumption, and the commitment between them
        // needs the key: the first stage waits for the setup, so the claim never waits on a
        // setup still in the queue
        witnessSeconds += staged
          ? seed === 0n
            ? await ck.then(() => staged.first())
            : await staged.second(seed)
          : await (w as { linked: (extra: CircuitInput) => Promise<number> }).linked({ seed: String(seed) });
        return { wtns: nodeW };
      },
      // timed inside the claims, like the plain proof; the two stages' claim covers the commitment
      stage: (stage, fn) =>
        staged && stage === "commit"
          ? timed(fn)
          : ctx.claim(
              {
                name: `${name} ${stage === "commit" ? "commitment" : "proof"}`,
                peakMiB: stage === "commit" ? Math.min(COMMIT_PEAK_MIB, ctx.provePeakMiB) : ctx.provePeakMiB,
                cores: ctx.cores,
              },
              () => timed(fn),
            ),
    });
  } finally {
    staged?.stop();
  }
  const D = [BigInt(r.proof.D[0]), BigInt(r.proof.D[1])] as const;
  const xp = committedPublicInput(node.expected, D);
  if (r.publicSignals[0] !== xp.toString())
    throw desError(
      "WITNESS_MISMATCH",
      `${name}: node public signal ${r.publicSignals[0]} ≠ Poseidon(reference statement hash ${node.expected}, H(D))`,
    );
  return {
    proof: r.proof,
    publicSignal: node.expected.toString(),
    witnessSeconds,
    proveSeconds,
    witness: nodeW,
    witnessMode: staged ? "two stages" : "two passes",
  };
}

/**
 * The block proof over a committed root (committed nodes): the wrap circuit's witness from the
 * root's proof and statement, and its plain Groth16 proof, whose public signal is the statement.
 */
export async function proveWrapWork(
  wrap: Pick<WrapCircuit, "verifier" | "keys">,
  root: Proved,
  work: string,
  ctx: NodeWorkContext,
): Promise<Omit<NodeWork, "witness">> {
  mkdirSync(work, { recursive: true });
  const out = join(work, "wrap.wtns");
  const w = await childWitness(
    wrap.verifier,
    root,
    out,
    { node: "block proof", label: "block proof witness" },
    ctx,
  );
  const { proof, publicSignals, proveSeconds } = await plainProof(ctx, "block proof", wrap.keys.zkey, out);
  if (publicSignals[0] !== root.publicSignal)
    throw desError(
      "WITNESS_MISMATCH",
      `block proof: public signal ${publicSignals[0]} ≠ the root's statement ${root.publicSignal}`,
    );
  return {
    proof,
    publicSignal: publicSignals[0]!,
    witnessSeconds: w.seconds,
    proveSeconds,
    witnessMode: "one pass",
  };
}

/** A stored node proof, when it exists, reads and was made from `inputHash` with this public signal. */
function readStored(file: string, inputHash: string, publicSignal: string): StoredNode | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const s = JSON.parse(readFileSync(file, "utf8")) as StoredNode;
    return s.inputHash === inputHash && s.publicSignal === publicSignal ? s : undefined;
  } catch {
    return undefined; // unreadable: prove again
  }
}

/** The node mode of an aggregation: the asked one, else committed where the native prover is there. */
export function nodeMode(asked: NodeMode | undefined, nativeProver: boolean): NodeMode {
  if (asked === "committed" && !nativeProver)
    throw desError(
      "USAGE",
      "committed nodes (--nodes committed) need the native prover, which is not built here (g++ missing?); use --nodes plain",
    );
  return asked ?? (nativeProver ? "committed" : "plain");
}

/** What a stored node proof was made from: its key and its children's public signals and statements. */
export const nodeInputHash = (
  keyHash: string,
  l: string,
  r: string,
  glueInput: Record<string, unknown>,
): string =>
  createHash("sha256")
    .update(JSON.stringify({ key: keyHash, l, r, glueInput }))
    .digest("hex");

/** Writes DIR/block.proof.json (and the root's key to DIR/vkeys/); returns its path. */
export function writeBlockProof(
  outDir: string,
  header: Header,
  root: Pick<NodeCircuit, "name" | "keys">,
  top: { proof: unknown; publicSignal: string },
  development: boolean,
): string {
  const rootVkey = JSON.parse(readFileSync(root.keys.vkey, "utf8"));
  const dev = development || root.keys.dev;
  const bp: BlockProofJSON = {
    format: BLOCK_PROOF_FORMAT,
    version: BLOCK_PROOF_FILE_VERSION,
    development: dev,
    notice: dev ? DEV_NOTICE : null,
    header: headerJSON(header),
    circuit: root.name,
    vkeyHash: vkeyHash(rootVkey),
    publicSignal: top.publicSignal,
    proof: top.proof as BlockProofJSON["proof"],
  };
  const blockProof = join(outDir, "block.proof.json");
  writeFileAtomic(blockProof, `${JSON.stringify(bp, null, 1)}\n`);
  writeFileAtomic(join(outDir, "vkeys", `${root.name}.json`), readFileSync(root.keys.vkey));
  return blockProof;
}
