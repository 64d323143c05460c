/**
 * Writes test/fixtures/groth16-committed-range.{vkey,proofs}.json: a child proved as Groth16 with
 * one commitment (src/commit/) for the committed verifier's tests (Groth16Verifier with CM = 1):
 * the circuit of test/commit.test.ts (circuits/test/committed.circom, two values range-checked by
 * lookups whose challenges come from H(D)), a development setup with its commitment key, and one
 * proof of the statement x = Poseidon(limbs) with its public input x' = Poseidon(x, H(D)).
 *
 *   npx tsx scripts/make-committed-fixture.ts [KEY_DIR]
 *
 * KEY_DIR keeps the zkey and the commitment key (reused when present). A new key changes every
 * committed verifier's constants (and so its compile cache entry).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { LIMB_BITS, LIMBS, toLimbs } from "../src/bn254/limbs.ts";
import { CHUNK_BITS, fqChunks, fqLookups, fqTableWidths, multiplicities } from "../src/bn254/logup.ts";
import { modp, P, R } from "../src/bn254/tower.ts";
import { compileCircuit } from "../src/build/circom.ts";
import { buildNativeProver } from "../src/build/prover.ts";
import { COMPILE_OPTIONS } from "../src/circuits/registry.ts";
import { WasmWitnessCalculator } from "../src/circuits/wasm-witness.ts";
import { committedInputWires, readCommitmentKey } from "../src/commit/key.ts";
import { proveCommitted } from "../src/commit/prove.ts";
import { type CommittedVkey, committedVkey, verifyCommitted } from "../src/commit/verify.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { devSetup } from "../src/setup/devsetup.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";

const WS = fqTableWidths();
const dir = process.argv[2] ?? "artifacts/fixture-committed-range";
mkdirSync(dir, { recursive: true });
await loadCrypto();
const bin = (await buildNativeProver()).bin;
const compiled = await compileCircuit(
  {
    name: "t-committed-range",
    file: "circuits/test/committed.circom",
    template: "CommittedRange",
    params: [LIMB_BITS, LIMBS, CHUNK_BITS, 2, WS.length, WS],
  },
  COMPILE_OPTIONS,
);
const zkey = join(dir, "c.zkey");
const curve = await buildBn128(true);
if (!existsSync(join(dir, "ck"))) {
  const { wires } = committedInputWires(compiled.sym, ["x", "c", "m"], []);
  await devSetup(compiled.r1cs, zkey, { native: bin, commitment: { wires, dir: join(dir, "ck") } });
}
const ck = readCommitmentKey(join(dir, "ck"));
const plain = (await snarkjs.zKey.exportVerificationKey(zkey)) as unknown as Omit<CommittedVkey, "sigma_2">;
const vk = committedVkey(curve, plain, ck.sigma2);
const values = [P - 1n, (1n << 254n) - 1n];
const x = values.map((v) => toLimbs(v));
const c = x.map((l) => fqChunks(l));
const m = multiplicities(
  WS,
  c.flatMap((ch) => fqLookups(ch)),
);
const input = {
  x: x.map((l) => l.map((v) => String(modp(v, R)))),
  c: c.map((l) => l.map((ch) => ch.map((v) => String(modp(v, R))))),
  m: m.map(String),
};
const calc = await WasmWitnessCalculator.load(compiled.wasm);
const r = await proveCommitted({ calc, input, seedSignal: "seed", zkey, ck, bin });
const statement = poseidon(x.flat().map((v) => modp(v, R)));
if ((await verifyCommitted(curve, vk, statement, r.proof)) !== undefined)
  throw new Error("the proof does not verify");
const source =
  "des-prover committed-range child (circuits/test/committed.circom, development setup with one commitment), made by scripts/make-committed-fixture.ts";
writeFileSync("test/fixtures/groth16-committed-range.vkey.json", `${JSON.stringify(vk, null, 1)}\n`);
writeFileSync(
  "test/fixtures/groth16-committed-range.proofs.json",
  `${JSON.stringify(
    {
      source,
      proofs: { "range-0": { proof: r.proof, statement: String(statement), publicSignals: r.publicSignals } },
    },
    null,
    1,
  )}\n`,
);
await releaseSnarkjs();
await curve.terminate();
