/**
 * Trusted root keys: the verifier's choice of which verification keys a block proof may be checked
 * against. The proof file names a circuit and a key hash; those fields only select among the keys
 * the verifier already trusts and are compared with them, never used to find a key.
 *
 * A manifest (format "des-trusted-keys" version 1) lists root circuits with their verification keys
 * inline and each key's sha256 (bundle.ts vkeyHash); the hash is re-checked on load, so a manifest
 * edited by hand cannot pair a name with another key. The machine that builds a block root through
 * the production pipeline (real in-circuit Groth16 verifiers, the default key store) records it in
 * its local registry, `artifacts/trusted-roots.json`: that registry is what `des verify` trusts by
 * default, and what `des keys export` writes for other verifiers. Keys set up anywhere else (a test's
 * own key directory, a stand-in verifier backend) are never recorded.
 *
 * Every production root proves the same statement about its header (statement.ts, blockRoot): the
 * tree shape only sets capacities (columns, chunks, list slots). So a block proof that verifies under
 * any trusted root key proves its header, whatever the block's shape; the shape is kept in the
 * manifest for the reader.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { parseWithSchema, readJsonFile } from "../block/schema.ts";
import { parseGroth16Vkey } from "../bn254/verifier-build.ts";
import { ARTIFACTS } from "../build/circom.ts";
import { checkFailed, desError } from "../errors.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { vkeyHash } from "./bundle.ts";

export const TRUSTED_FORMAT = "des-trusted-keys";
export const TRUSTED_VERSION = 1;

export const TreeShapeInfo = z.object({
  /** Column leaves and state-update chunks (powers of two), the tree depth, the list slots. */
  columns: z.number().int().positive(),
  states: z.number().int().positive(),
  depth: z.number().int().min(1).max(32),
  txSlots: z.number().int().positive(),
});
export type TreeShapeInfo = z.output<typeof TreeShapeInfo>;

export const TrustedKey = z.object({
  circuit: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "expected a sha256 in lowercase hex"),
  development: z.boolean(),
  shape: TreeShapeInfo.optional(),
  vkey: z.unknown(),
});

export const TrustedKeys = z.object({
  format: z.literal(TRUSTED_FORMAT),
  version: z.literal(TRUSTED_VERSION),
  keys: z.array(TrustedKey),
});

export interface TrustedRoot {
  circuit: string;
  sha256: string;
  development: boolean;
  shape?: TreeShapeInfo | undefined;
  /** The key as snarkjs wrote it (validated as a Groth16 BN254 key; hashed as written). */
  vkey: unknown;
}

/** Where the trust set came from, for messages. */
export interface TrustSet {
  source: string;
  keys: TrustedRoot[];
}

export const localRegistryPath = (): string => join(ARTIFACTS, "trusted-roots.json");

/** Validates a manifest: schema, every key a snarkjs Groth16 BN254 key, every sha256 its key's. */
export function parseTrustedKeys(json: unknown, source = "trusted keys"): TrustSet {
  const m = parseWithSchema(TrustedKeys, json, "INVALID_MANIFEST", source);
  const keys = m.keys.map((k, i) => {
    const vkey = k.vkey;
    try {
      parseGroth16Vkey(vkey, `${source}: keys[${i}].vkey`);
    } catch (e) {
      throw desError("INVALID_MANIFEST", (e as Error).message, { index: i });
    }
    if (vkeyHash(vkey) !== k.sha256)
      throw desError("INVALID_MANIFEST", `${source}: keys[${i}] (${k.circuit}): sha256 is not its key's`, {
        index: i,
        circuit: k.circuit,
      });
    return { circuit: k.circuit, sha256: k.sha256, development: k.development, shape: k.shape, vkey };
  });
  return { source, keys };
}

export function loadTrustedKeys(file: string): TrustSet {
  return parseTrustedKeys(readJsonFile(file), file);
}

export function trustedKeysJSON(set: TrustSet): z.input<typeof TrustedKeys> {
  return {
    format: TRUSTED_FORMAT,
    version: TRUSTED_VERSION,
    keys: set.keys.map((k) => ({
      circuit: k.circuit,
      sha256: k.sha256,
      development: k.development,
      ...(k.shape ? { shape: k.shape } : {}),
      vkey: k.vkey,
    })),
  };
}

/** This machine's registry of its own production roots (empty if it never built one). */
export function loadLocalRegistry(): TrustSet {
  const file = localRegistryPath();
  if (!existsSync(file)) return { source: file, keys: [] };
  return loadTrustedKeys(file);
}

/** Records a production root in the local registry (idempotent: a known entry is left as it is). */
export function trustRoot(root: TrustedRoot): void {
  const set = loadLocalRegistry();
  if (set.keys.some((k) => k.sha256 === root.sha256 && k.circuit === root.circuit)) return;
  const keys = set.keys.filter((k) => k.sha256 !== root.sha256);
  keys.push(root);
  writeFileAtomic(localRegistryPath(), `${JSON.stringify(trustedKeysJSON({ ...set, keys }), null, 1)}\n`);
}

/** One explicit key (`--vkey FILE`): trusted as given, under whatever name the proof uses. */
export function singleKey(file: string): TrustSet {
  const vkey = readJsonFile(file);
  parseGroth16Vkey(vkey, file);
  return { source: file, keys: [{ circuit: "", sha256: vkeyHash(vkey), development: false, vkey }] };
}

/**
 * The key a block proof is checked against: the trusted key whose sha256 the proof names, whose
 * circuit (for a manifest) is the one the proof names. Anything else fails, naming the check.
 */
export function chooseKey(set: TrustSet, proof: { circuit: string; vkeyHash: string }): TrustedRoot {
  if (set.keys.length === 0)
    checkFailed(
      "untrusted-key",
      `no trusted root keys in ${set.source}: build a block root on this machine (des prove), or pass --trusted FILE or --vkey FILE`,
    );
  const k = set.keys.find((t) => t.sha256 === proof.vkeyHash);
  if (!k)
    checkFailed(
      "untrusted-key",
      `the proof was made for key ${proof.vkeyHash.slice(0, 16)}… of ${proof.circuit}, which is not a trusted root key (${set.keys.length} in ${set.source})`,
      { vkeyHash: proof.vkeyHash },
    );
  if (k.circuit !== "" && k.circuit !== proof.circuit)
    checkFailed(
      "circuit",
      `the proof names circuit ${proof.circuit}, but its key is the trusted key of ${k.circuit}`,
      { circuit: proof.circuit, trusted: k.circuit },
    );
  return k;
}

/** The trust set of `--trusted FILE` or `--vkey FILE` (they exclude each other), else the registry. */
export function trustSetFromFlags(flags: {
  trusted?: string | undefined;
  vkey?: string | undefined;
}): TrustSet {
  if (flags.trusted !== undefined && flags.vkey !== undefined)
    throw desError("USAGE", "--trusted and --vkey exclude each other");
  if (flags.vkey !== undefined) return singleKey(flags.vkey);
  if (flags.trusted !== undefined) return loadTrustedKeys(flags.trusted);
  return loadLocalRegistry();
}
