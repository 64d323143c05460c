/**
 * The block proof (`DIR/block.proof.json`, format "des-block-proof" version 2): one Groth16 proof
 * of the aggregation tree's root circuit, its single public signal, and the header that signal
 * hashes (statement.ts, headerHash): the chain id, block number and parent, R0, R1, the commitment
 * to the block's ordered transaction list and its length, and the header format version. Schema
 * first; every field element canonical (< r).
 *
 * Verifying it (verifyBlockProof) costs one Poseidon hash and one Groth16 verification, whatever
 * the block's size, against a key the verifier trusts (src/prove/trust.ts). matchBlock checks the
 * header against the block file the verifier holds (R0 from its pre-state, the list commitment from
 * its transactions); matchParent checks the link to the previous block proof.
 */
import * as snarkjs from "snarkjs";
import { z } from "zod";
import type { Block } from "../block/schema.ts";
import { parseWithSchema, readJsonFile } from "../block/schema.ts";
import { txHash, txListCommitment } from "../crypto/hash.ts";
import { checkFailed, desError } from "../errors.ts";
import { Big, Groth16Proof } from "../prove/bundle.ts";
import type { TrustedRoot } from "../prove/trust.ts";
import { State } from "../state/execute.ts";
import { BLOCK_PROOF_VERSION, type Header, headerHash } from "./statement.ts";

export const BLOCK_PROOF_FORMAT = "des-block-proof";
export const BLOCK_PROOF_FILE_VERSION = 2;

export const BlockProof = z.object({
  format: z.literal(BLOCK_PROOF_FORMAT),
  version: z.literal(BLOCK_PROOF_FILE_VERSION),
  development: z.boolean(),
  notice: z.string().nullable(),
  header: z.object({
    version: Big,
    chainId: Big,
    number: Big,
    parent: Big,
    r0: Big,
    r1: Big,
    txCommitment: Big,
    txCount: Big,
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
    chainId: String(h.chainId),
    number: String(h.number),
    parent: String(h.parent),
    r0: String(h.r0),
    r1: String(h.r1),
    txCommitment: String(h.txCommitment),
    txCount: String(h.txCount),
  };
}

export interface BlockProofSummary {
  header: Header;
  /** The root circuit of the trusted key the proof verified under. */
  circuit: string;
  development: boolean;
  ms: number;
}

/**
 * Checks a block proof against a key the verifier trusts (trust.ts chooseKey picked it): the proof
 * names that key, the header version is known, the public signal is the header's hash, and the
 * Groth16 proof verifies.
 */
export async function verifyBlockProof(bp: BlockProof, key: TrustedRoot): Promise<BlockProofSummary> {
  const t0 = performance.now();
  const vkey = key.vkey;
  if (key.sha256 !== bp.vkeyHash)
    checkFailed("verification-key", `the proof was made for another key than the trusted one`);
  if (bp.header.version !== BLOCK_PROOF_VERSION)
    checkFailed("header", `header version ${bp.header.version} (this verifier knows ${BLOCK_PROOF_VERSION})`);
  if (headerHash(bp.header) !== bp.publicSignal)
    checkFailed("public-hash", "the public signal is not the hash of the header");
  let ok = false;
  try {
    ok = await snarkjs.groth16.verify(
      vkey as unknown as snarkjs.VerificationKey,
      [bp.publicSignal.toString()],
      bp.proof,
    );
  } catch {
    ok = false;
  }
  if (!ok) checkFailed("proof", "the Groth16 block proof does not verify");
  return {
    header: bp.header,
    circuit: bp.circuit,
    development: bp.development || key.development,
    ms: performance.now() - t0,
  };
}

/** What a block file fixes of its header: everything but R1 (which the proof proves). */
export function expectedHeader(block: Block): Omit<Header, "r1" | "version"> {
  const chainId = BigInt(block.chainId);
  const hashes = block.txs.map((t) => txHash(t, chainId));
  return {
    chainId,
    number: BigInt(block.number),
    parent: block.parent,
    r0: State.fromBlock(block).root(),
    txCommitment: txListCommitment(hashes),
    txCount: BigInt(hashes.length),
  };
}

/**
 * The header is the block's: its chain id, number and parent, R0 recomputed from the block's
 * pre-state, and the commitment to its transaction list (so no transaction removed, added,
 * replaced or reordered). Needs no leaf bundle. Throws VERIFICATION_FAILED naming the first check.
 */
export function matchBlock(h: Header, block: Block): void {
  const e = expectedHeader(block);
  if (h.chainId !== e.chainId)
    checkFailed("block-chain-id", `the proof is for chain ${h.chainId}, the block for chain ${e.chainId}`);
  if (h.number !== e.number)
    checkFailed("block-number", `the proof is for block ${h.number}, the block file is number ${e.number}`);
  if (h.parent !== e.parent) checkFailed("block-parent", "the proof's parent is not the block file's parent");
  if (h.r0 !== e.r0) checkFailed("block-r0", "R0 is not the root of the block's pre-state");
  if (h.txCount !== e.txCount || h.txCommitment !== e.txCommitment)
    checkFailed(
      "block-transactions",
      `the proof commits to another transaction list (${h.txCount} transactions) than the block's (${e.txCount})`,
      { proven: Number(h.txCount), block: Number(e.txCount) },
    );
}

type Link = Pick<Header, "chainId" | "number" | "parent" | "r0">;

/**
 * The first rule by which `child` does not extend `parent` (same chain id, parent = the parent
 * header's hash, number + 1, R0 = the parent's R1), or undefined: one set of rules for a proven
 * header (matchParent) and a block about to be proven (checkExtends).
 */
function linkFault(
  child: Link,
  parent: Header,
): { field: keyof Link; check: string; message: string } | undefined {
  if (child.chainId !== parent.chainId)
    return {
      field: "chainId",
      check: "parent-chain-id",
      message: `chain ${child.chainId}, the parent's is ${parent.chainId}`,
    };
  const hash = headerHash(parent);
  if (child.parent !== hash)
    return {
      field: "parent",
      check: "parent",
      message: `its parent ${child.parent} is not the parent header's hash ${hash}`,
    };
  if (child.number !== parent.number + 1n)
    return {
      field: "number",
      check: "parent-number",
      message: `block ${child.number} does not follow block ${parent.number}`,
    };
  if (child.r0 !== parent.r1)
    return { field: "r0", check: "parent-r1", message: "its pre-state root is not the parent's R1" };
  return undefined;
}

/** The header extends `parent`, else VERIFICATION_FAILED naming the rule (linkFault). */
export function matchParent(h: Header, parent: Header): void {
  const f = linkFault(h, parent);
  if (f) checkFailed(f.check, f.message);
}

/**
 * `des prove --parent`: the block extends the parent block proof's header (linkFault), else
 * CHAIN_MISMATCH naming the field. Its header then chains to the parent by construction.
 */
export function checkExtends(block: Block, parent: Header): void {
  const f = linkFault(expectedHeader(block), parent);
  if (f)
    throw desError("CHAIN_MISMATCH", `the block does not extend the parent block proof: ${f.message}`, {
      field: f.field,
    });
}
