/**
 * The block proof (`DIR/block.proof.json`, format "des-block-proof" version 1): one Groth16 proof
 * of the aggregation tree's root circuit, its single public signal, and the header that signal
 * hashes (statement.ts, headerHash): R0, R1, the transaction digest (the column side's tree
 * digest), the block's identity (number, parent) and the header format version. Schema first.
 *
 * Verifying it (verifyBlockProof) costs one Poseidon hash and one Groth16 verification, whatever
 * the block's size.
 */
import * as snarkjs from "snarkjs";
import { z } from "zod";
import { parseWithSchema, readJsonFile } from "../block/schema.ts";
import { checkFailed } from "../errors.ts";
import { Big, Groth16Proof, vkeyHash } from "../prove/bundle.ts";
import { BLOCK_PROOF_VERSION, type Header, headerHash } from "./statement.ts";

export const BLOCK_PROOF_FORMAT = "des-block-proof";
export const BLOCK_PROOF_FILE_VERSION = 1;

export const BlockProof = z.object({
  format: z.literal(BLOCK_PROOF_FORMAT),
  version: z.literal(BLOCK_PROOF_FILE_VERSION),
  development: z.boolean(),
  notice: z.string().nullable(),
  header: z.object({
    version: Big,
    number: Big,
    parent: Big,
    r0: Big,
    r1: Big,
    txDigest: Big,
  }),
  /** The root circuit and the sha256 of the verification key the proof was made for. */
  circuit: z.string().min(1),
  vkeyHash: z.string().regex(/^[0-9a-f]{64}$/),
  publicSignal: Big,
  proof: Groth16Proof,
});

export type BlockProof = z.output<typeof BlockProof>;
export type BlockProofJSON = z.input<typeof BlockProof>;

export function parseBlockProof(json: unknown, source = "block proof"): BlockProof {
  return parseWithSchema(BlockProof, json, "INVALID_BUNDLE", source);
}

export function loadBlockProof(file: string): BlockProof {
  return parseBlockProof(readJsonFile(file), file);
}

/** Whether a parsed JSON file is a block proof (rather than a bundle of leaf proofs). */
export function isBlockProofJSON(json: unknown): boolean {
  return (
    typeof json === "object" && json !== null && (json as { format?: unknown }).format === BLOCK_PROOF_FORMAT
  );
}

export function headerJSON(h: Header): BlockProofJSON["header"] {
  return {
    version: String(h.version),
    number: String(h.number),
    parent: String(h.parent),
    r0: String(h.r0),
    r1: String(h.r1),
    txDigest: String(h.txDigest),
  };
}

export interface BlockProofSummary {
  header: Header;
  development: boolean;
  ms: number;
}

/**
 * Checks a block proof against a trusted verification key of its root circuit: the key is the one
 * the proof names, the header version is known, the public signal is the header's hash, and the
 * Groth16 proof verifies.
 */
export async function verifyBlockProof(bp: BlockProof, vkey: unknown): Promise<BlockProofSummary> {
  const t0 = performance.now();
  if (vkeyHash(vkey) !== bp.vkeyHash)
    checkFailed("verification-key", `the proof was made for another key of ${bp.circuit}`);
  if (bp.header.version !== BLOCK_PROOF_VERSION)
    checkFailed("header", `header version ${bp.header.version} (this verifier knows ${BLOCK_PROOF_VERSION})`);
  if (headerHash(bp.header) !== bp.publicSignal)
    checkFailed("public-hash", "the public signal is not the hash of the header");
  let ok = false;
  try {
    ok = await snarkjs.groth16.verify(
      vkey as snarkjs.VerificationKey,
      [bp.publicSignal.toString()],
      bp.proof,
    );
  } catch {
    ok = false;
  }
  if (!ok) checkFailed("proof", "the Groth16 block proof does not verify");
  return { header: bp.header, development: bp.development, ms: performance.now() - t0 };
}
