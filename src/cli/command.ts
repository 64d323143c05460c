/**
 * CLI plumbing shared by every subcommand: flags parsed by node:util.parseArgs, then validated by a
 * zod schema (messages name the flag); DesErrors become exit codes (usage → 2, other → 1).
 */
import { type ParseArgsConfig, parseArgs } from "node:util";
import { z } from "zod";
import { desError } from "../errors.ts";
import { PROFILES } from "../profiles.ts";

export interface Command {
  name: string;
  summary: string;
  /** Full help text printed by `des <name> --help`. */
  help: string;
  run(argv: string[]): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed<T> {
  flags: T;
  positionals: string[];
}

/** `--NAME N`: a decimal integer flag in [min, max]. */
export const intFlag = (min: number, max: number = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^[0-9]+$/, "must be a non-negative integer")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`));

/** `--profile P`: the name of a circuit profile. */
export const profileFlag = z
  .string()
  .refine((p) => p in PROFILES, `must be one of: ${Object.keys(PROFILES).join(", ")}`);

/**
 * Parses argv with `options`, then validates the flag values with `schema`. Unknown flags, missing
 * values and schema failures are USAGE errors naming the flag. With --help, prints `helpText` and
 * returns undefined.
 */
export function parseFlags<S extends z.ZodType>(
  argv: string[],
  options: Options,
  schema: S,
  positionals: { min: number; max: number; names: string },
  helpText: string,
): Parsed<z.output<S>> | undefined {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw desError("USAGE", (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
  const { help, ...values } = parsed.values as Record<string, unknown>;
  if (help) {
    console.log(helpText);
    return undefined;
  }
  const n = parsed.positionals.length;
  if (n < positionals.min || n > positionals.max) {
    throw desError("USAGE", `expected ${positionals.names}, got ${n} positional argument(s)`);
  }
  const r = schema.safeParse(values);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const flag = first.path.length ? `--${String(first.path[0])}` : "flags";
    throw desError("USAGE", `${flag}: ${first.message}`, {
      issues: r.error.issues.map((i) => ({ flag: `--${i.path.join(".")}`, message: i.message })),
    });
  }
  return { flags: r.data, positionals: parsed.positionals };
}

/** JSON.stringify that writes bigints as decimal strings. */
export function toJSON(value: unknown, indent = 2): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), indent);
}

/** Renders rows as an aligned text table (numbers right-aligned). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  const fmt = (r: string[], src?: (string | number)[]) =>
    r
      .map((v, c) => (typeof src?.[c] === "number" ? v.padStart(widths[c]!) : v.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd();
  return [
    fmt(headers),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map((r) => fmt(r.map(String), r)),
  ].join("\n");
}
