import { z } from "zod";
import { loadBlockProof } from "../aggregate/blockproof.ts";
import { headerHash } from "../aggregate/statement.ts";
import { generateBlock, nextBlock, SAMPLE_PROFILES } from "../block/sample.ts";
import { blockToJSON, loadBlock, MAX_CHAIN_ID, MAX_DEPTH } from "../block/schema.ts";
import { partition } from "../columns/partition.ts";
import { loadCrypto } from "../crypto/poseidon.ts";
import { desError } from "../errors.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { type Command, intFlag, parseFlags, toJSON } from "./command.ts";

const Flags = z.object({
  profile: z
    .enum(SAMPLE_PROFILES, { message: `must be one of: ${SAMPLE_PROFILES.join(", ")}` })
    .default("mainnet-like"),
  txs: intFlag(1, 10_000_000).default(32),
  seed: z.string().min(1).default("1"),
  depth: intFlag(1, MAX_DEPTH).default(20),
  "chain-id": intFlag(0, MAX_CHAIN_ID).default(1),
  unsigned: z.boolean().default(false),
  columns: intFlag(1, 1 << 20).optional(),
  out: z.string().min(1).optional(),
  next: z.string().min(1).optional(),
  parent: z.string().min(1).optional(),
});

const help = `usage: des sample [--profile P] [--txs N] [--seed S] [--depth D] [--chain-id C] [--unsigned] [--columns K] [--out FILE]

Generates a deterministic block with real BabyJubjub keys and EdDSA-Poseidon signatures.

  --profile P   conflict shape: ${SAMPLE_PROFILES.join(", ")} (default mainnet-like)
  --txs N       number of transactions (default 32)
  --seed S      seed string; the same flags give the same block (default 1)
  --depth D     state tree depth; account keys are in [0, 2^D) (default 20)
  --chain-id C  the chain id every signature is bound to (default 1)
  --unsigned    analysis-only block: no keys or signatures (fast; execution and proving refuse it)
  --columns K   also write an inclusion list assigning transactions to at most K columns (LPT)
  --out FILE    write the block there (atomically) instead of standard output

       des sample --next PREV.json --parent PREV/block.proof.json [--txs N] [--seed S] [--out FILE]

The block after PREV.json (a sample made with the same --seed, whose keys it re-derives): its
pre-state is PREV's post-state, its number PREV's + 1, its parent the header hash of PREV's block
proof, and N signed transfers; des prove --parent PREV/block.proof.json chains its proof.`;

export const sampleCommand: Command = {
  name: "sample",
  summary: "generate a deterministic sample block",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        profile: { type: "string" },
        txs: { type: "string" },
        seed: { type: "string" },
        depth: { type: "string" },
        "chain-id": { type: "string" },
        unsigned: { type: "boolean" },
        columns: { type: "string" },
        out: { type: "string", short: "o" },
        next: { type: "string" },
        parent: { type: "string" },
      },
      Flags,
      { min: 0, max: 0, names: "no positional arguments" },
      help,
    );
    if (!parsed) return 0;
    const { flags } = parsed;
    await loadCrypto();
    if ((flags.next === undefined) !== (flags.parent === undefined))
      throw desError("USAGE", "--next PREV.json and --parent PREV/block.proof.json go together");
    const block =
      flags.next !== undefined
        ? nextBlock(loadBlock(flags.next), headerHash(loadBlockProof(flags.parent!).header), {
            txs: flags.txs,
            seed: flags.seed,
          })
        : generateBlock({ ...flags, chainId: flags["chain-id"] });
    if (flags.columns !== undefined) {
      const p = partition(block.txs, { maxColumns: flags.columns, txs: Infinity, accounts: Infinity });
      const declared = new Array<number>(block.txs.length);
      for (const c of p.columns) for (const t of c.txs) declared[t] = c.id;
      block.inclusionList = { columns: declared };
    }
    const text = `${toJSON(blockToJSON(block), flags.txs > 2000 ? 0 : 2)}\n`;
    if (flags.out) {
      writeFileAtomic(flags.out, text);
      console.error(
        `wrote ${flags.out}: ${block.txs.length} transactions, ${block.accounts.length} accounts`,
      );
    } else process.stdout.write(text);
    return 0;
  },
};
