/**
 * Builds an aggregator node circuit: its glue (circuits/aggregator.circom), the in-circuit verifier
 * of each child's key (circuits/groth16_verifier.circom, compiled once per key), the linked r1cs
 * (link.ts), for a committed node its linear constraints eliminated where a wire is used once more
 * (reduce.ts), and its keys (src/setup). Everything is cached by content: the glue and verifiers by
 * the compiler's hash, the node's r1cs by the hashes of its parts (and the reduction's id), the keys
 * by the r1cs bytes.
 *
 * The verifier is a backend so that the orchestration can be tested with a small stand-in circuit
 * (test/aggregate.tree.test.ts); the real one is groth16Backend.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { type VerifierVkey, verifierInput, verifierTrace } from "../bn254/groth16.ts";
import { compileVerifier, type VerifierForm } from "../bn254/verifier-build.ts";
import { ARTIFACTS, type CircuitSpec, type CompiledCircuit, compileCircuit } from "../build/circom.ts";
import { buildNativeWitness, nativeToolchain, startNativeWitnessBuild } from "../build/native.ts";
import type { CircuitInput } from "../circuits/wasm-witness.ts";
import {
  committedLinkedWires,
  type LinkedPart,
  mainLevelLinkedWires,
  seedDerivedPairs,
} from "../commit/key.ts";
import { desError } from "../errors.ts";
import { readR1csInfo } from "../setup/devsetup.ts";
import { type SetupOptions, type SetupResult, setupCircuit } from "../setup/index.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { GLUE_COMPILE_OPTIONS, glueBindings } from "./glue.ts";
import { linkBases, linkR1cs } from "./link.ts";
import { determinedWires, identifyWires, REDUCE_ID, reduceLinear } from "./reduce.ts";

/** Declared peak of one native verifier witness, MiB (measured: 186 MiB; docs/circuits.md, "Native witness generators"). */
const NATIVE_VERIFIER_WITNESS_MIB = 400;

/**
 * A compiled child verifier: a circuit with public input x (wire 1) for a constant key, and in the
 * lookup form a second one, the seed of its challenges (wire 2).
 */
export interface ChildVerifier {
  name: string;
  hash: string;
  r1cs: string;
  wasm: string;
  sym: string;
  /** Its native witness generator (native.ts), when the C++ toolchain is there; else wasm is used. */
  native?: string;
  /**
   * Its witness input for a Groth16 proof with public signal x (a committed child's proof: its
   * statement x; x' = Poseidon(x, H(D)) is computed in-circuit). The lookup form's seed is not in it.
   */
  input(proof: unknown, x: string): CircuitInput;
}

export interface VerifierBackend {
  /** Stable id of the backend (part of the node circuits' cache keys). */
  id: string;
  /**
   * The real in-circuit Groth16 verifier: only block roots built with such a backend (into the
   * default key store) become this machine's trusted roots (src/prove/trust.ts).
   */
  production?: boolean;
  /**
   * The verifier of `vkey` (plain, or committed with [σ]₂: CM = 1) in `form`: "transcript" for a
   * plain Groth16 parent, "lookup" (public x and seed) for a committed parent.
   */
  compile(vkey: VerifierVkey, form?: VerifierForm): Promise<ChildVerifier>;
  /** Measured peak memory (MiB) of one verifier witness computation (for the scheduler). */
  witnessPeakMiB: { wasm: number; native: number };
}

/**
 * Whether verifiers get native witness generators: when the toolchain is there (once per process,
 * with the reason logged when not) and DES_NATIVE_WITNESS is not 0.
 */
export function useNativeWitness(log: (line: string) => void = () => {}): boolean {
  const tc = nativeToolchain();
  if (!tc.ok && !warned) {
    warned = true;
    log(`verifier witnesses use WebAssembly: ${tc.reason}`);
  }
  return tc.ok;
}
let warned = false;

/** Adds the native witness generator to a circuit compiled with C++ sources, when it has them. */
export async function nativeGenerator(c: CompiledCircuit): Promise<string | undefined> {
  return c.cpp ? (await buildNativeWitness(c.cpp, c.name)).bin : undefined;
}

/**
 * The in-circuit Groth16 verifier (issue #7): ≈ 1.96M constraints per child. With `native`, each
 * key's verifier also gets its native witness generator where the toolchain is there (C++ output
 * and ≈ 6 min of g++ per key, once); without, witnesses are WebAssembly only. `native:
 * "background"` does not wait for g++: the generator is built by a low-priority background process
 * (startNativeWitnessBuild) and witnesses use WebAssembly until its binary exists, so a first run's
 * critical path (verifier compile → link → setup → proofs) has no g++ on it.
 */
export function groth16VerifierBackend(opts: { native: boolean | "background" }): VerifierBackend {
  return {
    id: "groth16-verifier",
    production: true,
    witnessPeakMiB: { wasm: 2400, native: NATIVE_VERIFIER_WITNESS_MIB },
    async compile(vkey, form = "transcript") {
      const v = await compileVerifier(vkey, { cpp: opts.native !== false && useNativeWitness() }, form);
      const key = v.build.keys[0]!;
      const base = {
        name: v.name,
        hash: v.hash,
        r1cs: v.r1cs,
        wasm: v.wasm,
        sym: v.sym,
        input: (proof: unknown, x: string) =>
          verifierInput(verifierTrace(key, proof as never, x)) as CircuitInput,
      };
      if (opts.native === "background" && v.cpp) {
        const cpp = v.cpp;
        startNativeWitnessBuild(cpp, v.name);
        // read at each witness: the generator once its background build has finished
        return Object.defineProperty(base, "native", {
          enumerable: true,
          get: () => (existsSync(join(cpp, v.name)) ? join(cpp, v.name) : undefined),
        }) as ChildVerifier;
      }
      return { ...base, native: opts.native ? await nativeGenerator(v) : undefined };
    },
  };
}

/** The aggregation's default backend: native witness generators where possible. */
export const groth16Backend: VerifierBackend = groth16VerifierBackend({ native: true });
/** The same, with the generators built in the background (`des prove`'s aggregation). */
export const groth16BackgroundBackend: VerifierBackend = groth16VerifierBackend({ native: "background" });

export interface NodeCircuit {
  name: string;
  glue: CompiledCircuit;
  /** Left and right child verifiers (the same object when the keys are equal). */
  verifiers: [ChildVerifier, ChildVerifier];
  /** Glue wires of the children's public signals. */
  bindings: [number[], number[]];
  r1cs: string;
  constraints: number;
  wires: number;
  keys: SetupResult;
  linkSeconds: number;
  /**
   * A committed node (Groth16 with one commitment, src/commit/): its glue's seed wire, which each
   * verifier's seed (its second public wire) is bound to; the key directory has the commitment key.
   */
  committed?: { seedWire: number };
}

export interface BuildNodeOptions {
  setup?: SetupOptions;
  log?: (line: string) => void;
  /**
   * Runs a heavy step under the caller's scheduler: a verifier compile (circom2 then g++, one core
   * each in turn) or the linking and the setup (both cores). Default: run it at once.
   */
  claim?: <T>(step: "compile" | "setup", fn: () => Promise<T>) => Promise<T>;
  /**
   * Receives the node's parts as soon as its verifiers are compiled, before the linking and the
   * setup: enough to compute a node's witness (proveNodeWork needs the key only for the proof).
   */
  onParts?: (parts: NodeParts) => void;
  /** Receives the node's verification key as soon as the setup knows it (SetupOptions.onVkey). */
  onVkey?: (vkey: VerifierVkey) => void;
  /**
   * A committed node: `spec` is a Committed* glue with a `seed` input, the children's verifiers
   * are the lookup form (x and seed bound to the glue), and the key commits every wire computed
   * before the seed (src/commit/key.ts committedLinkedWires).
   */
  committed?: boolean;
}

/** What a node's witness needs: the glue, the two child verifiers and the glue's binding wires. */
export type NodeParts = Pick<NodeCircuit, "name" | "glue" | "verifiers" | "bindings" | "committed">;

/**
 * Compiles, links and sets up one node circuit: glue `spec` whose inputs `bindNames` carry the
 * children's public signals, children verified under `vkeys` (left, right).
 */
export async function buildNode(
  spec: CircuitSpec,
  bindNames: readonly [string, string],
  vkeys: readonly [VerifierVkey, VerifierVkey],
  backend: VerifierBackend,
  opts: BuildNodeOptions = {},
): Promise<NodeCircuit> {
  const log = opts.log ?? (() => {});
  const claim = opts.claim ?? ((_step, fn) => fn());
  const glue = await compileCircuit(spec, GLUE_COMPILE_OPTIONS);
  const same = JSON.stringify(vkeys[0]) === JSON.stringify(vkeys[1]);
  const form: VerifierForm = opts.committed ? "lookup" : "transcript";
  // two different keys compile side by side (one compiler each; ≈ 3 GB apiece at the verifier's size)
  const compile = (vk: VerifierVkey) => claim("compile", () => backend.compile(vk, form));
  const [vl, vr] = same
    ? await compile(vkeys[0]).then((v) => [v, v] as const)
    : await Promise.all([compile(vkeys[0]), compile(vkeys[1])]);
  const seedWire = opts.committed ? glueBindings(glue.sym, ["seed"])[0]! : undefined;
  const bindings = glueBindings(glue.sym, bindNames).map((w) =>
    seedWire === undefined ? [w] : [w, seedWire],
  ) as [number[], number[]];
  const committed = seedWire === undefined ? undefined : { seedWire };
  const hash = createHash("sha256")
    .update(
      JSON.stringify({
        glue: glue.hash,
        l: vl.hash,
        r: vr.hash,
        bindings,
        backend: backend.id,
        ...(committed ? { reduce: REDUCE_ID } : {}),
      }),
    )
    .digest("hex")
    .slice(0, 16);
  const name = `${spec.name}-${hash}`;
  opts.onParts?.({ name, glue, verifiers: [vl, vr], bindings, ...(committed ? { committed } : {}) });
  const dir = join(ARTIFACTS, "aggregate", name);
  const r1cs = join(dir, `${name}.r1cs`);
  let linkSeconds = 0;
  // a committed node's eliminated wires (src/aggregate/reduce.ts), which leave its committed set
  const reducedFile = join(dir, "reduced.json");
  let commitWires: number[] | undefined;
  const keys = await claim("setup", () => {
    if (!existsSync(r1cs) || (committed && !existsSync(reducedFile))) {
      mkdirSync(dir, { recursive: true });
      const linked = committed ? `${r1cs}.linked` : r1cs;
      linkSeconds = linkR1cs(
        glue.r1cs,
        [
          { r1cs: vl.r1cs, bind: bindings[0] },
          { r1cs: vr.r1cs, bind: bindings[1] },
        ],
        linked,
      ).seconds;
      log(`linked ${name} in ${linkSeconds.toFixed(1)} s`);
      if (committed) {
        const g = readR1csInfo(glue.r1cs);
        const red = reduceCommittedNode(
          linked,
          r1cs,
          { sym: glue.sym, nPublic: g.nPubOut + g.nPubIn },
          nodeLayout(glue, [vl, vr]),
        );
        rmSync(linked, { force: true });
        writeFileAtomic(
          reducedFile,
          JSON.stringify({
            reduce: REDUCE_ID,
            before: red.before,
            after: red.after,
            identified: red.identified,
            eliminated: red.eliminated,
            determined: red.determined,
          }),
        );
        commitWires = red.committed;
        log(
          `${name}: ${red.dropped} constraints of the seed's computations merged, ${red.eliminated.length} linear constraints eliminated (${red.before} → ${red.after}); ${red.determined.length} committed wires determined by the others; ${red.seconds.toFixed(1)} s`,
        );
      }
    }
    const commitment = committed
      ? { wires: commitWires ?? reducedCommittedWires(glue, [vl, vr], reducedFile) }
      : undefined;
    return setupCircuit(
      { name, r1cs },
      {
        log,
        ...opts.setup,
        ...(commitment ? { commitment } : {}),
        ...(opts.onVkey ? { onVkey: (vk) => opts.onVkey!(vk as VerifierVkey) } : {}),
      },
    );
  });
  const info = readR1csInfo(r1cs);
  return {
    name,
    glue,
    verifiers: [vl, vr],
    bindings,
    r1cs,
    constraints: info.nConstraints,
    wires: info.nWires,
    keys,
    linkSeconds,
    ...(committed ? { committed } : {}),
  };
}

export interface CommittedNodeReduction {
  /** Constraints linked and reduced; constraints dropped by the merge. */
  before: number;
  after: number;
  dropped: number;
  /** Wires identified with the first verifier's, eliminated, and determined by the hints. */
  identified: number[];
  eliminated: number[];
  determined: number[];
  /** The committed wires left for the key: J without the three lists. */
  committed: number[];
  seconds: number;
}

/**
 * Reduces a linked committed node's r1cs into `out` (src/aggregate/reduce.ts): the second
 * verifier's copy of the seed's computations identified with the first's, linear constraints
 * eliminated down to the lowest domain they reach, then (unless `determine` is false) the
 * committed wires that the hints determine taken out of the commitment. J is the glue's committed
 * wires but its seed and each part's computed before its challenges (src/commit/key.ts).
 */
export function reduceCommittedNode(
  linked: string,
  out: string,
  glue: { sym: string; nPublic: number },
  layout: readonly LinkedPart[],
  opts: { determine?: boolean } = {},
): CommittedNodeReduction {
  const t0 = performance.now();
  const pairs = seedDerivedPairs(layout);
  const identified = pairs.map(([from]) => from);
  const gone = new Set(identified);
  const J = committedLinkedWires({ sym: glue.sym, exclude: ["main.seed"] }, layout).filter(
    (w) => !gone.has(w),
  );
  const merged = `${out}.merged`;
  const id = identifyWires(linked, merged, pairs, { committed: J });
  const red = reduceLinear(merged, out, { committed: J, fitDomain: true });
  rmSync(merged, { force: true });
  const inJ = new Set(red.committed);
  const determined =
    opts.determine === false
      ? []
      : determinedWires(
          out,
          red.committed,
          mainLevelLinkedWires(glue, layout).filter((w) => inJ.has(w)),
        ).determined;
  const det = new Set(determined);
  return {
    before: id.before,
    after: red.nConstraints,
    dropped: id.dropped,
    identified,
    eliminated: red.eliminated,
    determined,
    committed: red.committed.filter((w) => !det.has(w)),
    seconds: (performance.now() - t0) / 1000,
  };
}

const ReducedFile = z.object({
  reduce: z.literal(REDUCE_ID),
  identified: z.array(z.number().int().positive()),
  eliminated: z.array(z.number().int().positive()),
  determined: z.array(z.number().int().positive()),
});

/**
 * A committed node's committed wires without those its reduction identified, eliminated or found
 * determined by the others (reduced.json, written with the node's r1cs).
 */
function reducedCommittedWires(
  glue: CompiledCircuit,
  parts: readonly ChildVerifier[],
  reducedFile: string,
): number[] {
  const parsed = ReducedFile.safeParse(JSON.parse(readFileSync(reducedFile, "utf8")));
  if (!parsed.success)
    throw desError("INVALID_R1CS", `${reducedFile}: not a reduction record of ${REDUCE_ID}`);
  const gone = new Set([...parsed.data.identified, ...parsed.data.eliminated, ...parsed.data.determined]);
  return committedNodeWires(glue, parts).filter((w) => !gone.has(w));
}

/** Where linkR1cs puts each part's private wires, with the part's .sym file and public count. */
function nodeLayout(glue: CompiledCircuit, parts: readonly ChildVerifier[]): LinkedPart[] {
  const bases = linkBases(
    glue.r1cs,
    parts.map((p) => p.r1cs),
  );
  return parts.map((p, i) => {
    const info = readR1csInfo(p.r1cs);
    return { sym: p.sym, nPublic: info.nPubOut + info.nPubIn, base: bases[i]! };
  });
}

/**
 * The committed wires of a linked committed node: the glue's but its seed, and each verifier
 * part's computed before its challenges (src/commit/key.ts), at the places linkR1cs gave them.
 */
function committedNodeWires(glue: CompiledCircuit, parts: readonly ChildVerifier[]): number[] {
  return committedLinkedWires({ sym: glue.sym, exclude: ["main.seed"] }, nodeLayout(glue, parts));
}

/**
 * The block proof's circuit over a committed root: the root's verifier in the transcript form (a
 * plain Groth16 circuit whose one public input x is the root's statement, the header hash), with
 * the committed root's key (CM = 1) as its constant. Its proof is the block proof, a plain Groth16
 * proof that snarkjs, `des verify` and the exported Solidity verifier check as before.
 */
export interface WrapCircuit {
  name: string;
  verifier: ChildVerifier;
  r1cs: string;
  constraints: number;
  keys: SetupResult;
}

export async function buildWrap(
  rootVkey: VerifierVkey,
  backend: VerifierBackend,
  opts: Pick<BuildNodeOptions, "setup" | "log" | "claim"> = {},
): Promise<WrapCircuit> {
  const log = opts.log ?? (() => {});
  const claim = opts.claim ?? ((_step, fn) => fn());
  const verifier = await claim("compile", () => backend.compile(rootVkey, "transcript"));
  const hash = createHash("sha256")
    .update(JSON.stringify({ wrap: verifier.hash, backend: backend.id }))
    .digest("hex")
    .slice(0, 16);
  const name = `agg-block-proof-${hash}`;
  const keys = await claim("setup", () =>
    setupCircuit({ name, r1cs: verifier.r1cs }, { log, ...opts.setup }),
  );
  return { name, verifier, r1cs: verifier.r1cs, constraints: readR1csInfo(verifier.r1cs).nConstraints, keys };
}
