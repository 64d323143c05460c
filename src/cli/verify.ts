import { z } from "zod";
import { isBlockProofJSON, parseBlockProof, verifyBlockProof } from "../aggregate/blockproof.ts";
import { readJsonFile } from "../block/schema.ts";
import { loadCrypto } from "../crypto/poseidon.ts";
import { parseBundle } from "../prove/bundle.ts";
import { verifyBundle } from "../prove/verify.ts";
import { loadVkeys } from "../prove/vkeys.ts";
import { releaseSnarkjs } from "../setup/index.ts";
import { type Command, parseFlags, toJSON } from "./command.ts";

const Flags = z.object({ vkeys: z.string().min(1).optional(), json: z.boolean().default(false) });

const help = `usage: des verify <block.proof.json | leaves.json> [--vkeys DIR] [--json]

A block proof (format des-block-proof, written by des prove): checks that the public signal is the
hash of the header (R0, R1, transaction digest, block number and parent, version) and the one
Groth16 proof against the trusted key of the root circuit. Constant time: one hash, one pairing check.

A leaf bundle (format des-block-bundle, DIR/leaves.json): checks every Groth16 proof against its trusted verification key, every public
signal against the values it hashes, R0 and γ across all proofs, γ as the Fiat–Shamir hash of the
digests, that the columns cover the block's transactions exactly once, that the state-update
chunks chain R0 → R1 over the whole key space, and that the columns' and the state update's write
fingerprints multiply to the same value.

  --vkeys DIR   trusted verification keys (DIR/<circuit>.json); default: the keys this machine set up
  --json        print the summary as JSON

Exit 0 with a one-line summary, 1 naming the first failed check, 2 on usage errors.`;

export const verifyCommand: Command = {
  name: "verify",
  summary: "verify a block proof (or a leaf bundle)",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      { vkeys: { type: "string" }, json: { type: "boolean" } },
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
        const s = await verifyBlockProof(bp, vkey);
        const h = s.header;
        if (flags.json) console.log(toJSON({ ok: true, ...s }));
        else
          console.log(
            `OK: block ${h.number} (parent ${h.parent}): R0 ${h.r0} → R1 ${h.r1}, transactions ${h.txDigest} ` +
              `(${s.ms.toFixed(0)} ms)${s.development ? " — development setup — not for production" : ""}`,
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
