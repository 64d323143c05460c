/**
 * `des keys`: this machine's trusted root keys (src/prove/trust.ts). `des keys list` prints them;
 * `des keys export` writes them as a manifest another verifier passes to des verify --trusted.
 */
import { z } from "zod";
import { desError } from "../errors.ts";
import { loadLocalRegistry, type TrustedRoot, trustedKeysJSON } from "../prove/trust.ts";
import { writeFileAtomic } from "../util/fsx.ts";
import { type Command, parseFlags, table, toJSON } from "./command.ts";

const Flags = z.object({
  out: z.string().min(1).optional(),
  "no-development": z.boolean().default(false),
  json: z.boolean().default(false),
});

const help = `usage: des keys list [--json]
       des keys export [--out FILE] [--no-development]

This machine's trusted root keys: every block root circuit it built through the production
pipeline (des prove, with real in-circuit Groth16 verifiers), recorded with its verification key
and the key's sha256 in artifacts/trusted-roots.json (under $DES_ARTIFACTS when set). des verify
trusts exactly these by default.

  list              one row per key: circuit, sha256, tree shape, development setup or not
  export            write them as a manifest (format des-trusted-keys, keys inline with their
                    sha256) for des verify --trusted FILE on another machine
  --out FILE        write the manifest there (atomically) instead of standard output
  --no-development  leave out keys from the development setup
  --json            list: print JSON`;

const shape = (k: TrustedRoot) =>
  k.shape
    ? `${k.shape.columns} columns, ${k.shape.states} chunks, depth ${k.shape.depth}, ${k.shape.txSlots} tx slots`
    : "";

export const keysCommand: Command = {
  name: "keys",
  summary: "list or export this machine's trusted root keys",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        out: { type: "string", short: "o" },
        "no-development": { type: "boolean" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 1, max: 1, names: "list or export" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    const action = positionals[0]!;
    if (action !== "list" && action !== "export")
      throw desError("USAGE", `unknown keys action '${action}' (list, export)`);
    const set = loadLocalRegistry();
    const keys = set.keys.filter((k) => !(flags["no-development"] && k.development));
    if (action === "list") {
      if (flags.json) console.log(toJSON(keys.map(({ vkey: _, ...k }) => k)));
      else if (keys.length === 0) console.log(`no trusted root keys in ${set.source}`);
      else
        console.log(
          table(
            ["circuit", "sha256", "shape", "setup"],
            keys.map((k) => [
              k.circuit,
              k.sha256.slice(0, 16),
              shape(k),
              k.development ? "development" : "ceremony",
            ]),
          ),
        );
      return 0;
    }
    const text = `${JSON.stringify(trustedKeysJSON({ ...set, keys }), null, 1)}\n`;
    if (flags.out) {
      writeFileAtomic(flags.out, text);
      console.error(`wrote ${flags.out}: ${keys.length} trusted root keys`);
    } else process.stdout.write(text);
    return 0;
  },
};
