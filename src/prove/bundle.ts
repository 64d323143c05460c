/**
 * The block bundle (`DIR/block.proof.json`, format "des-block-bundle" version 1): every leaf proof
 * of a block with the public values its single public signal hashes, plus γ, R0, R1 and the
 * block's transaction list digest. Schema first; types are inferred.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { parseWithSchema, readJsonFile } from "../block/schema.ts";

export const BUNDLE_FORMAT = "des-block-bundle";
export const BUNDLE_VERSION = 1;

/** A decimal integer string, and the same parsed to a bigint. */
export const Dec = z.string().regex(/^(0|[1-9][0-9]*)$/, "expected a decimal integer string");
export const Big = Dec.transform((v) => BigInt(v));

export const Groth16Proof = z.object({
  pi_a: z.array(Dec).length(3),
  pi_b: z.array(z.array(Dec).length(2)).length(3),
  pi_c: z.array(Dec).length(3),
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
  publics: z.object({ r0: Big, txDigest: Big, writeDigest: Big, fingerprint: Big, gamma: Big }),
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
    number: z.number().int().nonnegative(),
    parent: Big,
    depth: z.number().int().min(1).max(32),
    txHashes: z.array(Big).min(1),
  }),
  r0: Big,
  r1: Big,
  gamma: Big,
  /** Chain over all (index, txHash) of the block in order (see crypto/hash.ts txDigest). */
  txDigest: Big,
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
