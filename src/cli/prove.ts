import { z } from "zod";
import { loadBlock } from "../block/schema.ts";
import { loadCrypto } from "../crypto/poseidon.ts";
import { getProfile, PROFILES } from "../profiles.ts";
import { proveBlock } from "../prove/pipeline.ts";
import { releaseSnarkjs } from "../setup/index.ts";
import { type Command, intFlag, parseFlags, profileFlag, table, toJSON } from "./command.ts";

const Flags = z.object({
  workers: intFlag(1, 64).default(2),
  out: z.string().min(1).default("out"),
  profile: profileFlag.default("tiny"),
  retries: intFlag(0, 10).default(2),
  json: z.boolean().default(false),
});

const help = `usage: des prove <block.json> [--workers N] [--out DIR] [--profile P] [--retries R] [--json]

Validates the block, partitions it into execution columns (or checks its inclusion list), executes
it, derives γ, builds every witness, compiles and sets up the circuits of the profile (cached), and
proves every column and state-update chunk in parallel on a pool of N worker threads. Writes the
block bundle DIR/block.proof.json (format des-block-bundle v1), the proofs as they finish to
DIR/proofs/ (a rerun reuses them) and the verification keys to DIR/vkeys/.

  --workers N    worker threads (default 2)
  --out DIR      output directory (default out)
  --profile P    circuit profile: ${Object.keys(PROFILES).join(", ")} (default tiny; the block's depth must match)
  --retries R    extra attempts for a proof whose worker crashed or timed out (default 2)
  --json         print the report as JSON

Exit codes: 0 proved; 1 invalid block (BLOCK_FAULT names the column and transaction) or prover
fault (PROVER_FAULT; finished proofs are kept); 2 usage error.`;

export const proveCommand: Command = {
  name: "prove",
  summary: "prove a block: column and state-update proofs in parallel → block bundle",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        workers: { type: "string", short: "w" },
        out: { type: "string", short: "o" },
        profile: { type: "string" },
        retries: { type: "string" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 1, max: 1, names: "one block file" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    await loadCrypto();
    const block = loadBlock(positionals[0]!);
    const crashOnce = process.env.DES_INJECT_CRASH?.split(",").filter(Boolean);
    try {
      const r = await proveBlock(block, {
        profile: getProfile(flags.profile),
        workers: flags.workers,
        outDir: flags.out,
        retries: flags.retries,
        ...(crashOnce ? { crashOnce } : {}),
      });
      if (flags.json) {
        const u = process.resourceUsage();
        const resources = {
          maxRssMb: Math.round(u.maxRSS / 1024),
          cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6,
        };
        console.log(toJSON({ ...r, resources }));
        return 0;
      }
      console.log(
        table(
          ["proof", "circuit", "constraints", "witness ms", "prove ms", "worker", "attempts"],
          r.proofs.map((p) => [
            p.name,
            p.circuit,
            p.constraints,
            p.witnessMs,
            p.proveMs,
            p.worker,
            p.attempts,
          ]),
        ),
      );
      console.log(
        `wrote ${r.bundle}: ${r.columns} column proofs + ${r.stateUpdates} state-update proofs in ` +
          `${(r.wallMs / 1000).toFixed(1)} s${r.development ? " — development setup — not for production" : ""}`,
      );
      return 0;
    } finally {
      await releaseSnarkjs();
    }
  },
};
