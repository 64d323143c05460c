/**
 * Property-based fuzzing of the input parsers (fast-check): each starts from a valid document and
 * applies random mutations (a leaf replaced by a hostile value, a key deleted or added, an array
 * duplicated or truncated, a value's type swapped), or gets arbitrary JSON. Malformed input of every
 * kind must end in a DesError with the parser's code, never a plain Error, TypeError or RangeError;
 * a mutated block that still parses must run through execution and column planning to a result or
 * a DesError. Fixed seeds, so a failure reproduces.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import fc from "fast-check";
import {
  BLOCK_PROOF_FILE_VERSION,
  BLOCK_PROOF_FORMAT,
  parseBlockProof,
} from "../src/aggregate/blockproof.ts";
import { generateBlock } from "../src/block/sample.ts";
import { type Block, blockToJSON, formatPath, parseBlock } from "../src/block/schema.ts";
import { parseGroth16Vkey } from "../src/bn254/verifier-build.ts";
import { checkDeclared, partition, planColumns } from "../src/columns/partition.ts";
import { addPoints, BASE8, mulPoint } from "../src/crypto/babyjub.ts";
import { keyFromSeed, sign } from "../src/crypto/eddsa.ts";
import {
  BABYJUB_A,
  BABYJUB_D,
  BABYJUB_SUBORDER,
  FIELD_P,
  FIELD_Q,
  mod,
  U64_MAX,
} from "../src/crypto/field.ts";
import { txHash } from "../src/crypto/hash.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { type ErrorCode, isDesError } from "../src/errors.ts";
import { getProfile } from "../src/profiles.ts";
import { BUNDLE_FORMAT, BUNDLE_VERSION, parseBundle, vkeyHash } from "../src/prove/bundle.ts";
import { parseTrustedKeys, TRUSTED_FORMAT, TRUSTED_VERSION } from "../src/prove/trust.ts";
import { executeBlock } from "../src/state/execute.ts";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const RUNS = { seed: 42, numRuns: 300, includeErrorInReport: true };
const SEED = "fz";
const TINY = getProfile("tiny");
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

// ---------------------------------------------------------------------------------------------
// Hostile values and BabyJubjub points of every kind

/** Square root mod r (Tonelli–Shanks), or undefined for a non-residue. */
function sqrtModP(n: bigint): bigint | undefined {
  const p = FIELD_P;
  const pow = (b: bigint, e: bigint) => {
    let r = 1n;
    for (b = mod(b, p); e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
    return r;
  };
  n = mod(n, p);
  if (n === 0n) return 0n;
  if (pow(n, (p - 1n) / 2n) !== 1n) return undefined;
  let q = p - 1n;
  let s = 0n;
  while ((q & 1n) === 0n) {
    q >>= 1n;
    s++;
  }
  let z = 2n;
  while (pow(z, (p - 1n) / 2n) !== p - 1n) z++;
  let [m, c, t, r] = [s, pow(z, q), pow(n, q), pow(n, (q + 1n) / 2n)];
  while (t !== 1n) {
    let i = 0n;
    for (let t2 = t; t2 !== 1n; t2 = (t2 * t2) % p) i++;
    const b = pow(c, 1n << (m - i - 1n));
    [m, c, t, r] = [i, (b * b) % p, (t * b * b) % p, (r * b) % p];
  }
  return r;
}

/** A point of order 8 (the torsion of the full curve group): l·P for a P outside the subgroup. */
function torsionGenerator(): readonly [bigint, bigint] {
  const inv = (v: bigint) => {
    let [a, b, x0, x1] = [mod(v), FIELD_P, 1n, 0n];
    while (b !== 0n) {
      const q = a / b;
      [a, b, x0, x1] = [b, a - q * b, x1, x0 - q * x1];
    }
    return mod(x0);
  };
  for (let x = 1n; ; x++) {
    const y2 = mod((1n - BABYJUB_A * x * x) * inv(1n - BABYJUB_D * x * x));
    const y = sqrtModP(y2);
    if (y === undefined) continue;
    const t = mulPoint([x, y], BABYJUB_SUBORDER);
    const t4 = mulPoint(t, 4n);
    if (!(t4[0] === 0n && t4[1] === 1n)) return t;
  }
}

const T8 = torsionGenerator();
/** All 8 points of small order (identity included). */
const SMALL_ORDER = Array.from({ length: 8 }, (_, k) => mulPoint(T8, BigInt(k)));
const PUB = keyFromSeed("fuzz-point").pub;
const CURVE_POINTS: (readonly [bigint, bigint])[] = [
  ...SMALL_ORDER,
  BASE8,
  PUB,
  [mod(-PUB[0]), PUB[1]], // −PUB
  addPoints(PUB, T8), // on the curve, outside the prime-order subgroup
  addPoints(BASE8, SMALL_ORDER[4]!),
];

const digits = fc.stringMatching(/^[0-9]{1,90}$/);
/** Decimal strings at and around the moduli and u64 bounds (2188824287…+k). */
const bigDecimal = fc
  .tuple(
    fc.constantFrom(FIELD_P, FIELD_Q, BABYJUB_SUBORDER, U64_MAX, 1n << 64n, 1n << 256n, 2n * FIELD_P, 0n),
    fc.bigInt({ min: -3n, max: 1n << 80n }),
  )
  .map(([base, k]) => (base + k < 0n ? 0n : base + k).toString());
const fieldValue = fc.bigInt({ min: 0n, max: FIELD_P - 1n }).map(String);
const weirdString = fc.constantFrom(
  "",
  "NaN",
  "nan",
  "Infinity",
  "-Infinity",
  "-0",
  "-1",
  "1e3",
  "1.5",
  "0x10",
  "01",
  " 1",
  "1 ",
  "+1",
  "١٢٣", // Arabic-Indic digits
  "__proto__",
  "constructor",
  "9".repeat(2000),
);
const weirdNumber = fc.oneof(
  fc.integer({ min: -1000, max: -1 }),
  fc.integer({ min: 0, max: 300 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    -0,
    0.5,
    2 ** 31,
    2 ** 32,
    2 ** 32 - 1,
    2 ** 53,
    Number.MAX_SAFE_INTEGER,
    1e308,
    -1e308,
    1 << 20,
  ),
);
const point = fc.constantFrom(...CURVE_POINTS).map(([x, y]) => [String(x), String(y)] as Json);

/** A hostile JSON value for a leaf. */
const hostile: fc.Arbitrary<Json> = fc.oneof(
  digits,
  bigDecimal,
  fieldValue,
  weirdString,
  weirdNumber,
  point,
  fc.constantFrom<Json>(null, true, false, [], {}, [0], ["0", "0"], ["1", "2", "3"], { x: 1 }),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

// ---------------------------------------------------------------------------------------------
// Mutations of a JSON document

type Mutation =
  | { kind: "replace"; at: number; value: Json }
  | { kind: "delete"; at: number }
  | { kind: "addKey"; at: number; key: string; value: Json }
  | { kind: "dupArray"; at: number }
  | { kind: "dupElement"; at: number; n: number }
  | { kind: "truncArray"; at: number; n: number }
  | { kind: "swapType"; at: number };

const at = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("replace" as const), at, value: hostile }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), at }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("addKey" as const),
      at,
      key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor", "unsigned")),
      value: hostile,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("dupArray" as const), at }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("dupElement" as const), at, n: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("truncArray" as const), at, n: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("swapType" as const), at }) },
);
const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

const isObject = (v: Json): v is { [k: string]: Json } =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Every path of the document (the root excluded), depth first. */
function paths(doc: Json, prefix: Path = [], out: Path[] = []): Path[] {
  const children: [string | number, Json][] = Array.isArray(doc)
    ? doc.map((v, i) => [i, v])
    : isObject(doc)
      ? Object.entries(doc)
      : [];
  for (const [k, v] of children) {
    out.push([...prefix, k]);
    paths(v, [...prefix, k], out);
  }
  return out;
}

function get(doc: Json, path: Path): Json {
  let v = doc;
  for (const p of path) v = (v as Record<string | number, Json>)[p]!;
  return v;
}

function set(doc: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const parent = get(doc, path.slice(0, -1)) as Record<string | number, Json>;
  parent[path[path.length - 1]!] = value;
  return doc;
}

function swapType(v: Json): Json {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return /^-?[0-9]+(\.[0-9]+)?$/.test(v) && v.length < 300 ? Number(v) : [v];
  if (typeof v === "boolean") return v ? 1 : "false";
  if (v === null) return 0;
  if (Array.isArray(v)) return Object.fromEntries(v.map((x, i) => [String(i), x]));
  return Object.values(v);
}

/** Applies mutations in order to a copy; `at` picks among the nodes the mutation applies to. */
function mutate(valid: Json, ms: readonly Mutation[]): Json {
  let doc = clone(valid);
  for (const m of ms) {
    const all = paths(doc);
    const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[m.at % xs.length] : undefined);
    switch (m.kind) {
      case "replace": {
        const p = pick(all);
        doc = p ? set(doc, p, clone(m.value)) : clone(m.value);
        break;
      }
      case "delete": {
        const p = pick(all);
        if (!p) break;
        const parent = get(doc, p.slice(0, -1));
        const last = p[p.length - 1]!;
        if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete (parent as Record<string, Json>)[last];
        break;
      }
      case "addKey": {
        const p = pick([[], ...all].filter((q) => isObject(get(doc, q))));
        if (p)
          Object.defineProperty(get(doc, p), m.key, {
            value: clone(m.value),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        break;
      }
      case "dupArray":
      case "dupElement":
      case "truncArray": {
        const p = pick([[], ...all].filter((q) => Array.isArray(get(doc, q))));
        if (!p) break;
        const arr = get(doc, p) as Json[];
        if (m.kind === "dupArray") arr.push(...clone(arr));
        else if (m.kind === "dupElement" && arr.length)
          arr.splice(m.n % arr.length, 0, clone(arr[m.n % arr.length]!));
        else if (m.kind === "truncArray") arr.length = m.n % (arr.length + 1);
        break;
      }
      case "swapType": {
        const p = pick(all);
        if (p) doc = set(doc, p, swapType(get(doc, p)));
        break;
      }
    }
  }
  // what a parser gets is what JSON.parse gives
  return JSON.parse(JSON.stringify(doc));
}

// ---------------------------------------------------------------------------------------------
// Assertions

/** Runs `f`; it may succeed, or throw a DesError with one of `codes` — anything else fails. */
function desOrOk<T>(what: string, codes: readonly ErrorCode[], f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (isDesError(e) && codes.includes(e.code)) return undefined;
    const detail = isDesError(e) ? `DesError ${e.code}: ${e.message}` : ((e as Error)?.stack ?? String(e));
    assert.fail(`${what} threw something other than a DesError (${codes.join(", ")}): ${detail}`);
  }
}

/** The decimal-string leaves of a document, with the modulus an alias of each adds. */
function decimalLeaves(doc: Json, modulusOf: (p: Path) => bigint | undefined): { path: Path; m: bigint }[] {
  return paths(doc)
    .filter((p) => {
      const v = get(doc, p);
      return typeof v === "string" && /^(0|[1-9][0-9]*)$/.test(v);
    })
    .flatMap((p) => {
      const m = modulusOf(p);
      return m === undefined ? [] : [{ path: p, m }];
    });
}

/** Property: replacing one decimal leaf v by v + m (an alias mod m) is refused, naming its path. */
function nonCanonical(
  valid: Json,
  parse: (j: unknown) => unknown,
  code: ErrorCode,
  modulusOf: (p: Path) => bigint | undefined,
  names: (p: Path) => string[] = (p) => [formatPath(p)],
): void {
  const leaves = decimalLeaves(valid, modulusOf);
  assert.ok(leaves.length > 0, "the document has decimal leaves");
  fc.assert(
    fc.property(fc.nat(), (i) => {
      const { path, m } = leaves[i % leaves.length]!;
      const doc = clone(valid);
      set(doc, path, (BigInt(get(doc, path) as string) + m).toString());
      const name = formatPath(path);
      assert.throws(
        () => parse(doc),
        (e: unknown) => {
          if (!isDesError(e, code)) return false;
          const text = `${e.message}\n${JSON.stringify(e.details)}`;
          for (const n of names(path)) assert.ok(text.includes(n), `the error names ${n}: ${e.message}`);
          return true;
        },
        `${name} + ${m === FIELD_Q ? "q" : "r"} is refused with ${code}`,
      );
    }),
    { seed: 42, numRuns: Math.min(300, 4 * leaves.length), includeErrorInReport: true },
  );
}

/** Property: every mutation of `valid` and any JSON value parses or is refused with `code`. */
function fuzzParser(name: string, valid: Json, parse: (j: unknown) => unknown, code: ErrorCode): void {
  // the valid document itself parses
  test(`${name}: the valid document parses`, () => {
    parse(clone(valid));
  });
  // random mutations of a valid document: a result or a DesError with the parser's code
  test(`${name}: mutated documents parse or fail with ${code}`, () => {
    fc.assert(
      fc.property(mutations, (ms) => {
        desOrOk(name, [code], () => parse(mutate(valid, ms)));
      }),
      RUNS,
    );
  });
  // arbitrary JSON: a DesError with the parser's code
  test(`${name}: arbitrary JSON fails with ${code}`, () => {
    fc.assert(
      fc.property(fc.jsonValue(), (j) => {
        desOrOk(name, [code], () => parse(j));
      }),
      RUNS,
    );
  });
}

// ---------------------------------------------------------------------------------------------
// Valid documents

const fixtureVkey = JSON.parse(readFileSync("test/fixtures/groth16-column-tiny.vkey.json", "utf8"));
const fixtureProof = JSON.parse(readFileSync("test/fixtures/groth16-column-tiny.proofs.json", "utf8")).proofs[
  "column-0"
].proof as Json;
/** The key as its schema reads it (the fixture also carries vk_alphabeta_12, which no parser reads). */
const VKEY = clone(parseGroth16Vkey(fixtureVkey)) as unknown as Json;
const HASH = "ab".repeat(32);
const f = (k: number) => String((BigInt(k) * 0x9e3779b97f4a7c15n) % FIELD_P);
const columnEntry = (id: number, txs: number[]): Json => ({
  id,
  txs,
  publics: {
    r0: f(1),
    txDigest: f(2),
    writeDigest: f(3),
    fingerprint: f(4),
    txFingerprint: f(5),
    gamma: f(6),
  },
  circuit: "column-tiny",
  vkeyHash: HASH,
  publicSignal: f(7 + id),
  proof: clone(fixtureProof),
});
const BUNDLE: Json = {
  format: BUNDLE_FORMAT,
  version: BUNDLE_VERSION,
  development: true,
  notice: "development keys",
  profile: "tiny",
  shardBits: 0,
  block: { chainId: 1, number: 1, parent: f(10), depth: 8, txHashes: [f(11), f(12), f(13), f(14)] },
  r0: f(1),
  r1: f(20),
  gamma: f(6),
  txCommitment: f(21),
  columns: [columnEntry(0, [0, 1]), columnEntry(1, [2, 3])],
  stateUpdates: [
    {
      index: 0,
      publics: {
        rootBefore: f(1),
        rootAfter: f(20),
        shard: 0,
        keyLo: 0,
        keyHi: 255,
        writeDigest: f(22),
        fingerprint: f(23),
        gamma: f(6),
      },
      circuit: "state-update-tiny",
      vkeyHash: HASH,
      publicSignal: f(24),
      proof: clone(fixtureProof),
    },
  ],
};
const BLOCK_PROOF: Json = {
  format: BLOCK_PROOF_FORMAT,
  version: BLOCK_PROOF_FILE_VERSION,
  development: true,
  notice: null,
  header: {
    version: "1",
    chainId: "1",
    number: "1",
    parent: f(10),
    r0: f(1),
    r1: f(20),
    txCommitment: f(21),
    txCount: "4",
  },
  circuit: "block-root",
  vkeyHash: HASH,
  publicSignal: f(30),
  proof: clone(fixtureProof),
};
const MANIFEST: Json = {
  format: TRUSTED_FORMAT,
  version: TRUSTED_VERSION,
  keys: [
    {
      circuit: "block-root",
      sha256: vkeyHash(VKEY),
      development: true,
      shape: { columns: 2, states: 1, depth: 8, txSlots: 4 },
      vkey: clone(VKEY),
    },
  ],
};

/** Proof coordinates and key coordinates are base-field elements (< q); every other number is < r. */
const isCoordinate = (p: Path) => p.some((k) => typeof k === "string" && /^(pi_|vk_|IC$)/.test(k));
const aliasModulus = (p: Path) => (isCoordinate(p) ? FIELD_Q : FIELD_P);

// ---------------------------------------------------------------------------------------------
// Blocks: parse, then the native stages a parsed block reaches

let BLOCK: Json;
let BLOCK_IL: Json;

/** Schema-aware block mutations: values of the right type and range, so the block reaches execution. */
const BLOCK_OPS = [
  "accountKey",
  "from",
  "to",
  "self",
  "balance",
  "accountNonce",
  "amount",
  "txNonce",
  "syncNonce",
  "pubKey",
  "dropPubKey",
  "R8",
  "S",
  "depth",
  "chainId",
  "unsigned",
  "dupTx",
  "dupAccount",
  "dropAccount",
  "inclusionList",
  "ilEntry",
  "richReceiver",
  "maxNonce",
  "sameSender",
] as const;
const u64Json: fc.Arbitrary<Json> = fc
  .tuple(
    fc.oneof(
      fc.constantFrom(0n, 1n, 1000n, U64_MAX, U64_MAX - 1n, BigInt(Number.MAX_SAFE_INTEGER)),
      fc.bigInt({ min: 0n, max: U64_MAX }),
    ),
    fc.boolean(),
  )
  .map(([v, asNumber]) => (asNumber && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : String(v)));
const blockOp = fc.record({
  op: fc.constantFrom(...BLOCK_OPS),
  i: fc.nat(),
  j: fc.nat(),
  u: u64Json,
  key: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(2 ** 32 - 1, 256, 2 ** 20)),
  pt: point,
  s: fc.oneof(fc.bigInt({ min: 0n, max: BABYJUB_SUBORDER - 1n }), fc.constantFrom(0n, BABYJUB_SUBORDER - 1n)),
  small: fc.integer({ min: 0, max: 40 }),
});
type BlockOp = typeof blockOp extends fc.Arbitrary<infer T> ? T : never;

function applyBlockOp(doc: Json, m: BlockOp): void {
  if (!isObject(doc) || !Array.isArray(doc["accounts"]) || !Array.isArray(doc["txs"])) return;
  const accounts = doc["accounts"].filter(isObject);
  const txs = doc["txs"];
  const acct = accounts[m.i % Math.max(1, accounts.length)];
  const tx = txs.length ? txs[m.i % txs.length] : undefined;
  const other = accounts[m.j % Math.max(1, accounts.length)]?.["key"] ?? m.key;
  const sig =
    isObject(tx ?? null) && isObject((tx as { sig?: Json }).sig ?? null)
      ? (tx as { sig: { [k: string]: Json } }).sig
      : undefined;
  const t = isObject(tx ?? null) ? (tx as { [k: string]: Json }) : undefined;
  switch (m.op) {
    case "accountKey":
      if (acct) acct["key"] = m.key;
      break;
    case "from":
    case "to":
      if (t) t[m.op] = m.j % 2 ? other : m.key;
      break;
    case "self":
      if (t) t["to"] = t["from"]!;
      break;
    case "balance":
    case "accountNonce":
      if (acct) acct[m.op === "balance" ? "balance" : "nonce"] = m.u;
      break;
    case "amount":
    case "txNonce":
      if (t) t[m.op === "amount" ? "amount" : "nonce"] = m.u;
      break;
    case "syncNonce":
      if (t) t["nonce"] = accounts.find((a) => a["key"] === t["from"])?.["nonce"] ?? m.u;
      break;
    case "pubKey":
      if (acct) acct["pubKey"] = m.pt;
      break;
    case "dropPubKey":
      if (acct) delete acct["pubKey"];
      break;
    case "R8":
      if (sig) sig["R8"] = m.pt;
      break;
    case "S":
      if (sig) sig["S"] = String(m.s);
      break;
    case "depth":
      doc["depth"] = 1 + (m.small % 32);
      break;
    case "chainId":
      doc["chainId"] = [0, 1, 2, 2 ** 32 - 1][m.j % 4]!;
      break;
    case "unsigned":
      doc["unsigned"] = true;
      if (m.j % 2) {
        for (const a of accounts) delete a["pubKey"];
        for (const x of txs) if (isObject(x)) delete x["sig"];
      }
      break;
    case "dupTx":
      if (tx !== undefined) txs.splice(m.j % txs.length, 0, clone(tx));
      break;
    case "dupAccount":
      if (acct) doc["accounts"].push({ ...clone(acct), key: m.key });
      break;
    case "dropAccount":
      if (accounts.length) doc["accounts"].splice(m.i % doc["accounts"].length, 1);
      break;
    case "inclusionList":
      doc["inclusionList"] = { columns: txs.map((_, k) => (m.j >> (2 * k)) & 3) };
      break;
    case "richReceiver": {
      // the receiver one credit short of overflowing u64
      const r = t && accounts.find((a) => a["key"] === t["to"]);
      if (r) r["balance"] = String(U64_MAX - BigInt(m.small));
      break;
    }
    case "maxNonce": {
      // the sender at nonce 2^64 - 1, the transaction too
      const a = t && accounts.find((x) => x["key"] === t["from"]);
      if (a) a["nonce"] = t["nonce"] = String(U64_MAX);
      break;
    }
    case "sameSender": {
      // another transaction from the same sender: a larger conflict class
      const o = txs[m.j % txs.length];
      if (t && isObject(o ?? null)) (o as { [k: string]: Json })["from"] = t["from"]!;
      break;
    }
    case "ilEntry": {
      const il = doc["inclusionList"];
      const cols = isObject(il ?? null) ? (il as { columns?: Json }).columns : undefined;
      if (Array.isArray(cols) && cols.length) cols[m.i % cols.length] = m.small % 2 ? m.small : 2 ** 20;
      break;
    }
  }
}

/** Generic and schema-aware mutations of a block, mixed. */
const blockMutations = fc.array(
  fc.oneof(
    { weight: 1, arbitrary: mutation.map((g) => ({ generic: g })) },
    { weight: 4, arbitrary: blockOp.map((b) => ({ block: b })) },
  ),
  { minLength: 1, maxLength: 4 },
);
function mutateBlock(valid: Json, ms: readonly ({ generic: Mutation } | { block: BlockOp })[]): Json {
  let doc = clone(valid);
  for (const m of ms) {
    if ("generic" in m) doc = mutate(doc, [m.generic]);
    else applyBlockOp(doc, m.block);
  }
  return JSON.parse(JSON.stringify(doc));
}

/** Re-signs every transaction whose sender holds its sample key, so mutations reach past the signature check. */
function resign(b: Block): Block {
  const txs = b.txs.map((t) => {
    const kp = keyFromSeed(`${SEED}:${t.from}`);
    const acct = b.accounts.find((a) => a.key === t.from);
    if (!acct?.pubKey || acct.pubKey[0] !== kp.pub[0] || acct.pubKey[1] !== kp.pub[1]) return t;
    return { ...t, sig: sign(kp.prv, txHash(t, BigInt(b.chainId))) };
  });
  return { ...b, txs };
}

/** Every stage a user reaches with a parsed block: a result or a DesError. */
function blockStages(b: Block): void {
  const cap = { txs: TINY.txs, accounts: TINY.accounts };
  const exec: ErrorCode[] = [
    "UNSIGNED_BLOCK",
    "UNKNOWN_SENDER",
    "BAD_SIGNATURE",
    "BAD_NONCE",
    "NONCE_OVERFLOW",
    "OVERDRAFT",
    "BALANCE_OVERFLOW",
    "DUPLICATE_TX",
    "KEY_OUT_OF_RANGE",
  ];
  desOrOk("executeBlock", exec, () => executeBlock(b));
  desOrOk("executeBlock (signatures pre-checked)", exec, () => executeBlock(b, { badSignatures: new Set() }));
  desOrOk("executeBlock (re-signed)", exec, () => executeBlock(resign(b)));
  const cols: ErrorCode[] = [
    "COLUMN_CAPACITY",
    "TOO_MANY_COLUMNS",
    "DISJOINTNESS_VIOLATION",
    "INVALID_BLOCK",
  ];
  desOrOk("planColumns", cols, () => planColumns(b.txs, cap));
  desOrOk("partition (unbounded)", cols, () => partition(b.txs));
  if (b.inclusionList)
    desOrOk("checkDeclared", cols, () => checkDeclared(b.txs, b.inclusionList!.columns, cap));
}

before(async () => {
  await loadCrypto();
  const b = generateBlock({ profile: "independent", txs: 4, seed: SEED, depth: 8 });
  BLOCK = clone(blockToJSON(b)) as Json;
  const plan = planColumns(b.txs, { txs: TINY.txs, accounts: TINY.accounts });
  const columns = new Array<number>(b.txs.length).fill(0);
  for (const c of plan.columns) for (const t of c.txs) columns[t] = c.id;
  BLOCK_IL = { ...(BLOCK as object), inclusionList: { columns } } as Json;
});

describe("fuzz: blocks", () => {
  // the sample blocks (with and without an inclusion list) parse and execute
  test("the valid blocks parse and execute", () => {
    for (const j of [BLOCK, BLOCK_IL]) {
      const b = parseBlock(clone(j));
      executeBlock(b);
      blockStages(b);
    }
  });
  // mutated blocks: INVALID_BLOCK, or a block whose execution and column planning end in a DesError or a result
  for (const [name, base] of [
    ["block", () => BLOCK],
    ["block with an inclusion list", () => BLOCK_IL],
  ] as const) {
    test(`mutated ${name}: INVALID_BLOCK or every stage ends in a result or a DesError`, () => {
      fc.assert(
        fc.property(mutations, (ms) => {
          const b = desOrOk("parseBlock", ["INVALID_BLOCK"], () => parseBlock(mutate(base(), ms)));
          if (b) blockStages(b);
        }),
        RUNS,
      );
    });
    // schema-aware mutations (keys, u64 values, curve points, S, depth, duplicates, inclusion lists) reach execution
    test(`schema-aware mutations of ${name}: INVALID_BLOCK or every stage ends in a result or a DesError`, () => {
      fc.assert(
        fc.property(blockMutations, (ms) => {
          const b = desOrOk("parseBlock", ["INVALID_BLOCK"], () => parseBlock(mutateBlock(base(), ms)));
          if (b) blockStages(b);
        }),
        RUNS,
      );
    });
  }
  // arbitrary JSON is not a block
  test("arbitrary JSON fails with INVALID_BLOCK", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (j) => {
        desOrOk("parseBlock", ["INVALID_BLOCK"], () => parseBlock(j));
      }),
      RUNS,
    );
  });
  // a field element v + r (and S + r, u64 values + r) is refused, naming its path
  test("non-canonical numbers are refused with INVALID_BLOCK, naming the path", () => {
    nonCanonical(BLOCK_IL, parseBlock, "INVALID_BLOCK", () => FIELD_P);
  });
  // keys and signature points of small order or outside the subgroup: refused or rejected by name
  test("public keys and R8 of every curve point kind: INVALID_BLOCK or a DesError in execution", () => {
    fc.assert(
      fc.property(fc.nat(), fc.boolean(), point, (i, onKey, pt) => {
        const doc = clone(BLOCK) as { accounts: { pubKey?: Json }[]; txs: { sig: { R8: Json } }[] };
        if (onKey) doc.accounts[i % doc.accounts.length]!.pubKey = pt;
        else doc.txs[i % doc.txs.length]!.sig.R8 = pt;
        const b = desOrOk("parseBlock", ["INVALID_BLOCK"], () => parseBlock(doc));
        if (b) blockStages(b);
      }),
      { seed: 42, numRuns: 100, includeErrorInReport: true },
    );
  });
});

describe("fuzz: leaf bundles", () => {
  fuzzParser("parseBundle", BUNDLE, parseBundle, "INVALID_BUNDLE");
  // a field element v + r, a proof coordinate v + q: refused with INVALID_BUNDLE, naming the path
  test("non-canonical numbers are refused with INVALID_BUNDLE, naming the path", () => {
    nonCanonical(BUNDLE, parseBundle, "INVALID_BUNDLE", aliasModulus);
  });
});

describe("fuzz: block proofs", () => {
  fuzzParser("parseBlockProof", BLOCK_PROOF, parseBlockProof, "INVALID_BUNDLE");
  // a field element v + r, a proof coordinate v + q: refused with INVALID_BUNDLE, naming the path
  test("non-canonical numbers are refused with INVALID_BUNDLE, naming the path", () => {
    nonCanonical(BLOCK_PROOF, parseBlockProof, "INVALID_BUNDLE", aliasModulus);
  });
});

describe("fuzz: verification keys", () => {
  fuzzParser("parseGroth16Vkey", VKEY, parseGroth16Vkey, "INVALID_VKEY");
  // a key coordinate v + q: refused with INVALID_VKEY, naming the path
  test("non-canonical coordinates are refused with INVALID_VKEY, naming the path", () => {
    nonCanonical(VKEY, parseGroth16Vkey, "INVALID_VKEY", () => FIELD_Q);
  });
});

/**
 * The manifest with each key's sha256 recomputed from the key it holds (as its writer would), so a
 * mutated key is judged by the key parser rather than by the hash check.
 */
function resealed(j: unknown): unknown {
  const keys = (j as { keys?: unknown } | null)?.keys;
  if (Array.isArray(keys))
    for (const k of keys) if (isObject(k) && "vkey" in k) k["sha256"] = vkeyHash(k["vkey"]);
  return j;
}
const parseManifest = (j: unknown) => parseTrustedKeys(j, "manifest");

describe("fuzz: trusted-keys manifests", () => {
  fuzzParser("parseTrustedKeys", MANIFEST, parseManifest, "INVALID_MANIFEST");
  // mutated manifests whose sha256 fields match their (mutated) keys: parse or INVALID_MANIFEST
  test("parseTrustedKeys: mutated manifests with their sha256 recomputed parse or fail with INVALID_MANIFEST", () => {
    fc.assert(
      fc.property(mutations, (ms) => {
        desOrOk("parseTrustedKeys", ["INVALID_MANIFEST"], () =>
          parseManifest(resealed(mutate(MANIFEST, ms))),
        );
      }),
      RUNS,
    );
  });
  // a key coordinate v + q inside the manifest (its sha256 recomputed): refused with INVALID_MANIFEST, naming the path
  test("non-canonical key coordinates are refused with INVALID_MANIFEST, naming the path", () => {
    nonCanonical(
      MANIFEST,
      (j) => parseManifest(resealed(j)),
      "INVALID_MANIFEST",
      (p) => (p.includes("vkey") ? FIELD_Q : undefined),
      // the manifest names the key, the key's parser the path inside it
      (p) => [formatPath(p.slice(0, 3)), formatPath(p.slice(3))],
    );
  });
});
