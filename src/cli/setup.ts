import { existsSync } from "node:fs";
import { z } from "zod";
import { desError } from "../errors.ts";
import {
  DEV_NOTICE,
  progressReporter,
  r1csInput,
  releaseSnarkjs,
  type SetupInput,
  type SetupResult,
  setupCircuits,
} from "../setup/index.ts";
import { type Command, intFlag, parseFlags, profileFlag, table, toJSON } from "./command.ts";

/**
 * Resolves `--circuit` names (and the profile, if any) to compiled circuits. The default knows no
 * circuits; the CLI wiring replaces it with `setCircuitResolver` (e.g. compile the profile's circuits).
 */
export type CircuitResolver = (names: string[], profile: string | undefined) => Promise<SetupInput[]>;

let resolver: CircuitResolver = async (names) => {
  if (names.length === 0) throw desError("USAGE", "no circuits: give --circuit NAME or --r1cs FILE");
  throw desError(
    "USAGE",
    `no circuit catalogue is wired into \`des setup\` yet (asked for: ${names.join(", ")})`,
  );
};

export function setCircuitResolver(r: CircuitResolver): void {
  resolver = r;
}

const list = z
  .array(z.string())
  .default([])
  .transform((xs) =>
    xs
      .flatMap((x) => x.split(","))
      .map((x) => x.trim())
      .filter(Boolean),
  );

const Flags = z.object({
  circuit: list,
  r1cs: list.refine((fs) => fs.every((f) => existsSync(f)), "file not found"),
  ptau: z
    .string()
    .refine((f) => existsSync(f), "file not found")
    .optional(),
  profile: profileFlag.optional(),
  force: z.boolean().default(false),
  threads: intFlag(1, 256).optional(),
  quiet: z.boolean().default(false),
  json: z.boolean().default(false),
});

const help = `usage: des setup [--circuit NAME[,NAME…]]… [--r1cs FILE]… [--profile P] [--ptau FILE] [--force] [--json]

Produces a Groth16 proving key and verification key (snarkjs formats) for each circuit, cached in
artifacts/keys/<circuit>-<hash>/ (hash of the r1cs bytes and the setup parameters): a changed
circuit rebuilds only its own keys.

Development mode (default): a single-party setup with fresh CSPRNG randomness held only in memory.
Fast (direct zkey writer, fixed-base window tables), but whoever runs it could forge proofs:
development setup — not for production.

Ceremony mode (--ptau FILE): snarkjs's standard \`zkey new\` from a real, prepared powers-of-tau
file, plus one contribution with fresh entropy.

  --circuit NAME  circuit(s) to set up (repeatable or comma-separated; default: the profile's)
  --r1cs FILE     set up a bare r1cs file (repeatable)
  --profile P     circuit profile to take circuits from
  --ptau FILE     ceremony mode with this prepared powers-of-tau file
  --force         rebuild even when cached keys exist
  --threads N     worker threads for development mode (default: all cores)
  --quiet         no progress lines
  --json          print JSON instead of a table`;

/** The command's core: sets up `circuits` and prints a summary; returns the results. */
export async function runSetup(
  circuits: SetupInput[],
  opts: { ptau?: string; force?: boolean; threads?: number; quiet?: boolean; json?: boolean } = {},
): Promise<SetupResult[]> {
  try {
    const results = await setupCircuits(circuits, {
      mode: opts.ptau ? "ceremony" : "dev",
      ptau: opts.ptau,
      force: opts.force,
      threads: opts.threads,
      progress: opts.quiet ? undefined : progressReporter(),
    });
    if (opts.json) {
      console.log(toJSON({ notice: opts.ptau ? null : DEV_NOTICE, keys: results }));
    } else {
      console.log(
        table(
          ["circuit", "mode", "cached", "seconds", "zkey"],
          results.map((r) => [
            r.name,
            r.dev ? "development" : "ceremony",
            r.cached ? "yes" : "no",
            +r.buildSeconds.toFixed(2),
            r.zkey,
          ]),
        ),
      );
      if (results.some((r) => r.dev)) console.log(`note: ${DEV_NOTICE}`);
    }
    return results;
  } finally {
    await releaseSnarkjs();
  }
}

export const setupCommand: Command = {
  name: "setup",
  summary: "Groth16 proving/verification keys for the circuits (development setup by default)",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        circuit: { type: "string", multiple: true },
        r1cs: { type: "string", multiple: true },
        ptau: { type: "string" },
        profile: { type: "string" },
        force: { type: "boolean" },
        threads: { type: "string" },
        quiet: { type: "boolean" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 0, max: 0, names: "no positional arguments" },
      help,
    );
    if (!parsed) return 0;
    const { flags } = parsed;
    const circuits: SetupInput[] = flags.r1cs.map((f) => r1csInput(f));
    if (flags.circuit.length > 0 || flags.r1cs.length === 0)
      circuits.unshift(...(await resolver(flags.circuit, flags.profile)));
    await runSetup(circuits, flags);
    return 0;
  },
};
