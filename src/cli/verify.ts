import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import * as snarkjs from "snarkjs";
import { z } from "zod";
import {
  type BlockProof,
  type BlockProofSummary,
  isBlockProofJSON,
  loadBlockProof,
  matchBlock,
  matchParent,
  parseBlockProof,
  verifyBlockProof,
} from "../aggregate/blockproof.ts";
import type { Header } from "../aggregate/statement.ts";
import { loadBlock, readJsonFile } from "../block/schema.ts";
import { loadCrypto } from "../crypto/poseidon.ts";
import { checkFailed, desError } from "../errors.ts";
import { type Bundle, parseBundle } from "../prove/bundle.ts";
import { chooseKey, type TrustSet, trustSetFromFlags } from "../prove/trust.ts";
import { verifyBundle } from "../prove/verify.ts";
import { loadVkeys } from "../prove/vkeys.ts";
import { releaseSnarkjs } from "../setup/index.ts";
import { type Command, parseFlags, toJSON } from "./command.ts";

const Flags = z.object({
  trusted: z.string().min(1).optional(),
  vkey: z.string().min(1).optional(),
  vkeys: z.string().min(1).optional(),
  block: z.string().min(1).optional(),
  parent: z.string().min(1).optional(),
  chain: z.string().min(1).optional(),
  leaves: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

const help = `usage: des verify <block.proof.json> [--trusted FILE | --vkey FILE] [--block FILE] [--parent FILE]
                  [--leaves FILE] [--vkeys DIR] [--json]
       des verify --chain DIR [--trusted FILE | --vkey FILE] [--json]
       des verify <leaves.json> [--vkeys DIR] [--json]

A block proof (format des-block-proof, written by des prove) is checked against a root key the
verifier trusts, never one the proof file supplies: this machine's own production roots (recorded
when it built them), the keys of a manifest (--trusted FILE, written by des keys export) or one key
(--vkey FILE). The proof's circuit and key hash only select among those and must match. Then: the
public signal is the hash of the header (chain id, block number, parent, R0, R1, the commitment to
the ordered transaction list and its length, version) and the Groth16 proof verifies: one hash, one
pairing check, whatever the block's size. The root circuit proved in-circuit that the columns'
transactions are exactly that committed list (each index once) and that executing them from R0
gives R1.

  --trusted FILE  trusted root keys (des keys export manifest); default: this machine's own
  --vkey FILE     trust exactly this verification key (snarkjs JSON)
  --block FILE    the block file: recompute R0 from its pre-state and the transaction list
                  commitment from its transactions, and check them, its chain id, number and parent
                  against the header (no leaf bundle needed)
  --parent FILE   the previous block proof: verify it too, and check that the header extends it
                  (parent = its header hash, number + 1, R0 = its R1, same chain id)
  --chain DIR     verify every block proof in DIR (DIR/*.proof.json, DIR/*/block.proof.json) and
                  that, ordered by number, each extends the one before
  --leaves FILE   with a block proof: the leaf bundle it was made from, checked and matched
  --vkeys DIR     leaf bundles: trusted leaf keys (DIR/<circuit>.json); default: the keys this
                  machine set up
  --json          print the summary as JSON

A leaf bundle (format des-block-bundle, DIR/leaves.json): checks every Groth16 proof against its
trusted verification key, every public signal against the values it hashes, R0 and γ across all
proofs, γ as the Fiat–Shamir hash of the tree digests and the list commitment, that the columns
cover the block's transactions exactly once, that the state-update chunks chain R0 → R1 over the
whole key space, and that the fingerprints multiply to the same values.

Exit 0 with a one-line summary, 1 naming the first failed check, 2 on usage errors.`;

/** The block proof's header must be the leaf bundle's: same roots, block and transaction list. */
function matchBundle(h: Header, b: Bundle): void {
  const want: [string, bigint, bigint][] = [
    ["r0", h.r0, b.r0],
    ["r1", h.r1, b.r1],
    ["chainId", h.chainId, BigInt(b.block.chainId)],
    ["number", h.number, BigInt(b.block.number)],
    ["parent", h.parent, b.block.parent],
    ["txCommitment", h.txCommitment, b.txCommitment],
    ["txCount", h.txCount, BigInt(b.block.txHashes.length)],
  ];
  for (const [field, got, expected] of want) {
    if (got !== expected)
      checkFailed("leaves", `the block proof's header ${field} is not the leaf bundle's`, { field });
  }
}

async function checkProof(bp: BlockProof, set: TrustSet): Promise<BlockProofSummary> {
  return verifyBlockProof(bp, chooseKey(set, bp));
}

/** Block proofs of a chain directory: DIR/*.proof.json and DIR/<sub>/block.proof.json. */
function chainFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw desError("FILE_NOT_FOUND", `cannot read ${dir}: ${(e as Error).message}`, { file: dir });
  }
  const out: string[] = [];
  for (const n of names.sort()) {
    const p = join(dir, n);
    if (n.endsWith(".proof.json")) out.push(p);
    else if (statSync(p).isDirectory()) {
      const f = join(p, "block.proof.json");
      try {
        if (statSync(f).isFile()) out.push(f);
      } catch {
        // no block proof in this subdirectory
      }
    }
  }
  if (out.length === 0) throw desError("FILE_NOT_FOUND", `no block proofs in ${dir}`, { file: dir });
  return out;
}

const summaryLine = (s: BlockProofSummary, extra = "") => {
  const h = s.header;
  return (
    `OK: block ${h.number} of chain ${h.chainId} (parent ${h.parent}): R0 ${h.r0} → R1 ${h.r1}, ` +
    `${h.txCount} transactions committed as ${h.txCommitment}${extra} ` +
    `(${s.ms.toFixed(0)} ms warm)${s.development ? " — development setup — not for production" : ""}`
  );
};

export const verifyCommand: Command = {
  name: "verify",
  summary: "verify a block proof (against trusted keys, a block, a parent), a chain, or a leaf bundle",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        trusted: { type: "string" },
        vkey: { type: "string" },
        vkeys: { type: "string" },
        block: { type: "string" },
        parent: { type: "string" },
        chain: { type: "string" },
        leaves: { type: "string" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 0, max: 1, names: "one block proof or bundle file (or --chain DIR)" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    if (flags.chain !== undefined) {
      if (positionals.length || flags.block || flags.parent || flags.leaves)
        throw desError("USAGE", "--chain DIR takes no file and no --block, --parent or --leaves");
    } else if (positionals.length !== 1) throw desError("USAGE", "expected one block proof or bundle file");
    await loadCrypto();
    try {
      if (flags.chain !== undefined) {
        const set = trustSetFromFlags(flags);
        await snarkjs.curves.getCurveFromName("bn128");
        const proofs = chainFiles(flags.chain).map((f) => ({ f, bp: loadBlockProof(f) }));
        proofs.sort((a, b) => (a.bp.header.number < b.bp.header.number ? -1 : 1));
        const done: BlockProofSummary[] = [];
        for (const [i, { f, bp }] of proofs.entries()) {
          try {
            done.push(await checkProof(bp, set));
            if (i > 0) matchParent(bp.header, proofs[i - 1]!.bp.header);
          } catch (e) {
            if (e instanceof Error) e.message = `${f}: ${e.message}`;
            throw e;
          }
        }
        const first = proofs[0]!.bp.header;
        const last = proofs.at(-1)!.bp.header;
        if (flags.json) console.log(toJSON({ ok: true, blocks: done }));
        else
          console.log(
            `OK: chain of ${proofs.length} block proofs, blocks ${first.number}…${last.number} of chain ${first.chainId}: ` +
              `R0 ${first.r0} → R1 ${last.r1}${done.some((d) => d.development) ? " — development setup — not for production" : ""}`,
          );
        return 0;
      }
      const file = positionals[0]!;
      const json = readJsonFile(file);
      if (isBlockProofJSON(json)) {
        const bp = parseBlockProof(json, file);
        if (flags.vkeys !== undefined && !flags.leaves)
          throw desError(
            "USAGE",
            "--vkeys DIR holds leaf keys: a block proof is checked against --trusted FILE or --vkey FILE (default: this machine's trusted roots)",
          );
        const set = trustSetFromFlags(flags);
        const block = flags.block ? loadBlock(flags.block) : undefined;
        const parent = flags.parent ? loadBlockProof(flags.parent) : undefined;
        // the BN254 engine is built once per process (≈ 0.25 s); the check itself is timed warm
        await snarkjs.curves.getCurveFromName("bn128");
        const s = await checkProof(bp, set);
        const h = s.header;
        const checked: string[] = [];
        if (block) {
          matchBlock(h, block);
          checked.push(`matches ${flags.block}`);
        }
        if (parent) {
          await checkProof(parent, set);
          matchParent(h, parent.header);
          checked.push(`extends block ${parent.header.number}`);
        }
        if (flags.leaves) {
          const b = parseBundle(readJsonFile(flags.leaves), flags.leaves);
          await verifyBundle(b, loadVkeys([...b.columns, ...b.stateUpdates], flags.vkeys));
          matchBundle(h, b);
          checked.push("leaf bundle matches");
        }
        if (flags.json) console.log(toJSON({ ok: true, ...s, checked }));
        else console.log(summaryLine(s, checked.length ? `; ${checked.join(", ")}` : ""));
        return 0;
      }
      if (flags.block || flags.parent || flags.trusted || flags.vkey)
        throw desError(
          "USAGE",
          "--block, --parent, --trusted and --vkey apply to block proofs, not leaf bundles",
        );
      const bundle = parseBundle(json, file);
      const vkeys = loadVkeys([...bundle.columns, ...bundle.stateUpdates], flags.vkeys);
      const s = await verifyBundle(bundle, vkeys);
      if (flags.json) console.log(toJSON({ ok: true, ...s }));
      else
        console.log(
          `OK: block ${bundle.block.number}: ${s.txs} transactions, ${s.columns} columns, ${s.stateUpdates} state updates, ` +
            `R0 ${s.r0} → R1 ${s.r1} (${s.ms.toFixed(0)} ms)${s.development ? " — development setup — not for production" : ""}`,
        );
      return 0;
    } finally {
      await releaseSnarkjs();
    }
  },
};
