import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { generateBlock, SAMPLE_PROFILES } from "../src/block/sample.ts";
import { blockToJSON, parseBlock } from "../src/block/schema.ts";
import { FIELD_P } from "../src/crypto/field.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";

before(loadCrypto);

const roundTrip = (j: unknown) => JSON.parse(JSON.stringify(j));

describe("block schema", () => {
  test("a generated block round-trips through JSON", () => {
    const b = generateBlock({ profile: "hotspot", txs: 6, seed: "rt", depth: 10 });
    const again = parseBlock(roundTrip(blockToJSON(b)));
    assert.deepEqual(again, b);
  });

  // biome-ignore lint/suspicious/noExplicitAny: tests mutate raw block JSON of any shape
  const invalid: [string, (j: any) => void, RegExp][] = [
    ["negative amount", (j) => (j.txs[0].amount = "-1"), /txs\[0\]\.amount/],
    ["amount over u64", (j) => (j.txs[0].amount = (1n << 64n).toString()), /txs\[0\]\.amount: exceeds u64/],
    ["key beyond depth", (j) => (j.txs[1].to = 1 << 10), /txs\[1\]\.to: key 1024/],
    [
      "duplicate account key",
      (j) => (j.accounts[1].key = j.accounts[0].key),
      /accounts\[1\]\.key: duplicate/,
    ],
    ["public key off the curve", (j) => (j.accounts[0].pubKey[0] = "5"), /accounts\[0\]\.pubKey/],
    [
      "field element ≥ r",
      (j) => {
        j.parent = FIELD_P.toString();
      },
      /parent: not below/,
    ],
    ["missing signature", (j) => delete j.txs[2].sig, /txs\[2\]\.sig: required/],
    [
      "inclusion list length",
      (j) => (j.inclusionList = { columns: [0] }),
      /inclusionList\.columns: has 1 entries/,
    ],
    ["wrong version", (j) => (j.version = 3), /version: expected block format version 2/],
    [
      "a version 1 block (no chain id)",
      (j) => {
        j.version = 1;
        delete j.chainId;
      },
      /version 1 blocks have no chain id/,
    ],
    ["chain id beyond u32", (j) => (j.chainId = 2 ** 32), /chainId/],
    ["no transactions", (j) => (j.txs = []), /txs/],
  ];
  for (const [name, mutate, re] of invalid) {
    test(`rejects ${name}, naming the JSON path`, () => {
      const j = roundTrip(
        blockToJSON(generateBlock({ profile: "independent", txs: 3, seed: "s", depth: 10 })),
      );
      mutate(j);
      assert.throws(
        () => parseBlock(j),
        (e: unknown) => isDesError(e, "INVALID_BLOCK") && re.test(e.message),
      );
    });
  }

  test("unsigned blocks need no keys or signatures", () => {
    const b = generateBlock({ profile: "chain", txs: 50, seed: "u", depth: 12, unsigned: true });
    assert.equal(b.unsigned, true);
    assert.ok(b.txs.every((t) => !t.sig));
    assert.deepEqual(parseBlock(roundTrip(blockToJSON(b))), b);
  });
});

describe("sample generator", () => {
  test("is deterministic and seed-sensitive", () => {
    const a = blockToJSON(
      generateBlock({ profile: "mainnet-like", txs: 40, seed: "x", depth: 16, unsigned: true }),
    );
    const b = blockToJSON(
      generateBlock({ profile: "mainnet-like", txs: 40, seed: "x", depth: 16, unsigned: true }),
    );
    const c = blockToJSON(
      generateBlock({ profile: "mainnet-like", txs: 40, seed: "y", depth: 16, unsigned: true }),
    );
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  for (const profile of SAMPLE_PROFILES) {
    test(`${profile}: keys fit the depth and senders exist`, () => {
      const b = generateBlock({ profile, txs: 64, seed: "k", depth: 9, unsigned: true });
      const keys = new Set(b.accounts.map((a) => a.key));
      for (const t of b.txs) {
        assert.ok(keys.has(t.from), `sender ${t.from} exists`);
        assert.ok(t.to < 2 ** 9 && t.from < 2 ** 9);
      }
    });
  }

  test("refuses more accounts than the tree holds", () => {
    assert.throws(
      () => generateBlock({ profile: "independent", txs: 10, seed: "d", depth: 3, unsigned: true }),
      (e: unknown) => isDesError(e, "USAGE"),
    );
  });
});
