/**
 * The aggregation tree's orchestration (src/aggregate/prove.ts) end to end at the tiny profile, with
 * real leaf proofs and a stand-in child verifier (circuits/test/link.circom StandInVerifier: one
 * public input x like the real verifier, which is too large for the test suite and has its own
 * tests in groth16-verifier.test.ts; `make prove` runs the real tree). Checks: the block proof
 * verifies (ours and the snarkjs CLI) and names the block's R0, R1 and transaction list; tampered
 * headers, proofs and keys fail with the matching check; a rerun reuses every node proof, a lost
 * node proof is made again alone; the scheduler keeps the declared memory within its budget; the
 * CLI verifies the block proof and exits 1 on a tampered one.
 *
 * The stand-in root is exactly the attacker's tool of issue #15: a proving key whose child verifiers
 * check nothing. So these tests also show what des verify trusts: not that key by default (its keys
 * live in the test's own key directory and were never recorded as this machine's roots), only when
 * the verifier names it (--vkey, --trusted); a relabelled proof fails; --block checks the header
 * against the block file (one transaction removed, added, replaced or reordered fails); a second
 * block chains to the first (--parent, --chain), and a wrong link fails.
 */
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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
import type { VerifierBackend } from "../src/aggregate/build.ts";
import { type NodeMode, nodeMode } from "../src/aggregate/prove.ts";
import { standInBackend } from "../src/aggregate/standin.ts";
import { headerHash } from "../src/aggregate/statement.ts";
import { generateBlock, nextBlock } from "../src/block/sample.ts";
import { type Block, blockToJSON } from "../src/block/schema.ts";
import { ARTIFACTS } from "../src/build/circom.ts";
import { nativeToolchain } from "../src/build/native.ts";
import { resolveNativeProver } from "../src/build/prover.ts";
import { verifyCommitted } from "../src/commit/verify.ts";
import { FIELD_P } from "../src/crypto/field.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { Budget } from "../src/pool/budget.ts";
import { getProfile } from "../src/profiles.ts";
import { loadBundle } from "../src/prove/bundle.ts";
import { type ProveReport, proveBlock } from "../src/prove/pipeline.ts";
import { loadLocalRegistry, singleKey, type TrustedRoot } from "../src/prove/trust.ts";
import { bn128, releaseSnarkjs } from "../src/setup/index.ts";

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
let key: TrustedRoot;
let rootKeyFile: string;
// the default node mode: committed nodes where the native prover is built
const committed = nodeMode(undefined, (await resolveNativeProver()) !== undefined) === "committed";

const standIn: VerifierBackend = standInBackend(WITNESS_MIB);

// at most two witnesses at a time (declared 100 MiB each), or the two stages of one committed
// node's witness (both generators paused while the commitment, declared like a proof, runs:
// 350 MiB); a proof needs both cores
const budget = () => new Budget({ memoryMiB: 350, cores: 2 });
// the stand-in's node keys go to the test's own key directory, never the default key store
const keysDir = join(dir, "keys");
const prove = (backend = standIn, b: Block = block, outDir = dir, nodes?: NodeMode) =>
  proveBlock(b, {
    profile,
    workers: 2,
    outDir,
    log: quiet,
    aggregate: {
      ...(nodes ? { nodes } : {}),
      backend,
      budget: budget(),
      provePeakMiB: 150,
      buildPeakMiB: 100,
      setup: { keysDir },
    },
  });

/** The same stand-in without its native generator: witnesses by WebAssembly in worker threads. */
const wasmOnly: VerifierBackend = {
  ...standIn,
  async compile(vkey, form) {
    return { ...(await standIn.compile(vkey, form)), native: undefined };
  },
};

before(async () => {
  await loadCrypto();
  block = generateBlock({ profile: "independent", txs: 6, seed: "agg", depth: profile.depth });
  first = await prove();
  rootKeyFile = join(dir, "vkeys", `${loadBlockProof(first.aggregation!.blockProof).circuit}.json`);
  vkey = JSON.parse(readFileSync(rootKeyFile, "utf8"));
  key = singleKey(rootKeyFile).keys[0]!;
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
      ...(committed ? [["block-proof", false]] : []),
      ["block-root", false],
      ["column-L1-0", false],
      ["column-L1-1", false],
      ["column-L2-0", false],
      ["state-L1-0", false],
    ]);
    // committed nodes: the wrap over the committed root is one more circuit
    assert.equal(a.circuits.length, committed ? 5 : 4);
    assert.ok(a.maxDeclaredMiB <= 350, `declared ${a.maxDeclaredMiB} MiB at once`);
  });

  test("the block proof verifies and states the block's R0, R1 and transaction digest", async () => {
    const bp = loadBlockProof(first.aggregation!.blockProof);
    const s = await verifyBlockProof(bp, key);
    const leaves = loadBundle(first.bundle);
    assert.equal(s.header.r0, leaves.r0);
    assert.equal(s.header.r1, leaves.r1);
    assert.equal(s.header.number, BigInt(block.number));
    assert.equal(s.header.chainId, BigInt(block.chainId));
    assert.equal(s.header.txCount, BigInt(block.txs.length));
    assert.equal(s.header.txCommitment, leaves.txCommitment);
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
        key,
      ),
      failsWith("public-hash"),
    );
    await assert.rejects(
      verifyBlockProof(
        tamper((j) => {
          j.proof.pi_a[0] = String(BigInt(j.proof.pi_a[0]!) + 1n);
        }),
        key,
      ),
      failsWith("proof"),
    );
    const leafKey = join(dir, "vkeys", `${loadBundle(first.bundle).columns[0]!.circuit}.json`);
    await assert.rejects(
      verifyBlockProof(
        tamper(() => {}),
        singleKey(leafKey).keys[0]!,
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

  test("committed nodes: each node proof is Groth16 with one commitment that verifies under its key for its statement; the block proof is the wrap's plain proof", {
    skip: committed ? false : "the native prover is not built here: nodes are plain",
  }, async () => {
    const curve = await bn128();
    const names = ["column-L1-0", "column-L1-1", "column-L2-0", "state-L1-0", "block-root"];
    // with native generators, each committed node's witness is computed once, paused at the seed
    // (the stand-in lookup verifier reads its seed only as a copy, like the real lookup form)
    const mode = nativeToolchain().ok ? "two stages" : "two passes";
    for (const name of names)
      assert.equal(first.aggregation!.nodes.find((n) => n.name === name)?.witnessMode, mode, name);
    for (const name of names) {
      const node = first.aggregation!.nodes.find((n) => n.name === name)!;
      const stored = JSON.parse(readFileSync(join(dir, "aggregate", `${name}.json`), "utf8"));
      assert.equal(stored.proof.protocol, "groth16-commit-1", name);
      const keyDir = readdirSync(keysDir).find((d) => d.startsWith(`${node.circuit}-`))!;
      const vk = JSON.parse(readFileSync(join(keysDir, keyDir, "verification_key.json"), "utf8"));
      assert.ok(vk.sigma_2, `${name}: its key carries [σ]₂`);
      assert.equal(
        await verifyCommitted(curve, vk, BigInt(stored.publicSignal), stored.proof),
        undefined,
        name,
      );
      // the statement is the node's: another statement fails the pairing check
      assert.equal(
        await verifyCommitted(curve, vk, BigInt(stored.publicSignal) + 1n, stored.proof),
        "groth16",
      );
    }
    const root = JSON.parse(readFileSync(join(dir, "aggregate", "block-root.json"), "utf8"));
    const bp = loadBlockProof(first.aggregation!.blockProof);
    assert.equal(BigInt(root.publicSignal), bp.publicSignal);
    assert.equal(bp.circuit, first.aggregation!.nodes.find((n) => n.name === "block-proof")!.circuit);
    assert.equal((bp.proof as { protocol: string }).protocol, "groth16");
  });

  test("plain nodes (--nodes plain): the same block's proof from plain Groth16 nodes and a plain root", async () => {
    const out = join(dir, "plain");
    const r = await prove(standIn, block, out, "plain");
    const a = r.aggregation!;
    assert.deepEqual(a.nodes.map((n) => n.name).sort(), [
      "block-root",
      "column-L1-0",
      "column-L1-1",
      "column-L2-0",
      "state-L1-0",
    ]);
    assert.ok(a.circuits.every((c) => !c.name.includes("committed")));
    const stored = JSON.parse(readFileSync(join(out, "aggregate", "column-L1-0.json"), "utf8"));
    assert.equal(stored.proof.protocol, "groth16");
    const bp = loadBlockProof(a.blockProof);
    const own = singleKey(join(out, "vkeys", `${bp.circuit}.json`)).keys[0]!;
    await verifyBlockProof(bp, own);
    assert.equal(bp.publicSignal, loadBlockProof(first.aggregation!.blockProof).publicSignal);
  });

  test("scheduling of a first build: the next level's verifier compile starts from a key told before its setup ends, and a node's witnesses (two passes) start before its circuit's setup ends", async () => {
    const events: string[] = [];
    // WebAssembly witnesses: a committed node's first pass may start before its setup ends (two
    // stages wait for the key: their claim is held until the resumption)
    const recording: VerifierBackend = {
      ...wasmOnly,
      async compile(vk, form) {
        events.push(`compile ${vk.IC[0]![0]}`);
        const v = await wasmOnly.compile(vk, form);
        return {
          ...v,
          input: (proof: unknown, x: string) => {
            events.push(`witness ${x}`);
            return v.input(proof, x);
          },
        };
      },
    };
    const out = join(dir, "first-build");
    const keys = join(dir, "keys-first-build"); // nothing cached: every node circuit is set up here
    await proveBlock(block, {
      profile,
      workers: 2,
      outDir: out,
      log: (l) => events.push(`log ${l}`),
      aggregate: {
        backend: recording,
        // room for every task at once, so that the order below is what each task waits for
        budget: new Budget({ memoryMiB: 1_000, cores: 8 }),
        provePeakMiB: 150,
        buildPeakMiB: 100,
        setup: { keysDir: keys },
      },
    });
    const at = (p: (e: string) => boolean, what: string) => {
      const i = events.findIndex(p);
      assert.ok(i >= 0, `no event: ${what}`);
      return i;
    };
    const l1Built = at(
      (e) => /^log circuit agg-(committed-)?column-node-leaf-\S+: .*keys built/.test(e),
      "column L1 built",
    );
    const l1Dir = readdirSync(keys).find((d) => /^agg-(committed-)?column-node-leaf-/.test(d))!;
    const l1Key = JSON.parse(readFileSync(join(keys, l1Dir, "verification_key.json"), "utf8"));
    const compiled = at((e) => e === `compile ${l1Key.IC[0][0]}`, "compile of the column L1 key's verifier");
    assert.ok(compiled < l1Built, `compile at event ${compiled}, column L1's setup ended at ${l1Built}`);
    const leaves = new Set(
      loadBundle(join(out, "leaves.json")).columns.map((c) => `witness ${c.publicSignal}`),
    );
    const witnessed = at((e) => leaves.has(e), "a column leaf's verifier witness");
    assert.ok(witnessed < l1Built, `witness at event ${witnessed}, column L1's setup ended at ${l1Built}`);
    assert.ok(existsSync(join(out, "block.proof.json")));
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
          setup: { keysDir },
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
    const ok = des("verify", join(dir, "block.proof.json"), "--vkey", rootKeyFile);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /^OK: block 1 of chain 1 \(parent \d+\): R0 \d+ → R1 \d+, 6 transactions committed as \d+/,
    );
    // with the leaf bundle it was made from: checked, and the header must be that bundle's
    const withLeaves = des(
      "verify",
      join(dir, "block.proof.json"),
      "--vkey",
      rootKeyFile,
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
      "--vkey",
      rootKeyFile,
      "--vkeys",
      join(dir, "vkeys"),
      "--leaves",
      join(dir, "other-leaves.json"),
    );
    assert.equal(mismatch.status, 1);
    assert.match(mismatch.stderr, /VERIFICATION_FAILED: leaves: the block proof's header number/);
    const j = JSON.parse(readFileSync(join(dir, "block.proof.json"), "utf8")) as BlockProofJSON;
    j.header.txCommitment = "5";
    writeFileSync(join(dir, "bad.json"), JSON.stringify(j));
    const bad = des("verify", join(dir, "bad.json"), "--vkey", rootKeyFile);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /VERIFICATION_FAILED: public-hash/);
  });

  test("trust: a stand-in root key is not trusted by default, nor recorded; only a key the verifier names", () => {
    assert.ok(!loadLocalRegistry().keys.some((k) => k.sha256 === key.sha256));
    const root = loadBlockProof(first.aggregation!.blockProof).circuit;
    const storeOf = (d: string) =>
      existsSync(d) ? readdirSync(d).filter((k) => k.startsWith(`${root}-`)) : [];
    assert.equal(storeOf(keysDir).length, 1);
    assert.deepEqual(storeOf(join(ARTIFACTS, "keys")), []);
    const byDefault = des("verify", join(dir, "block.proof.json"));
    assert.equal(byDefault.status, 1);
    assert.match(byDefault.stderr, /VERIFICATION_FAILED: untrusted-key/);
    // --vkeys (leaf keys) cannot stand in for a trusted root
    const viaDir = des("verify", join(dir, "block.proof.json"), "--vkeys", join(dir, "vkeys"));
    assert.equal(viaDir.status, 2);
    assert.match(viaDir.stderr, /USAGE/);
  });

  test("trust: a manifest's keys are the only ones; a relabelled proof or one for another key fails", () => {
    const leafKey = singleKey(join(dir, "vkeys", `${loadBundle(first.bundle).columns[0]!.circuit}.json`))
      .keys[0]!;
    const manifest = {
      format: "des-trusted-keys",
      version: 1,
      keys: [
        {
          circuit: loadBlockProof(first.aggregation!.blockProof).circuit,
          sha256: key.sha256,
          development: true,
          vkey,
        },
        { circuit: "other-root", sha256: leafKey.sha256, development: true, vkey: leafKey.vkey },
      ],
    };
    const mf = join(dir, "trusted.json");
    writeFileSync(mf, JSON.stringify(manifest));
    const ok = des("verify", join(dir, "block.proof.json"), "--trusted", mf);
    assert.equal(ok.status, 0, ok.stderr);
    const relabel = (f: (j: BlockProofJSON) => void) => {
      const j = JSON.parse(readFileSync(join(dir, "block.proof.json"), "utf8")) as BlockProofJSON;
      f(j);
      writeFileSync(join(dir, "relabelled.json"), JSON.stringify(j));
      return des("verify", join(dir, "relabelled.json"), "--trusted", mf);
    };
    const renamed = relabel((j) => {
      j.circuit = "other-root";
    });
    assert.equal(renamed.status, 1);
    assert.match(renamed.stderr, /VERIFICATION_FAILED: circuit/);
    const rekeyed = relabel((j) => {
      j.circuit = "other-root";
      j.vkeyHash = leafKey.sha256;
    });
    assert.equal(rekeyed.status, 1);
    assert.match(rekeyed.stderr, /VERIFICATION_FAILED: proof/);
    const unknown = relabel((j) => {
      j.vkeyHash = "ab".repeat(32);
    });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /VERIFICATION_FAILED: untrusted-key/);
    // a manifest whose sha256 is not its key's is refused as a whole
    manifest.keys[1]!.sha256 = key.sha256;
    writeFileSync(mf, JSON.stringify(manifest));
    const forged = des("verify", join(dir, "block.proof.json"), "--trusted", mf);
    assert.equal(forged.status, 1);
    assert.match(forged.stderr, /INVALID_MANIFEST/);
  });

  test("des keys: the registry is what des verify trusts by default; export writes it as a manifest", () => {
    // a machine whose registry holds this root (as des prove records a production root)
    const art = join(dir, "art");
    mkdirSync(art, { recursive: true });
    const entry = {
      circuit: loadBlockProof(first.aggregation!.blockProof).circuit,
      sha256: key.sha256,
      development: true,
      vkey,
    };
    writeFileSync(
      join(art, "trusted-roots.json"),
      JSON.stringify({ format: "des-trusted-keys", version: 1, keys: [entry] }),
    );
    const env = { ...process.env, DES_ARTIFACTS: art };
    const desIn = (...args: string[]) => spawnSync("./bin/des", args, { encoding: "utf8", env });
    const list = desIn("keys", "list");
    assert.equal(list.status, 0, list.stderr);
    assert.ok(list.stdout.includes(entry.circuit) && list.stdout.includes(key.sha256.slice(0, 16)));
    const ok = desIn("verify", join(dir, "block.proof.json"));
    assert.equal(ok.status, 0, ok.stderr);
    const mf = join(dir, "exported.json");
    const exp = desIn("keys", "export", "--out", mf);
    assert.equal(exp.status, 0, exp.stderr);
    assert.deepEqual(
      JSON.parse(readFileSync(mf, "utf8")).keys.map((k: { sha256: string }) => k.sha256),
      [key.sha256],
    );
    assert.equal(des("verify", join(dir, "block.proof.json"), "--trusted", mf).status, 0);
    // without development keys the manifest is empty, and nothing verifies against it
    desIn("keys", "export", "--out", mf, "--no-development");
    const none = des("verify", join(dir, "block.proof.json"), "--trusted", mf);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /untrusted-key/);
    assert.equal(desIn("keys", "bogus").status, 2);
  });

  test("--block: the header is the block file's; one transaction removed, added, replaced or reordered fails", () => {
    const bf = (name: string, b: Block) => {
      const f = join(dir, `${name}.block.json`);
      writeFileSync(f, JSON.stringify(blockToJSON(b)));
      return f;
    };
    const ok = des(
      "verify",
      join(dir, "block.proof.json"),
      "--vkey",
      rootKeyFile,
      "--block",
      bf("same", block),
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /matches /);
    const [t0, t1] = block.txs as [Block["txs"][number], Block["txs"][number]];
    const variants: [string, Block, string][] = [
      ["removed", { ...block, txs: block.txs.slice(1) }, "block-transactions"],
      ["added", { ...block, txs: [...block.txs, t0] }, "block-transactions"],
      [
        "replaced",
        { ...block, txs: [t0, { ...t1, amount: t1.amount + 1n }, ...block.txs.slice(2)] },
        "block-transactions",
      ],
      ["reordered", { ...block, txs: [t1, t0, ...block.txs.slice(2)] }, "block-transactions"],
      [
        "pre-state",
        { ...block, accounts: block.accounts.map((a, i) => (i ? a : { ...a, balance: a.balance + 1n })) },
        "block-r0",
      ],
      ["number", { ...block, number: block.number + 1 }, "block-number"],
      ["chain", { ...block, chainId: block.chainId + 1 }, "block-chain-id"],
    ];
    for (const [name, b, check] of variants) {
      const r = des("verify", join(dir, "block.proof.json"), "--vkey", rootKeyFile, "--block", bf(name, b));
      assert.equal(r.status, 1, name);
      assert.match(r.stderr, new RegExp(`VERIFICATION_FAILED: ${check}`), name);
    }
  });

  test("a non-canonical header value (v + r) is refused by name", () => {
    const j = JSON.parse(readFileSync(join(dir, "block.proof.json"), "utf8")) as BlockProofJSON;
    j.header.r0 = String(BigInt(j.header.r0) + FIELD_P);
    assert.throws(
      () => parseBlockProof(j),
      (e) => isDesError(e, "INVALID_BUNDLE") && /header\.r0: not a canonical field element/.test(e.message),
    );
  });

  test("chained blocks: block 2 extends block 1 (--parent, --chain); a wrong link fails", async () => {
    const bp1 = loadBlockProof(join(dir, "block.proof.json"));
    const block2 = nextBlock(block, headerHash(bp1.header), { txs: 6, seed: "agg" });
    const out2 = join(dir, "chain", "2");
    const second = await prove(standIn, block2, out2);
    const bp2 = loadBlockProof(second.aggregation!.blockProof);
    assert.equal(bp2.header.parent, bp1.publicSignal);
    assert.equal(bp2.header.number, 2n);
    assert.equal(bp2.header.r0, bp1.header.r1);
    // the manifest lists block 2's root as its own run reports it (here the same shape as block 1's)
    const rootName2 = loadBlockProof(second.aggregation!.blockProof).circuit;
    const key2 = singleKey(join(out2, "vkeys", `${rootName2}.json`)).keys[0]!;
    const mf = join(dir, "chain-trusted.json");
    writeFileSync(
      mf,
      JSON.stringify({
        format: "des-trusted-keys",
        version: 1,
        keys: [
          {
            circuit: loadBlockProof(first.aggregation!.blockProof).circuit,
            sha256: key.sha256,
            development: true,
            vkey,
          },
          { circuit: rootName2, sha256: key2.sha256, development: true, vkey: key2.vkey },
        ],
      }),
    );
    const ok = des(
      "verify",
      join(out2, "block.proof.json"),
      "--trusted",
      mf,
      "--parent",
      join(dir, "block.proof.json"),
    );
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /extends block 1/);
    // block 1 is not its own parent; block 2 is not block 1's
    const self = des(
      "verify",
      join(dir, "block.proof.json"),
      "--vkey",
      rootKeyFile,
      "--parent",
      join(dir, "block.proof.json"),
    );
    assert.equal(self.status, 1);
    assert.match(self.stderr, /VERIFICATION_FAILED: parent/);
    // the directory as a chain: both proofs, ordered by number, each extending the one before
    const chainDir = join(dir, "chain");
    writeFileSync(join(chainDir, "1.proof.json"), readFileSync(join(dir, "block.proof.json")));
    const chain = des("verify", "--chain", chainDir, "--trusted", mf);
    assert.equal(chain.status, 0, chain.stderr);
    assert.match(chain.stdout, /^OK: chain of 2 block proofs, blocks 1…2/);
    // des prove --parent refuses a block that does not extend the parent, before any proof
    const proveOnBlock1 = (b: Block) => {
      const f = join(dir, "block2.json");
      writeFileSync(f, JSON.stringify(blockToJSON(b)));
      return des(
        "prove",
        f,
        "--parent",
        join(dir, "block.proof.json"),
        "--vkey",
        rootKeyFile,
        "--out",
        join(dir, "x"),
      );
    };
    const wrong = proveOnBlock1({ ...block2, number: 3 });
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /CHAIN_MISMATCH: .*block 3 does not follow block 1/);
    const orphan = proveOnBlock1({ ...block2, parent: 5n });
    assert.equal(orphan.status, 1);
    assert.match(orphan.stderr, /CHAIN_MISMATCH: .*parent 5 is not the parent header's hash/);
  });
});

const des = (...args: string[]) => spawnSync("./bin/des", args, { encoding: "utf8" });
