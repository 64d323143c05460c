/** The CLI's subcommands, in the order `des --help` lists them. */
import { circuitsCommand } from "./circuits.ts";
import { columnsCommand } from "./columns.ts";
import type { Command } from "./command.ts";
import { sampleCommand } from "./sample.ts";

export const commands: Command[] = [sampleCommand, columnsCommand, circuitsCommand];
