/**
 * Building the in-circuit Groth16 verifier (circuits/groth16_verifier.circom) for given keys:
 * the generated constants file, the compile spec and options, and the constraint breakdown.
 *
 * Optimisation level: --O1. The project's small circuits use --O2, but at this size --O2 is out of
 * reach of circom2's 4 GiB WebAssembly memory and time: measured on a chain of 8 Miller steps
 * (174,480 constraints) --O2 took 52.7 s and 274 MB against --O1's 11.1 s and 241 MB, and --O1
 * compiles the whole verifier in about 8.5 minutes within 3.0 GB. --O1 keeps the linear
 * constraints (obligations, packing, limb assignments): they are counted and reported.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { parseWithSchema, readJsonFile } from "../block/schema.ts";
import {
  ARTIFACTS,
  type CircuitSpec,
  type CompiledCircuit,
  type CompileOptions,
  compileCircuit,
  REPO_ROOT,
} from "../build/circom.ts";
import { FIELD_Q } from "../crypto/field.ts";
import {
  MSM_WINDOWS,
  renderVkeyCircom,
  type VerifierConstants,
  type VerifierVkey,
  verifierConstants,
} from "./groth16.ts";
import { ATE_LOOP as ATE_NAF, g2, jsonG2, type SnarkjsVkey } from "./pairing.ts";
import { R } from "./tower.ts";

/** A canonical base-field coordinate: a decimal integer below q, without leading zeros. */
const Decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, { message: "a decimal integer", abort: true })
  .refine((v) => BigInt(v) < FIELD_Q, "not a canonical coordinate (≥ the BN254 base field modulus q)");
/** A snarkjs Groth16 verification key for BN254 with one public input (the circuit's constant key). */
export const Groth16VkeySchema = z.object({
  protocol: z.literal("groth16"),
  curve: z.literal("bn128"),
  nPublic: z.literal(1),
  vk_alpha_1: z.array(Decimal).length(3),
  vk_beta_2: z.array(z.array(Decimal).length(2)).length(3),
  vk_gamma_2: z.array(z.array(Decimal).length(2)).length(3),
  vk_delta_2: z.array(z.array(Decimal).length(2)).length(3),
  IC: z.array(z.array(Decimal).length(3)).length(2),
});

export function parseGroth16Vkey(json: unknown, source = "verification key"): SnarkjsVkey {
  return parseWithSchema(Groth16VkeySchema, json, "INVALID_VKEY", source);
}

/** An affine G2 point as snarkjs writes it, on the twist and in G2 (order r). */
const G2Decimal = z
  .array(z.array(Decimal).length(2))
  .length(3)
  .refine((p) => p[2]![0] === "1" && p[2]![1] === "0", "not affine (z must be [1, 0])")
  .refine((p) => {
    try {
      const q = jsonG2(p);
      return g2.onCurve(q) && g2.mul(q, R) === null;
    } catch {
      return false;
    }
  }, "not a point of G2");

/**
 * A committed child's key (src/commit/verify.ts CommittedVkey): a Groth16 key with one public input
 * and the commitment's [σ]₂. A key of this form gets the committed verifier (CM = 1).
 */
export const CommittedVkeySchema = Groth16VkeySchema.extend({ sigma_2: G2Decimal });

export function parseCommittedVkey(
  json: unknown,
  source = "committed verification key",
): SnarkjsVkey & { sigma_2: string[][] } {
  return parseWithSchema(CommittedVkeySchema, json, "INVALID_VKEY", source);
}

export function loadGroth16Vkey(file: string): SnarkjsVkey {
  return parseGroth16Vkey(readJsonFile(file), file);
}

export const VERIFIER_COMPILE_OPTIONS: CompileOptions = { O: 1 };
const VERIFIER_FILE = "circuits/groth16_verifier.circom";

/**
 * The verifier's two forms (Groth16Verifier's RC): "transcript" (RC = 1: bit range checks and an
 * in-circuit transcript, for a plain Groth16 parent) and "lookup" (RC = 0: lookup range checks and
 * challenges from a `seed` input, for a parent proven with one commitment, src/commit/).
 */
export type VerifierForm = "transcript" | "lookup";

export interface VerifierBuild {
  /** The keys' constants, in VK order. */
  keys: VerifierConstants[];
  /** The generated file (relative to the repository root). */
  file: string;
  form: VerifierForm;
}

/** Writes the constants file for `vkeys` (VK = index) under artifacts/generated/ (idempotent). */
export function generateVerifierSource(
  vkeys: readonly VerifierVkey[],
  form: VerifierForm = "transcript",
): VerifierBuild {
  const keys = vkeys.map(verifierConstants);
  const dir = join(ARTIFACTS, "generated");
  mkdirSync(dir, { recursive: true });
  const tag = createHash("sha256")
    .update(keys.map((k) => k.id).join(","))
    .digest("hex")
    .slice(0, 16);
  const abs = join(dir, `groth16-vkeys-${tag}.circom`);
  const src = renderVkeyCircom(keys, relative(dir, join(REPO_ROOT, VERIFIER_FILE)));
  writeFileSync(abs, src);
  return { keys, file: relative(REPO_ROOT, abs), form };
}

/**
 * The verifier of key `vk` of a build as a compile target: public input x (and the lookup form's
 * seed). A committed key (with [σ]₂) gets the committed verifier (CM = 1), which verifies the
 * child's D and P too and computes its public input x' = Poseidon(x, H(D)) from x.
 */
export function verifierSpec(build: VerifierBuild, vk = 0, name = "groth16-verifier"): CircuitSpec {
  const k = build.keys[vk];
  if (!k) throw new Error(`no key ${vk} in the build`);
  const lookup = build.form === "lookup";
  const cm = k.committed ? 1 : 0;
  return {
    name: `${name}${lookup ? "-lookup" : ""}${cm ? "-committed" : ""}-${k.id}`,
    file: build.file,
    template: "Groth16Verifier",
    params: [43, 6, vk, lookup ? 0 : 1, cm],
    publicInputs: lookup ? ["x", "seed"] : ["x"],
  };
}

export function compileVerifier(
  vkey: VerifierVkey,
  opts: Omit<CompileOptions, "O"> = {},
  form: VerifierForm = "transcript",
): Promise<CompiledCircuit & { build: VerifierBuild }> {
  const build = generateVerifierSource([vkey], form);
  return compileCircuit(verifierSpec(build), { ...VERIFIER_COMPILE_OPTIONS, ...opts }).then((c) => ({
    ...c,
    build,
  }));
}

export interface BreakdownRow {
  piece: string;
  /** Constraints (non-linear + linear) of one instance, measured by compiling it alone. */
  each: number;
  count: number;
  constraints: number;
}

/** Obligations and transcript elements of the verifier (mirrors bn_verifier_* in the circuit). */
export function verifierSizes(): { obligations: number; transcriptElements: number; steps: number[] } {
  const kinds: number[] = [];
  for (let d = 1; d < ATE_NAF.length; d++) {
    kinds.push(0);
    if (ATE_NAF[d] !== 0) kinds.push(1);
  }
  kinds.push(2, 2);
  const nw = MSM_WINDOWS;
  const K = 6;
  const obl = (k: number) => (k === 0 ? 56 : k === 1 ? 58 : 46);
  const vals = (k: number) => (k === 2 ? 42 : 54);
  const obligations = 4 * nw + kinds.reduce((a, k) => a + obl(k), 0);
  const limbs =
    (2 + 4 + 2 + 2 * nw + 4 + 88 * 2 + 23 * 2 + 12 + 12 + 6) * K +
    16 * K +
    2 * nw * K +
    kinds.reduce((a, k) => a + vals(k) * K, 0);
  return { obligations, transcriptElements: 1 + Math.ceil(limbs / 5), steps: kinds };
}

/**
 * The verifier's constraints by piece, each piece compiled alone (--O1, cached) and multiplied by
 * its count in the circuit; "checks and glue" is the rest of the measured total (range and curve
 * checks of the proof and hints, normalisers, ψ maps, the G2 check, the residue identity, the
 * transcript's packing and challenges).
 */
export async function verifierBreakdown(build: VerifierBuild, total: number): Promise<BreakdownRow[]> {
  const id = build.keys[0]!.id;
  const piece = async (name: string, template: string, params: number[]) =>
    (
      await compileCircuit(
        { name: `groth16-piece-${name}-${id}`, file: build.file, template, params },
        VERIFIER_COMPILE_OPTIONS,
      )
    ).constraints;
  const { obligations, transcriptElements } = verifierSizes();
  const ba = Math.ceil(Math.sqrt(obligations));
  const bb = Math.ceil(obligations / ba);
  const rows: BreakdownRow[] = [];
  const add = (name: string, each: number, count: number) =>
    rows.push({ piece: name, each, count, constraints: each * count });
  add(
    "public-input term IC0 + x·IC1 (FixedBaseMul, 8-bit windows)",
    await piece("msm", "FixedBaseMul", [43, 6, 0, 1]),
    1,
  );
  add(
    "Miller doubling step (3 pairs)",
    await piece("step-double", "VerifierStep", [43, 6, 0, 0, 0, 1, 0]),
    65,
  );
  add(
    "Miller addition step (digit ±1, with c^∓1)",
    await piece("step-add", "VerifierStep", [43, 6, 0, 2, 1, 1, 0]),
    21,
  );
  add("Miller ψ / −ψ² step", await piece("step-frob", "VerifierStep", [43, 6, 0, 87, 2, 1, 0]), 2);
  add(
    `transcript hash (${transcriptElements} elements)`,
    await piece(`transcript-${transcriptElements}`, "TranscriptHash", [transcriptElements]),
    1,
  );
  add(
    `deferred batch check (${obligations} obligations)`,
    await piece(`batch-${obligations}`, "DeferredBatchCheck", [43, 6, obligations, ba, bb]),
    2,
  );
  const counted = rows.reduce((a, r) => a + r.constraints, 0);
  add("checks and glue (curve, range, ψ maps, G2 check, residue identity, challenges)", total - counted, 1);
  return rows;
}
