/**
 * End-to-end proving at the tiny profile: a 4-transaction block (2 columns, 1 state update),
 * proved on a 2-worker pool and verified; prover faults retried and partial results kept;
 * tampering with any proof or public value rejected with the matching check.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { generateBlock } from "../src/block/sample.ts";
import { type Block, loadBlock } from "../src/block/schema.ts";
import { proverToolchain } from "../src/build/prover.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { getProfile } from "../src/profiles.ts";
import { type Bundle, type BundleJSON, loadBundle, parseBundle } from "../src/prove/bundle.ts";
import { proveBlock } from "../src/prove/pipeline.ts";
import { verifyBundle } from "../src/prove/verify.ts";
import { loadVkeys } from "../src/prove/vkeys.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";

const profile = getProfile("tiny");
const dir = mkdtempSync(join(tmpdir(), "des-prove-"));
let block: Block;
let bundlePath: string;
let bundleJSON: BundleJSON;
let vkeys: Map<string, unknown>;
const quiet = () => {};

before(async () => {
  await loadCrypto();
  block = generateBlock({ profile: "independent", txs: 4, seed: "e2e", depth: profile.depth });
});
after(async () => {
  await releaseSnarkjs();
  rmSync(dir, { recursive: true, force: true });
});

const bundleOf = (j: BundleJSON): Bundle => parseBundle(JSON.parse(JSON.stringify(j)));

async function expectCheck(mutate: (j: BundleJSON) => void, checks: string[]) {
  const j = JSON.parse(JSON.stringify(bundleJSON)) as BundleJSON;
  mutate(j);
  await assert.rejects(
    () => verifyBundle(bundleOf(j), vkeys),
    (e: unknown) => isDesError(e, "VERIFICATION_FAILED") && checks.includes(e.details.check as string),
  );
}

describe("des prove / des verify (tiny profile)", () => {
  test("a crashed worker is retried and the block completes; the bundle verifies", async () => {
    const r = await proveBlock(block, {
      profile,
      workers: 2,
      outDir: dir,
      crashOnce: ["column-1"],
      log: quiet,
      aggregate: false,
    });
    assert.equal(r.columns, 2);
    assert.equal(r.stateUpdates, 1);
    // the native prover is the default wherever g++ can build it
    const expected = proverToolchain().ok ? "native" : "snarkjs";
    assert.ok(
      r.proofs.every((p) => p.prover === expected),
      JSON.stringify(r.proofs),
    );
    assert.equal(r.proofs.find((p) => p.name === "column-1")!.attempts, 2);
    assert.ok(r.proofs.filter((p) => p.name !== "column-1").every((p) => p.attempts === 1));
    bundlePath = r.bundle;
    bundleJSON = JSON.parse(readFileSync(bundlePath, "utf8"));
    const b = loadBundle(bundlePath);
    vkeys = loadVkeys([...b.columns, ...b.stateUpdates], join(dir, "vkeys"));
    const s = await verifyBundle(b, vkeys);
    assert.equal(s.txs, 4);
    assert.equal(b.development, true);
  });

  test("local keys: found by their hash under another circuit name; none for an unknown key", () => {
    const col = loadBundle(bundlePath).columns[0]!;
    const local = loadVkeys([{ circuit: "renamed-column-circuit", vkeyHash: col.vkeyHash }]);
    assert.deepEqual(local.get("renamed-column-circuit"), vkeys.get(col.circuit));
    assert.throws(
      () => loadVkeys([{ circuit: "no-such-circuit", vkeyHash: "0".repeat(64) }]),
      (e: unknown) => isDesError(e, "FILE_NOT_FOUND"),
    );
  });

  test("a prover fault keeps the other proofs, and a rerun reuses them", async () => {
    rmSync(join(dir, "proofs", "column-0.json"));
    await assert.rejects(
      () =>
        proveBlock(block, {
          profile,
          workers: 2,
          outDir: dir,
          crashOnce: ["column-0"],
          retries: 0,
          log: quiet,
          aggregate: false,
        }),
      (e: unknown) =>
        isDesError(e, "PROVER_FAULT") &&
        (e.details.kept as string[]).includes("column-1") &&
        (e.details.failures as { name: string }[])[0]!.name === "column-0",
    );
    // the rerun proves column-0 with snarkjs (DES_PROVER chooses); the bundle mixes both provers
    process.env.DES_PROVER = "snarkjs";
    let r: Awaited<ReturnType<typeof proveBlock>>;
    try {
      r = await proveBlock(block, { profile, workers: 2, outDir: dir, log: quiet, aggregate: false });
    } finally {
      delete process.env.DES_PROVER;
    }
    assert.equal(r.proofs.find((p) => p.name === "column-0")!.prover, "snarkjs");
    await verifyBundle(loadBundle(r.bundle), vkeys);
    assert.deepEqual(
      r.proofs.map((p) => [p.name, p.reused]),
      [
        ["column-0", false],
        ["column-1", true],
        ["state-0", true],
      ],
    );
  });

  test("flipping any byte of any proof fails the proof check", async () => {
    const entries = [...bundleJSON.columns, ...bundleJSON.stateUpdates];
    for (let e = 0; e < entries.length; e++) {
      for (const [field, idx] of [
        ["pi_a", 0],
        ["pi_a", 1],
        ["pi_c", 0],
        ["pi_c", 1],
      ] as const) {
        await expectCheck(
          (j) => {
            const all = [...j.columns, ...j.stateUpdates];
            const v = all[e]!.proof[field][idx]!;
            all[e]!.proof[field][idx] = v.slice(0, -1) + String((Number(v.at(-1)) + 1) % 10);
          },
          ["proof"],
        );
      }
      await expectCheck(
        (j) => {
          const p = [...j.columns, ...j.stateUpdates][e]!.proof;
          p.pi_b[0]![1] = String(BigInt(p.pi_b[0]![1]!) ^ 1n);
        },
        ["proof"],
      );
    }
  });

  test("changing any public value fails the matching check", async () => {
    const bump = (s: string) => String(BigInt(s) + 1n);
    await expectCheck(
      (j) => (j.columns[0]!.publicSignal = bump(j.columns[0]!.publicSignal)),
      ["public-hash"],
    );
    for (const f of ["r0", "txDigest", "writeDigest", "fingerprint", "txFingerprint", "gamma"] as const) {
      await expectCheck(
        (j) => {
          j.columns[1]!.publics[f] = bump(j.columns[1]!.publics[f]);
        },
        ["public-hash"],
      );
    }
    for (const f of ["rootBefore", "rootAfter", "writeDigest", "fingerprint", "gamma"] as const) {
      await expectCheck(
        (j) => {
          j.stateUpdates[0]!.publics[f] = bump(j.stateUpdates[0]!.publics[f]);
        },
        ["public-hash"],
      );
    }
    await expectCheck((j) => (j.r0 = bump(j.r0)), ["r0"]);
    await expectCheck((j) => (j.r1 = bump(j.r1)), ["gamma"]);
    await expectCheck((j) => (j.gamma = bump(j.gamma)), ["gamma"]);
    await expectCheck((j) => (j.txCommitment = bump(j.txCommitment)), ["gamma"]);
    await expectCheck((j) => (j.block.txHashes[2] = bump(j.block.txHashes[2]!)), ["tx-digest"]);
    await expectCheck((j) => j.columns[0]!.txs.pop(), ["tx-coverage", "tx-digest"]);
    await expectCheck(
      (j) => {
        j.columns[1]!.txs = [...j.columns[0]!.txs];
      },
      ["tx-coverage"],
    );
    await expectCheck(
      (j) => {
        j.columns[0]!.vkeyHash = "0".repeat(64);
      },
      ["verification-key"],
    );
  });

  test("a block with an invalid transaction is refused as a block fault naming column and transaction", async () => {
    const bad = structuredClone(block);
    bad.txs[3] = { ...bad.txs[3]!, amount: bad.txs[3]!.amount + 1n };
    await assert.rejects(
      () => proveBlock(bad, { profile, workers: 1, outDir: join(dir, "bad"), log: quiet, aggregate: false }),
      (e: unknown) =>
        isDesError(e, "BLOCK_FAULT") &&
        e.details.index === 3 &&
        e.details.cause === "BAD_SIGNATURE" &&
        typeof e.details.column === "number",
    );
  });

  test("--max-columns: a block above the limit is refused before anything is executed, as the builder's fault", async () => {
    const out = join(dir, "max-columns");
    const sixteen = loadBlock("samples/independent-16.json");
    await assert.rejects(
      () =>
        proveBlock(sixteen, {
          profile,
          workers: 1,
          outDir: out,
          log: quiet,
          aggregate: false,
          maxColumns: 7,
        }),
      (e: unknown) =>
        isDesError(e, "TOO_MANY_COLUMNS") &&
        e.details.limit === 7 &&
        e.details.columns === 8 &&
        e.details.fault === "builder",
    );
    assert.ok(!existsSync(join(out, "proofs")), "nothing proved");
    const r = spawnSync(
      "./bin/des",
      ["prove", "samples/independent-16.json", "--max-columns", "4", "--out", out],
      {
        encoding: "utf8",
      },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /TOO_MANY_COLUMNS: builder fault: the block needs 8 execution columns/);
  });

  test("a non-disjoint inclusion list is refused", async () => {
    const chained = generateBlock({ profile: "chain", txs: 2, seed: "il", depth: profile.depth });
    chained.inclusionList = { columns: [0, 1] };
    await assert.rejects(
      () =>
        proveBlock(chained, { profile, workers: 1, outDir: join(dir, "il"), log: quiet, aggregate: false }),
      (e: unknown) => isDesError(e, "DISJOINTNESS_VIOLATION") && e.details.txA === 0 && e.details.txB === 1,
    );
  });

  test("CLI: bad flags are usage errors (exit 2); a tampered bundle exits 1", () => {
    const des = (...args: string[]) => spawnSync("./bin/des", args, { encoding: "utf8" });
    for (const args of [
      ["prove", "samples/independent-16.json", "--workers", "0"],
      ["prove", "samples/independent-16.json", "--profile", "huge"],
      ["prove", "samples/independent-16.json", "--nodes", "folded"],
      ["prove", "samples/independent-16.json", "--nodes", "committed", "--redis", "redis://127.0.0.1:1"],
      ["prove"],
      ["verify", bundlePath, "--bogus"],
      ["nonsense"],
    ]) {
      const r = des(...args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    }
    const missing = des("verify", join(dir, "nope.json"));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /FILE_NOT_FOUND/);
    const tampered = structuredClone(bundleJSON);
    tampered.stateUpdates[0]!.publics.fingerprint = "7";
    const tf = join(dir, "tampered.json");
    writeFileSync(tf, JSON.stringify(tampered));
    const bad = des("verify", tf, "--vkeys", join(dir, "vkeys"));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /VERIFICATION_FAILED: public-hash: state update 0/);
    const ok = des("verify", bundlePath, "--vkeys", join(dir, "vkeys"));
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^OK: block 1: 4 transactions, 2 columns, 1 state updates/);
    const badProver = spawnSync(
      "./bin/des",
      ["prove", "samples/independent-4.json", "--out", join(dir, "x")],
      {
        encoding: "utf8",
        env: { ...process.env, DES_PROVER: "rapid" },
      },
    );
    assert.equal(badProver.status, 2, badProver.stderr);
    assert.match(badProver.stderr, /DES_PROVER must be native or snarkjs/);
  });

  test("des bench measures the leaf pipeline (no aggregation) for each worker count", () => {
    const out = join(dir, "bench");
    const r = spawnSync(
      "./bin/des",
      ["bench", "--block", "samples/independent-4.json", "--workers", "1,2", "--no-baseline", "--out", out],
      { encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(readFileSync(join(out, "bench.json"), "utf8")) as {
      aggregate: boolean;
      runs: { workers: number; proofs: number; proveMs: number; aggregateSeconds?: number }[];
    };
    assert.equal(j.aggregate, false);
    assert.deepEqual(
      j.runs.map((x) => [x.workers, x.proofs]),
      [
        [1, 3],
        [2, 3],
      ],
    );
    assert.ok(j.runs.every((x) => x.proveMs > 0 && x.aggregateSeconds === undefined));
    assert.match(r.stdout, /workers\s+prove s/);
  });
});
