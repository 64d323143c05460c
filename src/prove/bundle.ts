/**
 * The block bundle (`DIR/leaves.json`, format "des-block-bundle" version 2): every leaf proof of a
 * block with the public values its single public signal hashes, plus γ, R0, R1 and the block's
 * transaction list commitment. Schema first; types are inferred. Every field element is canonical
 * (< r): an alias v + r is refused by name.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { MAX_CHAIN_ID, parseWithSchema, readJsonFile } from "../block/schema.ts";
import { FIELD_P, FIELD_Q } from "../crypto/field.ts";

export const BUNDLE_FORMAT = "des-block-bundle";
export const BUNDLE_VERSION = 2;

/** A decimal integer string, and the same parsed to a bigint. */
export const Dec = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, { message: "expected a decimal integer string", abort: true });
export const Big = Dec.transform((v) => BigInt(v)).refine((v) => v < FIELD_P, {
  message: "not a canonical field element (≥ the BN254 scalar field modulus r)",
});
/** A base-field coordinate (< q) of a Groth16 proof point. */
const Coord = Dec.refine((v) => BigInt(v) < FIELD_Q, {
  message: "not a canonical coordinate (≥ the BN254 base field modulus q)",
});

export const Groth16Proof = z.object({
  pi_a: z.array(Coord).length(3),
  pi_b: z.array(z.array(Coord).length(2)).length(3),
  pi_c: z.array(Coord).length(3),
  protocol: z.literal("groth16"),
  curve: z.literal("bn128"),
});

const ProofCommon = {
  circuit: z.string().min(1),
  /** sha256 of the verification key JSON the proof was made for. */
  vkeyHash: z.string().regex(/^[0-9a-f]{64}$/),
  publicSignal: Big,
  proof: Groth16Proof,
};

export const ColumnEntry = z.object({
  id: z.number().int().nonnegative(),
  txs: z.array(z.number().int().nonnegative()),
  publics: z.object({
    r0: Big,
    txDigest: Big,
    writeDigest: Big,
    fingerprint: Big,
    txFingerprint: Big,
    gamma: Big,
  }),
  ...ProofCommon,
});

export const StateEntry = z.object({
  index: z.number().int().nonnegative(),
  publics: z.object({
    rootBefore: Big,
    rootAfter: Big,
    shard: z.number().int().nonnegative(),
    keyLo: z.number().int().nonnegative(),
    keyHi: z.number().int().nonnegative(),
    writeDigest: Big,
    fingerprint: Big,
    gamma: Big,
  }),
  ...ProofCommon,
});

export const Bundle = z.object({
  format: z.literal(BUNDLE_FORMAT),
  version: z.literal(BUNDLE_VERSION),
  development: z.boolean(),
  notice: z.string().nullable(),
  profile: z.string(),
  shardBits: z.number().int().min(0).max(16),
  block: z.object({
    chainId: z.number().int().nonnegative().max(MAX_CHAIN_ID),
    number: z.number().int().nonnegative(),
    parent: Big,
    depth: z.number().int().min(1).max(32),
    txHashes: z.array(Big).min(1),
  }),
  r0: Big,
  r1: Big,
  gamma: Big,
  /** The block's transaction list commitment (crypto/hash.ts txListCommitment of txHashes). */
  txCommitment: Big,
  columns: z.array(ColumnEntry).min(1),
  stateUpdates: z.array(StateEntry).min(1),
});

export type Bundle = z.output<typeof Bundle>;
export type BundleJSON = z.input<typeof Bundle>;
export type ColumnEntry = z.output<typeof ColumnEntry>;
export type StateEntry = z.output<typeof StateEntry>;

export function parseBundle(json: unknown, source = "bundle"): Bundle {
  return parseWithSchema(Bundle, json, "INVALID_BUNDLE", source);
}

export function loadBundle(file: string): Bundle {
  return parseBundle(readJsonFile(file), file);
}

/** Canonical hash of a verification key (sha256 of its JSON with sorted keys). */
export function vkeyHash(vkey: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canon)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canon((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash("sha256")
    .update(JSON.stringify(canon(vkey)))
    .digest("hex");
}
