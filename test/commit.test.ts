/**
 * Groth16 with one commitment (src/commit/, the development setup's `commitment` option) on a
 * circuit whose lookup range checks draw their challenges from H(D) (circuits/test/committed.circom).
 *
 * - An honest proof verifies; snarkjs's plain verifier rejects it (it is not a plain Groth16
 *   proof: the committed wires' terms are in D, not in C).
 * - Each check rejects what it exists for: D moved (check 2, the Groth16 equation with D), P not
 *   σ·D (check 3), another statement (check 2 through x').
 * - The commitment binds: the out-of-range attack of test/logup.test.ts (chunks solved after the
 *   challenge) fails. Keeping D and proving the attack's witness fails check 2; committing to the
 *   attack's values gives another seed, under which the attack's witness violates the circuit.
 * - Bad keys and options are refused with typed errors.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { LIMB_BITS, LIMBS, toLimbs } from "../src/bn254/limbs.ts";
import { CHUNK_BITS, fqChunks, fqLookups, fqTableWidths, multiplicities } from "../src/bn254/logup.ts";
import { modp, P, R } from "../src/bn254/tower.ts";
import { parseCommittedVkey } from "../src/bn254/verifier-build.ts";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import { buildNativeProver, nativeProve, proverToolchain } from "../src/build/prover.ts";
import { checkWitness, loadR1cs, loadSymbols } from "../src/circuits/r1cs.ts";
import { COMPILE_OPTIONS } from "../src/circuits/registry.ts";
import { WasmWitnessCalculator } from "../src/circuits/wasm-witness.ts";
import { type CommitmentKey, committedInputWires, readCommitmentKey } from "../src/commit/key.ts";
import { proveCommitted, proveCommittedWith, writeWtns } from "../src/commit/prove.ts";
import {
  type CommittedVkey,
  commitmentHash,
  committedPublicInput,
  committedVkey,
  verifyCommitted,
} from "../src/commit/verify.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { devSetup } from "../src/setup/devsetup.ts";
import { releaseSnarkjs, setupCircuit, setupHash } from "../src/setup/index.ts";
import { g1PlusGenerator, useBn128 } from "./helpers/bn128.ts";
import { CircuitHarness } from "./helpers/circuit.ts";
import { outOfRangeAttack } from "./helpers/logup.ts";

const WS = fqTableWidths();
const NV = 2;
const VALUES = [P - 1n, (1n << 254n) - 1n];

function rangeInput(values: readonly bigint[]) {
  const x = values.map((v) => toLimbs(v));
  const c = x.map((l) => fqChunks(l));
  const m = multiplicities(
    WS,
    c.flatMap((ch) => fqLookups(ch)),
  );
  return { x, c, m };
}

const asInput = (k: { x: bigint[][]; c: bigint[][][]; m: number[] }) => ({
  x: k.x.map((l) => l.map((v) => String(modp(v, R)))),
  c: k.c.map((l) => l.map((ch) => ch.map((v) => String(modp(v, R))))),
  m: k.m.map(String),
});

/** The statement x of the test circuit: Poseidon over every limb. */
const statement = (x: bigint[][]) => poseidon(x.flat().map((v) => modp(v, R)));

/** The committed prover runs on the native prover's commands (there is no snarkjs form). */
const toolchain = proverToolchain();
const SKIP: string | false = toolchain.ok
  ? false
  : `the native prover cannot be built here: ${toolchain.reason}`;

describe("Groth16 with one commitment", { skip: SKIP }, () => {
  const curve = useBn128();
  let compiled: CompiledCircuit;
  let calc: WasmWitnessCalculator;
  let work: string;
  let zkey: string;
  let ck: CommitmentKey;
  let vk: CommittedVkey;
  let bin: string;
  let wires: number[];
  let removed: string[];

  before(async () => {
    await loadCrypto();
    bin = (await buildNativeProver()).bin;
    compiled = await compileCircuit(
      {
        name: "t-committed-range",
        file: "circuits/test/committed.circom",
        template: "CommittedRange",
        params: [LIMB_BITS, LIMBS, CHUNK_BITS, NV, WS.length, WS],
      },
      COMPILE_OPTIONS,
    );
    calc = await WasmWitnessCalculator.load(compiled.wasm);
    work = mkdtempSync(join(tmpdir(), "des-commit-test-"));
    zkey = join(work, "c.zkey");
    ({ wires, removed } = committedInputWires(compiled.sym, ["x", "c", "m"], []));
    await devSetup(compiled.r1cs, zkey, { native: bin, commitment: { wires, dir: join(work, "ck") } });
    ck = readCommitmentKey(join(work, "ck"));
    const plain = (await snarkjs.zKey.exportVerificationKey(zkey)) as unknown as Omit<
      CommittedVkey,
      "sigma_2"
    >;
    vk = committedVkey(curve(), plain, ck.sigma2);
  });
  after(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    // snarkjs keeps worker threads for its curve (exportVerificationKey, groth16.verify)
    await releaseSnarkjs();
  });

  test("the committed wires are the values, chunks and multiplicities; the seed is not among them", () => {
    // 2 values × (6 limbs + 18 chunks) + 57,344 multiplicities, less each limb's last chunk: --O2
    // folds it into its lookup as (limb − c0 − 2^15·c1)/2^29 (the top limb: 2^13, 2^26), a linear
    // combination of committed values
    assert.deepEqual(
      removed.sort(),
      Array.from({ length: NV * LIMBS }, (_, i) => `c[${Math.floor(i / LIMBS)}][${i % LIMBS}][2]`).sort(),
    );
    assert.equal(ck.wires.length, NV * (6 + 18 - 6) + 57_344);
    assert.deepEqual(ck.wires, wires);
    const seedWire = [...loadSymbols(compiled.sym)].find(([, names]) => names.includes("main.seed"))?.[0];
    assert.ok(seedWire !== undefined && seedWire > 1);
    assert.ok(!ck.wires.includes(seedWire));
    assert.ok(ck.wires.every((w) => w > 1));
  });

  test("an honest proof verifies; snarkjs's plain verifier rejects it", async () => {
    const k = rangeInput(VALUES);
    const r = await proveCommitted({ calc, input: asInput(k), seedSignal: "seed", zkey, ck, bin });
    const x = statement(k.x);
    assert.equal(
      r.publicSignals[0],
      String(poseidon([x, commitmentHash([BigInt(r.proof.D[0]), BigInt(r.proof.D[1])])])),
    );
    assert.equal(await verifyCommitted(curve(), vk, x, r.proof), undefined);
    const plain = await snarkjs.groth16.verify(
      vk as unknown as snarkjs.VerificationKey,
      r.publicSignals,
      r.proof as unknown as snarkjs.Groth16Proof,
    );
    assert.equal(plain, false);
  });

  test("witness files (the aggregation's form): the values' D, P, seed and statement; a committed wire that changes with the seed is a PROVER_FAULT", async () => {
    const k = rangeInput(VALUES);
    const file = (seed: bigint, tamper = false) => {
      const w = [...calc.calculate({ ...asInput(k), seed: String(seed) }).witness];
      const j = ck.wires[5]!;
      if (tamper) w[j] = w[j] === 0n ? 1n : w[j]! - 1n;
      const f = join(work, `file-${seed}${tamper ? "-t" : ""}.wtns`);
      writeWtns(f, w);
      return { wtns: f };
    };
    const r = await proveCommittedWith({ witness: async (seed) => file(seed), zkey, ck, bin });
    const v = await proveCommitted({ calc, input: asInput(k), seedSignal: "seed", zkey, ck, bin });
    assert.deepEqual(
      [r.proof.D, r.proof.P, r.seed, r.publicSignals],
      [v.proof.D, v.proof.P, v.seed, v.publicSignals],
    );
    assert.equal(await verifyCommitted(curve(), vk, statement(k.x), r.proof), undefined);
    await assert.rejects(
      proveCommittedWith({ witness: async (seed) => file(seed, seed !== 0n), zkey, ck, bin }),
      (e: unknown) =>
        isDesError(e, "PROVER_FAULT") &&
        (e as Error).message.includes(`committed wire ${ck.wires[5]} changed`),
    );
  });

  test("D moved, P not σ·D, another statement, malformed points: each rejected by its check", async () => {
    const k = rangeInput(VALUES);
    const r = await proveCommitted({ calc, input: asInput(k), seedSignal: "seed", zkey, ck, bin });
    const x = statement(k.x);
    const plusG = (p: readonly string[]) => g1PlusGenerator(curve(), p);
    assert.equal(
      await verifyCommitted(curve(), vk, x, { ...r.proof, D: plusG(r.proof.D), P: r.proof.P }),
      "groth16",
    );
    assert.equal(await verifyCommitted(curve(), vk, x, { ...r.proof, P: plusG(r.proof.P) }), "knowledge");
    assert.equal(await verifyCommitted(curve(), vk, x + 1n, r.proof), "groth16");
    assert.equal(await verifyCommitted(curve(), vk, x, { ...r.proof, D: ["1", "3", "1"] }), "malformed");
    assert.equal(await verifyCommitted(curve(), vk, x, { ...r.proof, protocol: "groth16" }), "malformed");
  });

  test("the commitment binds the chunks: the attack of test/logup.test.ts fails both ways", async () => {
    const honest = rangeInput(VALUES);
    const honestRun = await proveCommitted({
      calc,
      input: asInput(honest),
      seedSignal: "seed",
      zkey,
      ck,
      bin,
    });
    const D = [BigInt(honestRun.proof.D[0]), BigInt(honestRun.proof.D[1])] as [bigint, bigint];
    const seed = commitmentHash(D);
    // the attack: value 0's limb 0 becomes 2^43 + 5, its chunks solved for this seed's X, Y
    const X = poseidon([seed, 1n]);
    const Y = poseidon([seed, 2n]);
    const attack = outOfRangeAttack(honest, X, Y, WS);
    const wAtt = calc.calculate({ ...asInput(attack), seed: String(seed) }).witness;
    const r1cs = loadR1cs(compiled.r1cs);
    assert.deepEqual(
      checkWitness(r1cs, wAtt, 1),
      [],
      "the attack satisfies the circuit for the seed it was solved for",
    );
    // keep D: the proof of the attack's witness fails the Groth16 equation
    const wtns = join(work, "att.wtns");
    writeWtns(wtns, wAtt);
    const pr = await nativeProve(zkey, wtns, { bin });
    const pi = pr.proof as unknown as { pi_a: string[]; pi_b: string[][]; pi_c: string[] };
    const forged = {
      ...honestRun.proof,
      pi_a: [pi.pi_a[0], pi.pi_a[1], "1"],
      pi_b: [pi.pi_b[0], pi.pi_b[1], ["1", "0"]],
      pi_c: [pi.pi_c[0], pi.pi_c[1], "1"],
    };
    assert.equal(await verifyCommitted(curve(), vk, statement(attack.x), forged), "groth16");
    // commit to the attack's values instead: the seed changes and the solved chunks no longer balance
    await assert.rejects(
      proveCommitted({ calc, input: asInput(attack), seedSignal: "seed", zkey, ck, bin }),
      (e: unknown) => isDesError(e) || /Assert Failed|assert/i.test(String(e)),
    );
  });

  test("the WebAssembly setup path (no native prover) makes a working committed key", async () => {
    const z2 = join(work, "wasm.zkey");
    await devSetup(compiled.r1cs, z2, { commitment: { wires, dir: join(work, "ck-wasm") } });
    const ck2 = readCommitmentKey(join(work, "ck-wasm"));
    const plain = (await snarkjs.zKey.exportVerificationKey(z2)) as unknown as Omit<CommittedVkey, "sigma_2">;
    const vk2 = committedVkey(curve(), plain, ck2.sigma2);
    const k = rangeInput(VALUES);
    const r = await proveCommitted({ calc, input: asInput(k), seedSignal: "seed", zkey: z2, ck: ck2, bin });
    assert.equal(await verifyCommitted(curve(), vk2, statement(k.x), r.proof), undefined);
    assert.equal(
      await verifyCommitted(curve(), vk, statement(k.x), r.proof),
      "groth16",
      "another setup's key",
    );
  });

  test("setupCircuit with a commitment: ck/ beside the zkey, [σ]₂ in the key (told early as at the end), its proofs verify; the wires are in the cache key; no ceremony form", async () => {
    const keysDir = join(work, "keys");
    const told: unknown[] = [];
    const opts = { keysDir, commitment: { wires }, log: () => {}, onVkey: (k: unknown) => told.push(k) };
    const s = await setupCircuit({ name: "t-committed-range", r1cs: compiled.r1cs }, opts);
    assert.ok(s.commitment && !s.cached);
    const json = JSON.parse(readFileSync(s.vkey, "utf8"));
    assert.deepEqual(told, [json]);
    const vkS = parseCommittedVkey(json) as CommittedVkey;
    const ckS = readCommitmentKey(s.commitment);
    assert.deepEqual(ckS.wires, wires);
    const k = rangeInput(VALUES);
    const r = await proveCommitted({
      calc,
      input: asInput(k),
      seedSignal: "seed",
      zkey: s.zkey,
      ck: ckS,
      bin,
    });
    assert.equal(await verifyCommitted(curve(), vkS, statement(k.x), r.proof), undefined);
    assert.equal(
      await verifyCommitted(curve(), vk, statement(k.x), r.proof),
      "groth16",
      "another setup's key",
    );
    const again = await setupCircuit({ name: "t-committed-range", r1cs: compiled.r1cs }, opts);
    assert.ok(again.cached);
    assert.equal(again.dir, s.dir);
    assert.deepEqual(told.at(-1), json);
    const h = (w?: number[]) => setupHash(compiled.r1cs, "dev", undefined, w).hash;
    assert.equal(h(wires), s.hash);
    assert.notEqual(h(wires.slice(1)), s.hash);
    assert.notEqual(h(), s.hash);
    await assert.rejects(
      setupCircuit(
        { name: "t-committed-range", r1cs: compiled.r1cs },
        { ...opts, mode: "ceremony", ptau: compiled.r1cs },
      ),
      (e: unknown) => isDesError(e, "USAGE") && /development setup only/.test((e as Error).message),
    );
  });

  test("bad keys and options are refused", async () => {
    await assert.rejects(
      devSetup(compiled.r1cs, join(work, "bad.zkey"), {
        native: bin,
        commitment: { wires: [1], dir: join(work, "bad") },
      }),
      (e: unknown) => isDesError(e) && e.code === "SETUP_FAILED",
    );
    writeFileSync(join(work, "ck", "sk.bin"), Buffer.alloc(64));
    assert.throws(
      () => readCommitmentKey(join(work, "ck")),
      (e: unknown) => isDesError(e) && e.code === "INVALID_ZKEY",
    );
    assert.throws(
      () => readCommitmentKey(join(work, "nowhere")),
      (e: unknown) => isDesError(e) && e.code === "INVALID_ZKEY",
    );
  });
});

describe("CommittedPublicInput (the verifier's step 1 in-circuit)", () => {
  let c: CircuitHarness;
  before(async () => {
    await loadCrypto();
    c = await CircuitHarness.load(
      await compileCircuit(
        {
          name: "t-committed-public-input",
          file: "circuits/test/commitment.circom",
          template: "TestCommittedPublicInput",
          params: [LIMB_BITS, LIMBS],
        },
        COMPILE_OPTIONS,
      ),
    );
  });
  const input = (x: bigint, D: readonly [bigint, bigint]) => ({
    x: String(x),
    D: D.map((v) => toLimbs(v).map(String)),
  });

  test("x' = Poseidon(x, H(D)) as src/commit/verify.ts computes it", () => {
    for (const D of [
      [5n, 7n],
      [P - 1n, P - 2n],
      [(1n << 215n) - 1n, 1n << 215n],
    ] as [bigint, bigint][]) {
      const x = poseidon([D[0], 3n]);
      assert.equal(c.expectPass(input(x, D)).output, committedPublicInput(x, D));
    }
  });

  test("a coordinate written as x + p (reduced form, not canonical) fails: one point, one seed", () => {
    const D: [bigint, bigint] = [5n, 7n];
    const x = 11n;
    c.expectFail(input(x, [D[0] + P, D[1]]), /main\.c\.lt\[0\]/);
    c.expectFail(input(x, [D[0], D[1] + P]), /main\.c\.lt\[1\]/);
  });
});
