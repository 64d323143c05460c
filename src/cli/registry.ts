/** The CLI's subcommands, in the order `des --help` lists them. */
import { benchCommand } from "./bench.ts";
import { circuitsCommand } from "./circuits.ts";
import { columnsCommand } from "./columns.ts";
import type { Command } from "./command.ts";
import { proveCommand } from "./prove.ts";
import { sampleCommand } from "./sample.ts";
import { setupCommand } from "./setup.ts";
import { verifyCommand } from "./verify.ts";

export const commands: Command[] = [
  sampleCommand,
  columnsCommand,
  circuitsCommand,
  setupCommand,
  proveCommand,
  verifyCommand,
  benchCommand,
];
