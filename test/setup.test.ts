import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import * as snarkjs from "snarkjs";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import { isDesError } from "../src/errors.ts";
import {
  DEV_NOTICE,
  releaseSnarkjs,
  type SetupResult,
  setupCircuit,
  validateZkey,
} from "../src/setup/index.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const SNARKJS_CLI = join(dirname(require.resolve("snarkjs")), "cli.cjs"); // build/main.cjs → build/cli.cjs
const snarkjsCli = (...args: string[]) =>
  run(process.execPath, [SNARKJS_CLI, ...args], { maxBuffer: 1 << 24 });

const work = mkdtempSync(join(tmpdir(), "des-setup-test-"));
const keysDir = join(work, "keys");
const quiet = { keysDir, log: () => {} };

let muls: CompiledCircuit;
let hashes: CompiledCircuit;
let ptau: string;
const mulsInput = { x: 3, k: 7 };

async function witness(c: CompiledCircuit, input: Record<string, unknown>, tag: string): Promise<string> {
  const f = join(work, `${c.name}-${tag}.wtns`);
  await snarkjs.wtns.calculate(input, c.wasm, f);
  return f;
}

async function proveAndVerify(key: SetupResult, wtns: string) {
  const vk = JSON.parse(readFileSync(key.vkey, "utf8")) as snarkjs.VerificationKey;
  const { proof, publicSignals } = await snarkjs.groth16.prove(key.zkey, wtns);
  return { vk, proof, publicSignals, ok: await snarkjs.groth16.verify(vk, publicSignals, proof) };
}

before(async () => {
  muls = await compileCircuit({
    name: "setup-test-muls",
    file: "circuits/test/muls.circom",
    template: "Muls",
    params: [200],
    publicInputs: ["x"],
  });
  hashes = await compileCircuit({
    name: "setup-test-hashes",
    file: "circuits/test/hashes.circom",
    template: "Hashes",
    params: [3],
    publicInputs: ["salt"],
  });
  // a tiny powers-of-tau (2^8), generated and prepared here with snarkjs
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const p0 = join(work, "pot0.ptau");
  const p1 = join(work, "pot1.ptau");
  ptau = join(work, "pot8_final.ptau");
  await snarkjs.powersOfTau.newAccumulator(curve, 8, p0);
  await snarkjs.powersOfTau.contribute(p0, p1, "test", "some entropy for the test ceremony");
  await snarkjs.powersOfTau.preparePhase2(p1, ptau);
});

after(async () => {
  await releaseSnarkjs();
  rmSync(work, { recursive: true, force: true });
});

describe("development setup", () => {
  let key: SetupResult;
  before(async () => {
    key = await setupCircuit(muls, quiet);
  });

  test("a proof made with a development key verifies with plain snarkjs", async () => {
    assert.equal(key.dev, true);
    assert.equal(key.cached, false);
    const r = await proveAndVerify(key, await witness(muls, mulsInput, "a"));
    assert.equal(r.ok, true);
    assert.equal(r.publicSignals.length, 2);
    assert.equal(r.publicSignals[1], "3");
  });

  test("a tampered proof or public signal fails", async () => {
    const { vk, proof, publicSignals } = await proveAndVerify(key, await witness(muls, mulsInput, "b"));
    const badSignal = [...publicSignals];
    badSignal[1] = "4";
    assert.equal(await snarkjs.groth16.verify(vk, badSignal, proof), false);
    const badOut = [...publicSignals];
    badOut[0] = String(BigInt(badOut[0]!) + 1n);
    assert.equal(await snarkjs.groth16.verify(vk, badOut, proof), false);
    const badProof = structuredClone(proof);
    badProof.pi_c = proof.pi_a; // a valid curve point, in the wrong place
    assert.equal(await snarkjs.groth16.verify(vk, publicSignals, badProof), false);
    const swapped = structuredClone(proof);
    swapped.pi_a = proof.pi_c;
    assert.equal(await snarkjs.groth16.verify(vk, publicSignals, swapped), false);
  });

  test("the key sections' points: native fixed-base and the WebAssembly fallback (DES_PROVER=snarkjs) both make working keys of one layout", async () => {
    const made: SetupResult[] = [];
    for (const prover of ["native", "snarkjs"]) {
      process.env.DES_PROVER = prover;
      try {
        made.push(await setupCircuit(hashes, { ...quiet, keysDir: join(work, `keys-${prover}`) }));
      } finally {
        delete process.env.DES_PROVER;
      }
    }
    const w = await witness(hashes, { seed: 99, salt: 5 }, "layout");
    for (const k of made) {
      assert.equal((await proveAndVerify(k, w)).ok, true, k.zkey);
      const meta = JSON.parse(readFileSync(k.meta, "utf8"));
      await validateZkey(k.zkey, { sha256: meta.zkeySha256, deep: true });
    }
    assert.equal(statSync(made[0]!.zkey).size, statSync(made[1]!.zkey).size);
  });

  test("keys are marked as development keys", async () => {
    const meta = JSON.parse(readFileSync(join(key.dir, "setup.json"), "utf8"));
    assert.equal(meta.development, true);
    assert.equal(meta.notice, DEV_NOTICE);
    const info = await validateZkey(key.zkey, { sha256: meta.zkeySha256, deep: true });
    assert.equal(info.development, true);
    assert.deepEqual(info.contributions, [DEV_NOTICE]);
    const logs: string[] = [];
    await setupCircuit(muls, { ...quiet, log: (l) => logs.push(l) });
    assert.ok(logs.some((l) => l.includes(DEV_NOTICE)));
  });

  test("keys are cached by circuit and parameters; two setups of one circuit differ", async () => {
    const again = await setupCircuit(muls, quiet);
    assert.equal(again.cached, true);
    assert.equal(again.zkey, key.zkey);
    const fresh = await setupCircuit(muls, { ...quiet, keysDir: join(work, "keys2") });
    assert.equal(fresh.cached, false);
    assert.equal(fresh.hash, key.hash);
    const vk1 = JSON.parse(readFileSync(key.vkey, "utf8"));
    const vk2 = JSON.parse(readFileSync(fresh.vkey, "utf8"));
    for (const k of ["vk_alpha_1", "vk_beta_2", "vk_gamma_2", "vk_delta_2", "IC"])
      assert.notDeepEqual(vk1[k], vk2[k], k);
    assert.notEqual(readFileSync(key.zkey).toString("hex"), readFileSync(fresh.zkey).toString("hex"));
    // both prove and verify; a proof of one key does not verify under the other
    const w = await witness(muls, mulsInput, "c");
    const r1 = await proveAndVerify(key, w);
    const r2 = await proveAndVerify(fresh, w);
    assert.ok(r1.ok && r2.ok);
    assert.equal(await snarkjs.groth16.verify(r2.vk, r1.publicSignals, r1.proof), false);
    // another circuit gets its own directory
    const other = await setupCircuit(hashes, quiet);
    assert.notEqual(other.dir, key.dir);
  });

  test("the verification key is told before the proving key is finished, equal to the finished key's; a cached key tells it too", async () => {
    for (const prover of ["native", "snarkjs"]) {
      process.env.DES_PROVER = prover;
      try {
        const dir = join(work, `keys-early-${prover}`);
        const told: { vk: unknown; zkeyBytes: number }[] = [];
        // the proving key being written when the key is told (setupCircuit's temporary directory)
        const zkeySoFar = () => {
          const tmp = readdirSync(dir).find((d) => d.includes(".tmp-"));
          return tmp ? statSync(join(dir, tmp, `${muls.name}.zkey`)).size : -1;
        };
        const k = await setupCircuit(muls, {
          ...quiet,
          keysDir: dir,
          onVkey: (vk) => told.push({ vk, zkeyBytes: zkeySoFar() }),
        });
        assert.equal(k.cached, false);
        assert.equal(told.length, 1, prover);
        const full = statSync(k.zkey).size;
        assert.ok(
          told[0]!.zkeyBytes > 0 && told[0]!.zkeyBytes < full / 2,
          `told with ${told[0]!.zkeyBytes} of the proving key's ${full} bytes written`,
        );
        assert.deepEqual(told[0]!.vk, JSON.parse(readFileSync(k.vkey, "utf8")));
        // the early key verifies a proof of the finished proving key
        const w = await witness(muls, mulsInput, `early-${prover}`);
        const { proof, publicSignals } = await snarkjs.groth16.prove(k.zkey, w);
        assert.equal(await snarkjs.groth16.verify(told[0]!.vk as never, publicSignals, proof), true);
        // nothing but the key directory is left behind (the key-sections file is removed)
        assert.deepEqual(readdirSync(dir), [`${muls.name}-${k.hash}`]);
        const cached: unknown[] = [];
        const again = await setupCircuit(muls, { ...quiet, keysDir: dir, onVkey: (vk) => cached.push(vk) });
        assert.equal(again.cached, true);
        assert.deepEqual(cached, [told[0]!.vk]);
      } finally {
        delete process.env.DES_PROVER;
      }
    }
  });

  test("a circuit with dense linear combinations (Poseidon) proves and verifies", async () => {
    const k = await setupCircuit(hashes, quiet);
    const r = await proveAndVerify(k, await witness(hashes, { seed: 12345, salt: 678 }, "a"));
    assert.equal(r.ok, true);
  });

  test("unmodified snarkjs CLI accepts the key (export, solidity verifier, prove, verify)", async () => {
    const vk = join(work, "cli-vk.json");
    const proof = join(work, "cli-proof.json");
    const pub = join(work, "cli-public.json");
    const sol = join(work, "verifier.sol");
    await snarkjsCli("zkey", "export", "verificationkey", key.zkey, vk);
    assert.deepEqual(JSON.parse(readFileSync(vk, "utf8")), JSON.parse(readFileSync(key.vkey, "utf8")));
    await snarkjsCli("zkey", "export", "solidityverifier", key.zkey, sol);
    assert.match(readFileSync(sol, "utf8"), /contract Groth16Verifier/);
    await snarkjsCli("groth16", "prove", key.zkey, await witness(muls, mulsInput, "cli"), proof, pub);
    const out = await snarkjsCli("groth16", "verify", vk, pub, proof);
    assert.match(out.stdout, /OK/);
  });
});

describe("ceremony mode", () => {
  test("a ceremony key (tiny ptau) and a development key prove and verify the same witness", async () => {
    const cer = await setupCircuit(muls, { ...quiet, mode: "ceremony", ptau });
    assert.equal(cer.dev, false);
    const dev = await setupCircuit(muls, quiet);
    assert.notEqual(cer.dir, dev.dir);
    const meta = JSON.parse(readFileSync(join(cer.dir, "setup.json"), "utf8"));
    assert.equal(meta.development, false);
    assert.equal((await validateZkey(cer.zkey)).development, false);
    const w = await witness(muls, mulsInput, "cer");
    const a = await proveAndVerify(cer, w);
    const b = await proveAndVerify(dev, w);
    assert.ok(a.ok && b.ok);
    assert.deepEqual(a.publicSignals, b.publicSignals);
  });

  test("a ptau that is too small or unprepared is refused", async () => {
    const unprepared = join(work, "pot1.ptau");
    await assert.rejects(setupCircuit(hashes, { ...quiet, mode: "ceremony", ptau: unprepared }), (e) =>
      isDesError(e, "INVALID_PTAU"),
    );
    await assert.rejects(setupCircuit(hashes, { ...quiet, mode: "ceremony", ptau }), (e) =>
      isDesError(e, "INVALID_PTAU"),
    );
  });
});

describe("corrupted keys", () => {
  let good: SetupResult;
  before(async () => {
    good = await setupCircuit(muls, quiet);
  });
  const copy = (tag: string) => {
    const f = join(work, `bad-${tag}.zkey`);
    copyFileSync(good.zkey, f);
    return f;
  };
  const refused = async (f: string, opts = {}) => {
    await assert.rejects(validateZkey(f, opts), (e) => {
      assert.ok(isDesError(e, "INVALID_ZKEY"), String(e));
      assert.match((e as Error).message, /bad-/);
      return true;
    });
  };

  test("a truncated key is refused with INVALID_ZKEY", async () => {
    const size = readFileSync(good.zkey).length;
    for (const len of [0, 7, 100, Math.floor(size / 2), size - 1]) {
      const f = copy(`trunc-${len}`);
      truncateSync(f, len);
      await refused(f);
    }
  });

  test("a corrupted key is refused with INVALID_ZKEY", async () => {
    const buf = readFileSync(good.zkey);
    const at = (tag: string, mutate: (b: Buffer) => void) => {
      const b = Buffer.from(buf);
      mutate(b);
      const f = join(work, `bad-${tag}.zkey`);
      writeFileSync(f, b);
      return f;
    };
    await refused(at("magic", (b) => b.write("zkez", 0)));
    await refused(at("sectionsize", (b) => b.writeUInt32LE(b.readUInt32LE(16) + 1, 16)));
    await refused(at("extra", (b) => b.writeUInt32LE(9999, 12)));
    // a byte inside the header's α point (section 2 starts at 12 + 12 + 4 + 12)
    await refused(at("alpha", (b) => (b[40 + 84 + 5] ^= 0x40)));
    // a byte in the last point of the file's B2 section: caught by the deep check and by the hash
    const late = at("b2", (b) => (b[b.length - 2000] ^= 0x01));
    await refused(late, {
      sha256: JSON.parse(readFileSync(join(good.dir, "setup.json"), "utf8")).zkeySha256,
    });
  });

  test("a circuit renamed with the same r1cs reuses the keys; a corrupted one is rebuilt under the new name", async () => {
    const dir = join(work, "keys4");
    const k1 = await setupCircuit(muls, { ...quiet, keysDir: dir });
    const renamed = { ...muls, name: `${muls.name}-renamed` };
    const k2 = await setupCircuit(renamed, { ...quiet, keysDir: dir });
    assert.equal(k2.cached, true);
    assert.equal(k2.zkey, k1.zkey);
    assert.equal(k2.name, renamed.name);
    const b = readFileSync(k1.zkey);
    b[b.length - 3000] ^= 0xff;
    writeFileSync(k1.zkey, b);
    const k3 = await setupCircuit(renamed, { ...quiet, keysDir: dir });
    assert.equal(k3.cached, false);
    assert.ok(k3.dir.endsWith(`${renamed.name}-${k1.hash}`), k3.dir);
    assert.equal((await proveAndVerify(k3, await witness(muls, mulsInput, "renamed"))).ok, true);
  });

  test("a corrupted cached key is rebuilt, not used", async () => {
    const dir = join(work, "keys3");
    const k1 = await setupCircuit(muls, { ...quiet, keysDir: dir });
    const b = readFileSync(k1.zkey);
    b[b.length - 3000] ^= 0xff;
    writeFileSync(k1.zkey, b);
    const logs: string[] = [];
    const k2 = await setupCircuit(muls, { ...quiet, keysDir: dir, log: (l) => logs.push(l) });
    assert.equal(k2.cached, false);
    assert.ok(logs.some((l) => l.includes("rebuilding")));
    const r = await proveAndVerify(k2, await witness(muls, mulsInput, "rebuilt"));
    assert.equal(r.ok, true);
  });
});
