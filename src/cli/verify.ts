import { z } from "zod";
import { loadCrypto } from "../crypto/poseidon.ts";
import { loadBundle } from "../prove/bundle.ts";
import { verifyBundle } from "../prove/verify.ts";
import { loadVkeys } from "../prove/vkeys.ts";
import { releaseSnarkjs } from "../setup/index.ts";
import { type Command, parseFlags, toJSON } from "./command.ts";

const Flags = z.object({ vkeys: z.string().min(1).optional(), json: z.boolean().default(false) });

const help = `usage: des verify <block.proof.json> [--vkeys DIR] [--json]

Checks a block bundle: every Groth16 proof against its trusted verification key, every public
signal against the values it hashes, R0 and γ across all proofs, γ as the Fiat–Shamir hash of the
digests, that the columns cover the block's transactions exactly once, that the state-update
chunks chain R0 → R1 over the whole key space, and that the columns' and the state update's write
fingerprints multiply to the same value.

  --vkeys DIR   trusted verification keys (DIR/<circuit>.json); default: the keys this machine set up
  --json        print the summary as JSON

Exit 0 with a one-line summary, 1 naming the first failed check, 2 on usage errors.`;

export const verifyCommand: Command = {
  name: "verify",
  summary: "verify a block bundle",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      { vkeys: { type: "string" }, json: { type: "boolean" } },
      Flags,
      { min: 1, max: 1, names: "one bundle file" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    await loadCrypto();
    const bundle = loadBundle(positionals[0]!);
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
