import { z } from "zod";
import { loadBlock } from "../block/schema.ts";
import { blockPremium, DEFAULT_GAS } from "../gas/premium.ts";
import { type Command, intFlag, parseFlags, table, toJSON } from "./command.ts";

const nonNegative = z
  .string()
  .regex(/^\d+(\.\d+)?$/, "a non-negative number")
  .transform(Number);

const Flags = z.object({
  columns: intFlag(1, 1 << 20).optional(),
  alpha: nonNegative.default(DEFAULT_GAS.alpha),
  beta: nonNegative.default(DEFAULT_GAS.beta),
  top: intFlag(0, 1 << 20).default(10),
  json: z.boolean().default(false),
});

const help = `usage: des gas <block.json> [--columns K] [--alpha A] [--beta B] [--top N] [--json]

Parallelism-aware gas: each transaction's fee multiplier from its conflict class (the
transactions that share state with it), known before execution:

  multiplier = 1 + α·log2(s) + β·max(0, s − n/K) / (n/K)

s its class size, n the block's transactions, K its columns (the inclusion list's, else --columns,
default 8). The first term charges contended state, the second a class larger than a balanced
column (it stretches the block's critical path). Prints the block's totals and the N highest
multipliers (docs/gas.md).

  --columns K   columns the block is packed into (default: its inclusion list's, else 8)
  --alpha A     weight of the contention term (default ${DEFAULT_GAS.alpha})
  --beta B      weight of the latency term (default ${DEFAULT_GAS.beta})
  --top N       transactions listed, highest multiplier first (default 10)
  --json        every transaction's premium as JSON`;

export const gasCommand: Command = {
  name: "gas",
  summary: "parallelism-aware gas: per-transaction fee multipliers from conflict classes",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        columns: { type: "string", short: "k" },
        alpha: { type: "string" },
        beta: { type: "string" },
        top: { type: "string" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 1, max: 1, names: "one block file" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    const block = loadBlock(positionals[0]!);
    const columns =
      flags.columns ?? block.inclusionList?.columns.reduce((a, c) => Math.max(a, c + 1), 0) ?? 8;
    const p = blockPremium(block.txs, { alpha: flags.alpha, beta: flags.beta, columns });
    if (flags.json) {
      console.log(toJSON(p));
      return 0;
    }
    console.log(
      `${p.transactions} transactions in ${p.classes} conflict classes (largest ${p.largestClass}); ` +
        `K = ${columns} columns, balanced load ${p.balancedLoad.toFixed(2)}; α = ${flags.alpha}, β = ${flags.beta}`,
    );
    const top = [...p.txs]
      .sort((a, b) => b.multiplier - a.multiplier || a.index - b.index)
      .slice(0, flags.top);
    if (top.length)
      console.log(
        table(
          ["tx", "class size", "contention", "latency", "multiplier"],
          top.map((t) => [
            t.index,
            t.classSize,
            t.contention.toFixed(3),
            t.latency.toFixed(3),
            t.multiplier.toFixed(3),
          ]),
        ),
      );
    console.log(
      `fees: total ${p.total.toFixed(2)} base-fee units (${p.transactions} at 1 without the premium), ` +
        `mean ${p.mean.toFixed(3)}, max ${p.max.toFixed(3)}`,
    );
    return 0;
  },
};
