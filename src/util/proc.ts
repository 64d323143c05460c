/**
 * One way to run a child process and keep what it printed: stdout and stderr together, as they
 * arrive (optionally echoed to our stderr), up to a limit. Resolves with the exit status whatever it
 * is; rejects only when the process cannot start. Callers decide what a failure means.
 */
import { spawn } from "node:child_process";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export function runProcess(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; echo?: boolean; maxOutput?: number } = {},
): Promise<ProcessResult> {
  const max = opts.maxOutput ?? 1 << 24;
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (d: Buffer) => {
      if (output.length < max) output += d;
      if (opts.echo) process.stderr.write(d);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", rej);
    child.on("close", (code, signal) => res({ code, signal, output }));
  });
}

/** How a process ended, for messages: "exit 1" or the signal's name. */
export const exitStatus = (r: ProcessResult): string => r.signal ?? `exit ${r.code}`;
