import * as snarkjs from "snarkjs";
import { z } from "zod";
import { isBlockProofJSON, parseBlockProof, verifyBlockProof } from "../aggregate/blockproof.ts";
import { columnLeafSide, type Header } from "../aggregate/statement.ts";
import { treeDigest } from "../aggregate/tree.ts";
import { readJsonFile } from "../block/schema.ts";
import { loadCrypto } from "../crypto/poseidon.ts";
import { checkFailed } from "../errors.ts";
import { type Bundle, parseBundle } from "../prove/bundle.ts";
import { verifyBundle } from "../prove/verify.ts";
import { loadVkeys } from "../prove/vkeys.ts";
import { releaseSnarkjs } from "../setup/index.ts";
import { type Command, parseFlags, toJSON } from "./command.ts";

const Flags = z.object({
  vkeys: z.string().min(1).optional(),
  leaves: z.string().min(1).optional(),
  json: z.boolean().default(false),
});

const help = `usage: des verify <block.proof.json | leaves.json> [--vkeys DIR] [--leaves FILE] [--json]

A block proof (format des-block-proof, written by des prove): checks that the public signal is the
hash of the header (R0, R1, transaction digest, block number and parent, version) and the one
Groth16 proof against the trusted key of the root circuit. Constant time: one hash, one pairing
check. The header's transaction digest is the tree digest of the columns' (index, txHash) lists;
--leaves DIR/leaves.json also checks the leaf bundle (below) and that the header is that bundle's
(R0, R1, block, column tree digest): the proven transition is then that of the block's own
transaction list, each transaction exactly once (linear in the block's size).

A leaf bundle (format des-block-bundle, DIR/leaves.json): checks every Groth16 proof against its
trusted verification key, every public signal against the values it hashes, R0 and γ across all
proofs, γ as the Fiat–Shamir hash of the tree digests, that the columns cover the block's
transactions exactly once, that the state-update chunks chain R0 → R1 over the whole key space,
and that the columns' and the state update's write fingerprints multiply to the same value.

  --vkeys DIR     trusted verification keys (DIR/<circuit>.json); default: the keys this machine set up
  --leaves FILE   with a block proof: the leaf bundle it was made from, checked and matched
  --json          print the summary as JSON

Exit 0 with a one-line summary, 1 naming the first failed check, 2 on usage errors.`;

/** The block proof's header must be the leaf bundle's: same roots, block and column tree digest. */
function matchHeader(h: Header, b: Bundle): void {
  const digest = treeDigest(b.columns.map((c) => columnLeafSide(c.publics).dig));
  const want: [string, bigint, bigint][] = [
    ["r0", h.r0, b.r0],
    ["r1", h.r1, b.r1],
    ["number", h.number, BigInt(b.block.number)],
    ["parent", h.parent, b.block.parent],
    ["txDigest", h.txDigest, digest],
  ];
  for (const [field, got, expected] of want) {
    if (got !== expected)
      checkFailed("leaves", `the block proof's header ${field} is not the leaf bundle's`, { field });
  }
}

export const verifyCommand: Command = {
  name: "verify",
  summary: "verify a block proof (or a leaf bundle)",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      { vkeys: { type: "string" }, leaves: { type: "string" }, json: { type: "boolean" } },
      Flags,
      { min: 1, max: 1, names: "one block proof or bundle file" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    await loadCrypto();
    const file = positionals[0]!;
    const json = readJsonFile(file);
    if (isBlockProofJSON(json)) {
      const bp = parseBlockProof(json, file);
      try {
        const vkey = loadVkeys([bp], flags.vkeys).get(bp.circuit);
        // the BN254 engine is built once per process (≈ 0.25 s); the check itself is timed warm
        await snarkjs.curves.getCurveFromName("bn128");
        const s = await verifyBlockProof(bp, vkey);
        const h = s.header;
        if (flags.leaves) {
          const b = parseBundle(readJsonFile(flags.leaves), flags.leaves);
          await verifyBundle(b, loadVkeys([...b.columns, ...b.stateUpdates], flags.vkeys));
          matchHeader(h, b);
        }
        if (flags.json) console.log(toJSON({ ok: true, ...s }));
        else
          console.log(
            `OK: block ${h.number} (parent ${h.parent}): R0 ${h.r0} → R1 ${h.r1}, transactions ${h.txDigest} ` +
              `(${s.ms.toFixed(0)} ms warm)${s.development ? " — development setup — not for production" : ""}`,
          );
        return 0;
      } finally {
        await releaseSnarkjs();
      }
    }
    const bundle = parseBundle(json, file);
    try {
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
