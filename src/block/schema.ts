/**
 * The block format: zod schemas first, TypeScript types inferred from them.
 *
 * Numbers that can exceed 2^53 (balances, amounts, nonces: u64; field elements) are decimal strings
 * in JSON (u64 values may also be plain safe integers) and bigints in memory. Account keys are
 * leaf indices of the state tree: integers in [0, 2^depth).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { BABYJUB_SUBORDER, FIELD_P, onBabyJub, U64_MAX } from "../crypto/field.ts";
import { desError, type ErrorCode } from "../errors.ts";

export const BLOCK_FORMAT_VERSION = 2;
/** Chain ids are u32 (every transaction hash includes the block's). */
export const MAX_CHAIN_ID = 2 ** 32 - 1;
export const MAX_DEPTH = 32;

/**
 * A decimal integer string. Aborts on failure: the refinements of the schemas around it (curve
 * checks of a point's coordinates) see only parsed bigints.
 */
const decimal = z
  .string()
  .regex(/^(0|[1-9][0-9]*)$/, { message: "expected a decimal integer string", abort: true });

/** u64 as a decimal string or a non-negative safe integer. */
export const U64 = z
  .union([decimal, z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((v) => BigInt(v))
  .refine((v) => v <= U64_MAX, "exceeds u64 max (2^64 - 1)");

/** A canonical field element (< r) as a decimal string. */
export const FieldElement = decimal
  .transform((v) => BigInt(v))
  .refine((v) => v < FIELD_P, "not below the field modulus");

export const PubKey = z
  .tuple([FieldElement, FieldElement])
  .refine(([x, y]) => onBabyJub(x, y), "public key is not a BabyJubjub point");

export const Signature = z.object({
  R8: z
    .tuple([FieldElement, FieldElement])
    .refine(([x, y]) => onBabyJub(x, y), "R8 is not a BabyJubjub point"),
  /** Below the subgroup order l, as circomlib's verifier requires (an S ≥ l never verifies). */
  S: decimal
    .transform((v) => BigInt(v))
    .refine((v) => v < BABYJUB_SUBORDER, "not below the BabyJubjub subgroup order"),
});

export const AccountKey = z
  .number()
  .int()
  .nonnegative()
  .max(2 ** MAX_DEPTH - 1);

export const Account = z.object({
  key: AccountKey,
  /**
   * Absent in unsigned (analysis-only) blocks, and for accounts a transfer created (their leaf holds
   * the key (0, 0): they can receive, not send).
   */
  pubKey: PubKey.optional(),
  balance: U64,
  nonce: U64,
});

export const Transaction = z.object({
  from: AccountKey,
  to: AccountKey,
  amount: U64,
  nonce: U64,
  /** EdDSA-Poseidon signature by the sender over txHash (see crypto/hash.ts); absent in unsigned blocks. */
  sig: Signature.optional(),
});

export const InclusionList = z.object({
  /** Declared execution column of each transaction, by index. */
  columns: z.array(
    z
      .number()
      .int()
      .nonnegative()
      .max(1 << 20),
  ),
});

export const Block = z
  .object({
    version: z.literal(BLOCK_FORMAT_VERSION, {
      error: `expected block format version ${BLOCK_FORMAT_VERSION} (version 1 blocks have no chain id: regenerate or re-sign them)`,
    }),
    /** The deployment's chain id: every transaction hash (the signed message) includes it. */
    chainId: z.number().int().nonnegative().max(MAX_CHAIN_ID),
    number: z.number().int().nonnegative(),
    /** Opaque parent identity (a field element). */
    parent: FieldElement,
    /** Depth of the account sparse Merkle tree: keys are in [0, 2^depth). */
    depth: z.number().int().min(1).max(MAX_DEPTH),
    /** Analysis-only block: no signatures or public keys; execution and proving refuse it. */
    unsigned: z.boolean().optional(),
    accounts: z.array(Account),
    txs: z.array(Transaction).min(1),
    inclusionList: InclusionList.optional(),
  })
  .superRefine((b, ctx) => {
    const limit = 2 ** b.depth;
    const seen = new Set<number>();
    b.accounts.forEach((a, i) => {
      if (a.key >= limit)
        ctx.addIssue({
          code: "custom",
          path: ["accounts", i, "key"],
          message: `key ${a.key} ≥ 2^depth (${limit})`,
        });
      if (seen.has(a.key))
        ctx.addIssue({
          code: "custom",
          path: ["accounts", i, "key"],
          message: `duplicate account key ${a.key}`,
        });
      seen.add(a.key);
      if (b.unsigned && a.pubKey)
        ctx.addIssue({
          code: "custom",
          path: ["accounts", i, "pubKey"],
          message: "an unsigned block has no public keys",
        });
    });
    b.txs.forEach((t, i) => {
      for (const f of ["from", "to"] as const) {
        if (t[f] >= limit)
          ctx.addIssue({ code: "custom", path: ["txs", i, f], message: `key ${t[f]} ≥ 2^depth (${limit})` });
      }
      if (!b.unsigned && !t.sig)
        ctx.addIssue({ code: "custom", path: ["txs", i, "sig"], message: "required in a signed block" });
    });
    if (b.inclusionList && b.inclusionList.columns.length !== b.txs.length) {
      ctx.addIssue({
        code: "custom",
        path: ["inclusionList", "columns"],
        message: `has ${b.inclusionList.columns.length} entries for ${b.txs.length} transactions`,
      });
    }
  });

export type Block = z.output<typeof Block>;
export type BlockJSON = z.input<typeof Block>;
export type Account = z.output<typeof Account>;
export type Transaction = z.output<typeof Transaction>;

/** Formats a zod path as `txs[3].amount`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(root)";
}

/** Validates parsed JSON as a block; throws INVALID_BLOCK listing every problem with its JSON path. */
export function parseBlock(json: unknown, source = "block"): Block {
  const r = Block.safeParse(json);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
  const shown = issues
    .slice(0, 20)
    .map((i) => `  ${i.path}: ${i.message}`)
    .join("\n");
  const more = issues.length > 20 ? `\n  … and ${issues.length - 20} more` : "";
  throw desError("INVALID_BLOCK", `${source} is not a valid block:\n${shown}${more}`, { issues });
}

/**
 * Validates JSON against a zod schema; on failure a DesError with `code` naming the first issue's
 * path, and every issue in its details.
 */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  json: unknown,
  code: ErrorCode,
  source: string,
): z.output<S> {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const first = r.error.issues[0]!;
  throw desError(code, `${source}: ${formatPath(first.path)}: ${first.message}`, {
    issues: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  });
}

/** Reads a JSON file: FILE_NOT_FOUND if it cannot be read, INVALID_JSON if it does not parse. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw desError("FILE_NOT_FOUND", `cannot read ${file}: ${(e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw desError("INVALID_JSON", `${file} is not valid JSON: ${(e as Error).message}`, { file });
  }
}

/** Reads and validates a block file. */
export function loadBlock(file: string): Block {
  return parseBlock(readJsonFile(file), file);
}

/** Inverse of parseBlock: bigints become decimal strings. */
export function blockToJSON(b: Block): BlockJSON {
  const str = (v: bigint) => v.toString();
  return {
    version: b.version as typeof BLOCK_FORMAT_VERSION,
    chainId: b.chainId,
    number: b.number,
    parent: str(b.parent),
    depth: b.depth,
    ...(b.unsigned ? { unsigned: true } : {}),
    accounts: b.accounts.map((a) => ({
      key: a.key,
      ...(a.pubKey ? { pubKey: [str(a.pubKey[0]), str(a.pubKey[1])] as [string, string] } : {}),
      balance: str(a.balance),
      nonce: str(a.nonce),
    })),
    txs: b.txs.map((t) => ({
      from: t.from,
      to: t.to,
      amount: str(t.amount),
      nonce: str(t.nonce),
      ...(t.sig
        ? { sig: { R8: [str(t.sig.R8[0]), str(t.sig.R8[1])] as [string, string], S: str(t.sig.S) } }
        : {}),
    })),
    ...(b.inclusionList ? { inclusionList: { columns: [...b.inclusionList.columns] } } : {}),
  };
}
