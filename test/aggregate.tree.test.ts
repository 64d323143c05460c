/**
 * The aggregation tree's orchestration (src/aggregate/prove.ts) end to end at the tiny profile, with
 * real leaf proofs and a stand-in child verifier (circuits/test/link.circom StandInVerifier: one
 * public input x like the real verifier, which is too large for the test suite and has its own
 * tests in groth16-verifier.test.ts; `make prove` runs the real tree). Checks: the block proof
 * verifies (ours and the snarkjs CLI) and names the block's R0, R1 and transaction digest; tampered
 * headers, proofs and keys fail with the matching check; a rerun reuses every node proof, a lost
 * node proof is made again alone; the scheduler keeps the declared memory within its budget; the
 * CLI verifies the block proof and exits 1 on a tampered one.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  type BlockProofJSON,
  loadBlockProof,
  parseBlockProof,
  verifyBlockProof,
} from "../src/aggregate/blockproof.ts";
import { nativeGenerator, useNativeWitness, type VerifierBackend } from "../src/aggregate/build.ts";
import { headerHash } from "../src/aggregate/statement.ts";
import { generateBlock } from "../src/block/sample.ts";
import type { Block } from "../src/block/schema.ts";
import { compileCircuit } from "../src/build/circom.ts";
import { FIELD_P } from "../src/crypto/field.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { Budget } from "../src/pool/budget.ts";
import { getProfile } from "../src/profiles.ts";
import { loadBundle } from "../src/prove/bundle.ts";
import { type ProveReport, proveBlock } from "../src/prove/pipeline.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const SNARKJS_CLI = join(dirname(require.resolve("snarkjs")), "cli.cjs");

const profile = getProfile("tiny");
const dir = mkdtempSync(join(tmpdir(), "des-agg-"));
const quiet = () => {};
const WITNESS_MIB = 100;
let block: Block;
let first: ProveReport;
let vkey: unknown;

const standIn: VerifierBackend = {
  id: "stand-in-test",
  witnessPeakMiB: { wasm: WITNESS_MIB, native: WITNESS_MIB },
  async compile() {
    // with its native witness generator, like the real verifier where the toolchain is there
    const c = await compileCircuit(
      {
        name: "agg-test-stand-in",
        file: "circuits/test/link.circom",
        template: "StandInVerifier",
        params: [],
        publicInputs: ["x"],
      },
      { cpp: useNativeWitness() },
    );
    return {
      name: c.name,
      hash: c.hash,
      r1cs: c.r1cs,
      wasm: c.wasm,
      native: await nativeGenerator(c),
      input: (proof, x) => {
        const a = BigInt((proof as { pi_a: string[] }).pi_a[0]!) % FIELD_P;
        return { x, a: String(a), h: String(poseidon([BigInt(x), (a * a) % FIELD_P])) };
      },
    };
  },
};

// one witness at a time (declared 100 MiB each), a proof needs both cores
const budget = () => new Budget({ memoryMiB: 150, cores: 2 });
const prove = (backend = standIn) =>
  proveBlock(block, {
    profile,
    workers: 2,
    outDir: dir,
    log: quiet,
    aggregate: { backend, budget: budget(), provePeakMiB: 150, buildPeakMiB: 100 },
  });

/** The same stand-in without its native generator: witnesses by WebAssembly in worker threads. */
const wasmOnly: VerifierBackend = {
  ...standIn,
  async compile(vkey) {
    return { ...(await standIn.compile(vkey)), native: undefined };
  },
};

before(async () => {
  await loadCrypto();
  block = generateBlock({ profile: "independent", txs: 6, seed: "agg", depth: profile.depth });
  first = await prove();
  vkey = JSON.parse(
    readFileSync(join(dir, "vkeys", `${first.aggregation!.circuits.at(-1)!.name}.json`), "utf8"),
  );
});

after(async () => {
  await releaseSnarkjs();
  rmSync(dir, { recursive: true, force: true });
});

const tamper = (f: (j: BlockProofJSON) => void) => {
  const j = JSON.parse(readFileSync(join(dir, "block.proof.json"), "utf8")) as BlockProofJSON;
  f(j);
  return parseBlockProof(j);
};
const failsWith = (check: string) => (e: unknown) =>
  isDesError(e, "VERIFICATION_FAILED") && e.details.check === check;

describe("aggregation tree (stand-in child verifiers)", () => {
  test("the tree: 3 columns padded to 4 and 2 state chunks → 2 + 1 column nodes, 1 state node, the root", () => {
    const a = first.aggregation!;
    const leaves = loadBundle(first.bundle);
    assert.equal(leaves.columns.length, 4);
    assert.deepEqual(leaves.columns.at(-1)!.txs, []);
    assert.equal(leaves.stateUpdates.length, 2);
    assert.deepEqual(a.nodes.map((n) => [n.name, n.reused]).sort(), [
      ["block-root", false],
      ["column-L1-0", false],
      ["column-L1-1", false],
      ["column-L2-0", false],
      ["state-L1-0", false],
    ]);
    assert.equal(a.circuits.length, 4);
    assert.ok(a.maxDeclaredMiB <= 150, `declared ${a.maxDeclaredMiB} MiB at once`);
  });

  test("the block proof verifies and states the block's R0, R1 and transaction digest", async () => {
    const bp = loadBlockProof(first.aggregation!.blockProof);
    const s = await verifyBlockProof(bp, vkey);
    const leaves = loadBundle(first.bundle);
    assert.equal(s.header.r0, leaves.r0);
    assert.equal(s.header.r1, leaves.r1);
    assert.equal(s.header.number, BigInt(block.number));
    assert.equal(bp.publicSignal, headerHash(bp.header));
    assert.equal(bp.development, true);
  });

  test("plain snarkjs groth16 verify accepts it with the exported key", async () => {
    const bp = JSON.parse(readFileSync(first.aggregation!.blockProof, "utf8")) as BlockProofJSON;
    writeFileSync(join(dir, "public.json"), JSON.stringify([bp.publicSignal]));
    writeFileSync(join(dir, "proof.json"), JSON.stringify(bp.proof));
    writeFileSync(join(dir, "vkey.json"), JSON.stringify(vkey));
    const { stdout } = await run(process.execPath, [
      SNARKJS_CLI,
      "groth16",
      "verify",
      join(dir, "vkey.json"),
      join(dir, "public.json"),
      join(dir, "proof.json"),
    ]);
    assert.match(stdout, /OK/);
  });

  test("a tampered header, proof or key fails with the matching check", async () => {
    await assert.rejects(
      verifyBlockProof(
        tamper((j) => {
          j.header.r1 = String(BigInt(j.header.r1) + 1n);
        }),
        vkey,
      ),
      failsWith("public-hash"),
    );
    await assert.rejects(
      verifyBlockProof(
        tamper((j) => {
          j.proof.pi_a[0] = String(BigInt(j.proof.pi_a[0]!) + 1n);
        }),
        vkey,
      ),
      failsWith("proof"),
    );
    const leafKey = join(dir, "vkeys", `${loadBundle(first.bundle).columns[0]!.circuit}.json`);
    const other = JSON.parse(readFileSync(leafKey, "utf8"));
    await assert.rejects(
      verifyBlockProof(
        tamper(() => {}),
        other,
      ),
      failsWith("verification-key"),
    );
  });

  test("a rerun reuses every node proof; a lost node proof is made again alone (here with WebAssembly witnesses)", async () => {
    const again = await prove();
    assert.ok(again.aggregation!.nodes.every((n) => n.reused));
    rmSync(join(dir, "aggregate", "block-root.json"));
    const third = await prove(wasmOnly);
    assert.deepEqual(
      third.aggregation!.nodes.filter((n) => !n.reused).map((n) => n.name),
      ["block-root"],
    );
    assert.equal(
      loadBlockProof(third.aggregation!.blockProof).publicSignal,
      loadBlockProof(first.aggregation!.blockProof).publicSignal,
    );
  });

  test("circuits only: every circuit of the shape is ready (here cached), and no node is proved", async () => {
    const out = mkdtempSync(join(tmpdir(), "des-agg-circuits-"));
    // the build steps' claims: each verifier compile on one core, each link + setup on both
    const b = budget();
    const claims: string[] = [];
    const run = b.run.bind(b);
    b.run = (claim, fn) => {
      claims.push(`${claim.name.split(" ")[0]}:${claim.cores ?? 1}`);
      return run(claim, fn);
    };
    try {
      const r = await proveBlock(block, {
        profile,
        workers: 2,
        outDir: out,
        log: quiet,
        aggregate: {
          backend: standIn,
          budget: b,
          provePeakMiB: 150,
          buildPeakMiB: 100,
          circuitsOnly: true,
        },
      });
      const circuits = first.aggregation!.circuits.length;
      assert.equal(claims.filter((c) => c === "setup:2").length, circuits);
      // one compile per circuit: every node's children share one key, the root's two differ
      assert.equal(claims.filter((c) => c === "compile:1").length, circuits + 1);
      assert.equal(claims.length, 2 * circuits + 1);
      assert.equal(r.aggregation, null);
      assert.deepEqual(
        r.aggregationCircuits!.circuits.map((c) => [c.name, c.cached]).sort(),
        first.aggregation!.circuits.map((c) => [c.name, true]).sort(),
      );
      assert.ok(!existsSync(join(out, "block.proof.json")));
      assert.ok(!existsSync(join(out, "aggregate")));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("CLI: des verify accepts the block proof and exits 1 on a tampered one", () => {
    const des = (...args: string[]) => spawnSync("./bin/des", args, { encoding: "utf8" });
    const ok = des("verify", join(dir, "block.proof.json"), "--vkeys", join(dir, "vkeys"));
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^OK: block 1 \(parent/);
    // with the leaf bundle it was made from: checked, and the header must be that bundle's
    const withLeaves = des(
      "verify",
      join(dir, "block.proof.json"),
      "--vkeys",
      join(dir, "vkeys"),
      "--leaves",
      first.bundle,
    );
    assert.equal(withLeaves.status, 0, withLeaves.stderr);
    const other = JSON.parse(readFileSync(first.bundle, "utf8"));
    other.block.number = 2;
    writeFileSync(join(dir, "other-leaves.json"), JSON.stringify(other));
    const mismatch = des(
      "verify",
      join(dir, "block.proof.json"),
      "--vkeys",
      join(dir, "vkeys"),
      "--leaves",
      join(dir, "other-leaves.json"),
    );
    assert.equal(mismatch.status, 1);
    assert.match(mismatch.stderr, /VERIFICATION_FAILED: leaves: the block proof's header number/);
    const j = JSON.parse(readFileSync(join(dir, "block.proof.json"), "utf8")) as BlockProofJSON;
    j.header.txDigest = "5";
    writeFileSync(join(dir, "bad.json"), JSON.stringify(j));
    const bad = des("verify", join(dir, "bad.json"), "--vkeys", join(dir, "vkeys"));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /VERIFICATION_FAILED: public-hash/);
  });
});
