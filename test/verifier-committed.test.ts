/**
 * The committed lookup-form in-circuit verifier (circuits/groth16_verifier.circom, RC = 0, CM = 1)
 * proven as Groth16 with one commitment (src/commit/): a child proved with one commitment
 * (test/fixtures/groth16-committed-range.*) verified in-circuit — checks 1–3 of
 * src/commit/verify.ts — linked with the glue circuits/test/committed_child.circom
 * (pub = Poseidon(x, seed)), the seed being H(D) of the parent's own commitment: an inner node's
 * shape with one child.
 *
 * - The committed set (src/commit/key.ts, committedWires) holds every value the lookups and the
 *   batch check rely on (the child's proof with D and P, the hints, the results, the chunks, the
 *   multiplicities) and none of the wires computed from the seed.
 * - An honest proof verifies natively (checks 1–3 of src/commit/verify.ts); another statement, a
 *   moved D, or P not σ·D is rejected.
 *
 * Costs (development setup of a 2^20 domain, two witness passes): about 4 minutes.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { glueBindings } from "../src/aggregate/glue.ts";
import { type LinkResult, linkR1cs, linkWitness, readWtns } from "../src/aggregate/link.ts";
import { type CommittedChildProof, verifierInput, verifierTrace } from "../src/bn254/groth16.ts";
import { compileVerifier, parseCommittedVkey } from "../src/bn254/verifier-build.ts";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import { buildNativeProver, proverToolchain } from "../src/build/prover.ts";
import { loadSymbols } from "../src/circuits/r1cs.ts";
import { type CircuitInput, WasmWitnessCalculator } from "../src/circuits/wasm-witness.ts";
import {
  type CommitmentKey,
  committedLinkedWires,
  committedWires,
  POST_CHALLENGE,
  readCommitmentKey,
} from "../src/commit/key.ts";
import { type CommittedProveResult, proveCommittedWith, writeWtns } from "../src/commit/prove.ts";
import {
  type CommittedVkey,
  committedPublicInput,
  committedVkey,
  verifyCommitted,
} from "../src/commit/verify.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import { devSetup, readR1csInfo } from "../src/setup/devsetup.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";
import { g1PlusGenerator, useBn128 } from "./helpers/bn128.ts";

const toolchain = proverToolchain();
const SKIP: string | false = toolchain.ok
  ? false
  : `the native prover cannot be built here: ${toolchain.reason}`;

const fixture = (f: string) =>
  JSON.parse(readFileSync(`test/fixtures/groth16-committed-range.${f}.json`, "utf8"));

describe("committed lookup-form verifier proven with one commitment", {
  skip: SKIP,
  timeout: 30 * 60_000,
}, () => {
  const curve = useBn128();
  const vkey = parseCommittedVkey(fixture("vkey"));
  const child = Object.values(
    fixture("proofs").proofs as Record<string, { proof: CommittedChildProof; statement: string }>,
  )[0]!;
  const x = BigInt(child.statement);
  let verifier: CompiledCircuit & Awaited<ReturnType<typeof compileVerifier>>;
  let glue: CompiledCircuit;
  let link: LinkResult;
  let bind: number[];
  let nPubV: number;
  let work: string;
  let ck: CommitmentKey;
  let vk: CommittedVkey;
  let proved: CommittedProveResult;
  let wires: number[];

  before(async () => {
    await loadCrypto();
    const bin = (await buildNativeProver()).bin;
    verifier = await compileVerifier(vkey, {}, "lookup");
    glue = await compileCircuit(
      {
        name: "t-committed-child",
        file: "circuits/test/committed_child.circom",
        template: "CommittedChild",
        params: [],
      },
      { O: 1 },
    );
    work = mkdtempSync(join(tmpdir(), "des-commit-verifier-"));
    bind = glueBindings(glue.sym, ["x", "seed"]);
    link = linkR1cs(glue.r1cs, [{ r1cs: verifier.r1cs, bind }], join(work, "node.r1cs"));
    const info = readR1csInfo(verifier.r1cs);
    nPubV = info.nPubOut + info.nPubIn;
    wires = committedLinkedWires({ sym: glue.sym, exclude: ["main.seed"] }, [
      { sym: verifier.sym, nPublic: nPubV, base: link.bases[0]! },
    ]);
    const zkey = join(work, "node.zkey");
    await devSetup(join(work, "node.r1cs"), zkey, {
      native: bin,
      commitment: { wires, dir: join(work, "ck") },
    });
    ck = readCommitmentKey(join(work, "ck"));
    const plain = (await snarkjs.zKey.exportVerificationKey(zkey)) as unknown as Omit<
      CommittedVkey,
      "sigma_2"
    >;
    vk = committedVkey(curve(), plain, ck.sigma2);
    const vc = await WasmWitnessCalculator.load(verifier.wasm);
    const gc = await WasmWitnessCalculator.load(glue.wasm);
    const vin = verifierInput(verifierTrace(verifier.build.keys[0]!, child.proof, x)) as CircuitInput;
    proved = await proveCommittedWith({
      zkey,
      ck,
      bin,
      witness: async (seed) => {
        writeWtns(join(work, "g.wtns"), gc.calculate({ x: String(x), seed: String(seed) }).witness);
        writeWtns(join(work, "v.wtns"), vc.calculate({ ...vin, seed: String(seed) }).witness);
        linkWitness(join(work, "g.wtns"), [{ wtns: join(work, "v.wtns"), bind }], join(work, "n.wtns"));
        return readWtns(join(work, "n.wtns"));
      },
    });
  });
  after(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await releaseSnarkjs();
  });

  test("the committed set: the proof, hints, results, chunks and multiplicities; not the seed or what it derives", () => {
    const sym = loadSymbols(verifier.sym);
    const named = (re: RegExp) =>
      [...sym].filter(([w, ns]) => w > nPubV && ns.some((n) => re.test(n))).map(([w]) => w);
    const inJ = new Set(committedWires(verifier.sym, nPubV));
    for (const [what, re] of [
      [
        "proof and hints",
        /^main\.(a|b|c|d|pok|lambda|xInv|msmLambda|ldLambda|glvLambda|glvXInv|rc|rcInv|rw)\[/,
      ],
      ["chunks", /^main\.ck\[/],
      ["multiplicities", /^main\.mult\[/],
      ["every value of limbs (hints and deferred results)", /^main\.limbs\[/],
    ] as const) {
      const ws = named(re);
      assert.ok(ws.length > 0, `no ${what} wires`);
      assert.deepEqual(
        ws.filter((w) => !inJ.has(w)),
        [],
        `${what} not committed`,
      );
    }
    // 24 chunks for each value of the core's `limbs`, one multiplicity per table entry
    assert.equal(named(/^main\.ck\[/).length % 24, 0);
    assert.equal(named(/^main\.mult\[/).length, 3584);
    const post = [...sym]
      .filter(([, ns]) => ns.some((n) => POST_CHALLENGE.some((re) => re.test(n))))
      .map(([w]) => w);
    assert.ok(post.length > 100_000, `${post.length} post-challenge wires`);
    assert.deepEqual(
      post.filter((w) => inJ.has(w)),
      [],
    );
    // the seed is a public wire of the part (bound to the glue's seed, which is excluded)
    const g = loadSymbols(glue.sym);
    const seedWire = [...g].find(([, ns]) => ns.includes("main.seed"))![0];
    assert.ok(!wires.includes(seedWire));
    assert.equal(ck.wires.length, wires.length);
  });

  test("an honest proof verifies; its public signal is Poseidon(x, H(D))", async () => {
    const D: [bigint, bigint] = [BigInt(proved.proof.D[0]), BigInt(proved.proof.D[1])];
    assert.equal(proved.publicSignals[0], String(committedPublicInput(x, D)));
    assert.equal(await verifyCommitted(curve(), vk, x, proved.proof), undefined);
  });

  test("rejects another statement, a moved D and a P that is not σ·D", async () => {
    assert.equal(await verifyCommitted(curve(), vk, x + 1n, proved.proof), "groth16");
    const moved = (p: readonly string[]) => g1PlusGenerator(curve(), p);
    assert.equal(
      await verifyCommitted(curve(), vk, x, { ...proved.proof, D: moved(proved.proof.D) }),
      "groth16",
    );
    assert.equal(
      await verifyCommitted(curve(), vk, x, { ...proved.proof, P: moved(proved.proof.P) }),
      "knowledge",
    );
  });
});
