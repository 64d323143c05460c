/** `des` entry point: dispatches to subcommands and maps errors to exit codes. */
import { proverEnv } from "../build/prover.ts";
import { isDesError } from "../errors.ts";
import type { Command } from "./command.ts";
import { commands } from "./registry.ts";

function usage(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    "des — Delegated Execution Sharding prover",
    "",
    "usage: des <command> [options]   (des <command> --help for details)",
    "",
    "commands:",
    ...commands.map((c: Command) => `  ${c.name.padEnd(w)}  ${c.summary}`),
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    console.error(`des: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    // the prover choice is checked before any work: a bad DES_PROVER is a usage error at once
    proverEnv();
    return await cmd.run(rest);
  } catch (e) {
    if (isDesError(e)) {
      console.error(`des ${name}: error ${e.code}: ${e.message}`);
      if (e.code === "USAGE") console.error(`(see: des ${name} --help)`);
      return e.exitCode;
    }
    console.error(`des ${name}: internal error:`, e);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
