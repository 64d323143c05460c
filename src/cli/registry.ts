/** The CLI's subcommands, in the order `des --help` lists them, and the wiring between them. */
import { circuitsForProfile, compileProjectCircuit } from "../circuits/registry.ts";
import { desError } from "../errors.ts";
import { getProfile, PROFILES } from "../profiles.ts";
import { benchCommand } from "./bench.ts";
import { circuitsCommand } from "./circuits.ts";
import { columnsCommand } from "./columns.ts";
import type { Command } from "./command.ts";
import { exportVerifierCommand } from "./export-verifier.ts";
import { gasCommand } from "./gas.ts";
import { keysCommand } from "./keys.ts";
import { planCommand } from "./plan.ts";
import { proveCommand } from "./prove.ts";
import { sampleCommand } from "./sample.ts";
import { setCircuitResolver, setupCommand } from "./setup.ts";
import { simulateCommand } from "./simulate.ts";
import { verifyCommand } from "./verify.ts";
import { workerCommand } from "./worker.ts";

// `des setup --circuit NAME` / `--profile P`: the project's circuits, compiled (cached) on demand.
setCircuitResolver(async (names, profile) => {
  const specs = (profile ? [getProfile(profile)] : Object.values(PROFILES)).flatMap((p) =>
    circuitsForProfile(p).map((c) => c.spec),
  );
  const chosen = names.length
    ? names.map((n) => specs.find((s) => s.name === n) ?? n)
    : specs.filter((s) => s.name.endsWith(`-${profile ?? "tiny"}`));
  const unknown = chosen.filter((c) => typeof c === "string");
  if (unknown.length) {
    throw desError(
      "USAGE",
      `unknown circuit(s) ${unknown.join(", ")} (known: ${specs.map((s) => s.name).join(", ")})`,
    );
  }
  const out = [];
  for (const spec of chosen) if (typeof spec !== "string") out.push(await compileProjectCircuit(spec));
  return out;
});

export const commands: Command[] = [
  sampleCommand,
  columnsCommand,
  gasCommand,
  planCommand,
  circuitsCommand,
  setupCommand,
  proveCommand,
  verifyCommand,
  keysCommand,
  exportVerifierCommand,
  benchCommand,
  simulateCommand,
  workerCommand,
];
