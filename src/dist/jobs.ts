/**
 * The distributed runner's job formats: what a leaf job and a node job carry in Redis, what a
 * worker returns, and how jobs are named and queued. Everything here is small (inputs, proofs,
 * public signals, errors); files are named by sha256 (artifacts.ts).
 *
 * A job's id is the hash of everything its result depends on (its name in the tree, its input, its
 * key, its expected public signal and its children's ids), so a resubmitted block finds every job
 * it already finished, and two blocks that share nothing never share a job.
 *
 * Queues are resource classes: `leaf-c1-m<MiB>` or `node-c1-m<MiB>`, the cores and memory a job of
 * the class declares. A worker serves the classes that fit its own declaration, so a job is only
 * taken by a machine that can run it.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { ArtifactGroup } from "./artifacts.ts";

export const Groth16ProofJSON = z.object({
  pi_a: z.array(z.string().regex(/^\d+$/)).length(3),
  pi_b: z.array(z.array(z.string().regex(/^\d+$/)).length(2)).length(3),
  pi_c: z.array(z.string().regex(/^\d+$/)).length(3),
  protocol: z.literal("groth16"),
  curve: z.literal("bn128"),
});
export type Groth16ProofJSON = z.infer<typeof Groth16ProofJSON>;

const Decimal = z.string().regex(/^\d+$/);

export const LeafJobData = z.object({
  kind: z.literal("leaf"),
  name: z.string().min(1),
  circuit: z.string().min(1),
  /** The WebAssembly witness generator with its witness_calculator.js. */
  wasm: ArtifactGroup,
  zkey: ArtifactGroup,
  input: z.record(z.string(), z.unknown()),
  expected: Decimal,
  /** Declared cores and peak memory (the queue's class). */
  cores: z.number().int().positive(),
  peakMiB: z.number().int().positive(),
});
export type LeafJobData = z.infer<typeof LeafJobData>;

export const VerifierArtifacts = z.object({
  /** The key the child's proof is verified under (snarkjs verification key JSON). */
  vkey: z.record(z.string(), z.unknown()),
  wasm: ArtifactGroup,
  /** Native witness generator and its .dat, when the coordinator has one built. */
  native: ArtifactGroup.optional(),
  name: z.string().min(1),
});

export const NodeJobData = z.object({
  kind: z.literal("node"),
  name: z.string().min(1),
  level: z.string().min(1),
  circuit: z.string().min(1),
  /** The child-verifier backend (its witness input format): src/aggregate/build.ts, standin.ts. */
  backend: z.string().min(1),
  zkey: ArtifactGroup,
  glue: ArtifactGroup,
  verifiers: z.tuple([VerifierArtifacts, VerifierArtifacts]),
  bindings: z.tuple([z.array(z.number().int().nonnegative()), z.array(z.number().int().nonnegative())]),
  children: z.tuple([
    z.object({ name: z.string(), expected: Decimal }),
    z.object({ name: z.string(), expected: Decimal }),
  ]),
  glueInput: z.record(z.string(), z.unknown()),
  expected: Decimal,
  /** Results of children finished by an earlier submission (checked again by the worker). */
  given: z.array(z.unknown()).max(2).optional(),
  cores: z.number().int().positive(),
  peakMiB: z.number().int().positive(),
  /** Declared peaks of one child witness and of the proof (the worker's own Budget). */
  witnessPeakMiB: z.tuple([z.number().int().positive(), z.number().int().positive()]),
  provePeakMiB: z.number().int().positive(),
});
export type NodeJobData = z.infer<typeof NodeJobData>;

export const JobData = z.discriminatedUnion("kind", [LeafJobData, NodeJobData]);
export type JobData = z.infer<typeof JobData>;

/** What a worker returns: checked by the coordinator (and by the parent's worker) before use. */
export const JobResult = z.object({
  name: z.string(),
  proof: Groth16ProofJSON,
  publicSignals: z.array(Decimal).length(1),
  worker: z.string().min(1).max(200),
  witnessMs: z.number().nonnegative(),
  proveMs: z.number().nonnegative(),
  prover: z.enum(["native", "snarkjs"]),
});
export type JobResult = z.infer<typeof JobResult>;

/** A job id: `L-` or `N-` and the hash of what its result depends on. */
export function jobId(kind: "leaf" | "node", content: unknown): string {
  const h = createHash("sha256")
    .update(JSON.stringify(content, (_k, v) => (typeof v === "bigint" ? v.toString() : v)))
    .digest("hex")
    .slice(0, 40);
  return `${kind === "leaf" ? "L" : "N"}-${h}`;
}

/** The queue of a resource class. */
export const queueName = (kind: "leaf" | "node", cores: number, peakMiB: number) =>
  `${kind}-c${cores}-m${peakMiB}`;

/** Parses a queue name back into its class (undefined: not one of ours). */
export function parseQueueName(
  q: string,
): { kind: "leaf" | "node"; cores: number; peakMiB: number } | undefined {
  const m = /^(leaf|node)-c(\d+)-m(\d+)$/.exec(q);
  return m ? { kind: m[1] as "leaf" | "node", cores: Number(m[2]), peakMiB: Number(m[3]) } : undefined;
}

/**
 * Declared peak of one leaf proof, MiB, from its proving key's size: the WebAssembly witness, the
 * key's mapped pages and the prover's domain-sized arrays stay within twice the key plus 384 MiB
 * (tiny and realistic profiles, `make bench-prover`), rounded up to 64 MiB.
 */
export function leafPeakMiB(zkeyBytes: number): number {
  const mib = (2 * zkeyBytes) / 2 ** 20 + 384;
  return Math.ceil(mib / 64) * 64;
}

/** Redis keys of a deployment (BullMQ's own keys share the prefix). */
export const keys = (prefix: string) => ({
  /** Set of the queue names jobs were submitted to: workers poll it. */
  classes: `${prefix}:des:classes`,
  /** Where workers pull artifacts from (the coordinator's --serve URL). */
  artifactsUrl: `${prefix}:des:artifacts-url`,
  /** Hash of worker id → JSON of its declaration and last heartbeat. */
  workers: `${prefix}:des:workers`,
});
