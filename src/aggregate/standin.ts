/**
 * A stand-in child verifier for tests of the aggregation's orchestration (circuits/test/link.circom
 * StandInVerifier; StandInLookupVerifier for committed nodes, with the lookup form's seed): one
 * public input x like the real in-circuit verifier (1.96M constraints, too
 * large for the test suite; it has its own tests), and a check that only binds a hash of x and the
 * proof's first coordinate. It verifies nothing: node keys built with it live in a test's own key
 * directory and are never this machine's trusted roots (its backend is not `production`).
 */
import { compileCircuit } from "../build/circom.ts";
import type { CircuitInput } from "../circuits/wasm-witness.ts";
import { FIELD_P } from "../crypto/field.ts";
import { poseidon } from "../crypto/poseidon.ts";
import { nativeGenerator, useNativeWitness, type VerifierBackend } from "./build.ts";

export const STAND_IN_BACKEND_ID = "stand-in-test";

/** The stand-in verifier's witness input for a proof with public signal x. */
export function standInInput(proof: unknown, x: string): CircuitInput {
  const a = BigInt((proof as { pi_a: string[] }).pi_a[0]!) % FIELD_P;
  return { x, a: String(a), h: String(poseidon([BigInt(x), (a * a) % FIELD_P])) };
}

/** The stand-in backend: `witnessMiB` is the peak it declares per witness. */
export function standInBackend(witnessMiB = 100): VerifierBackend {
  return {
    id: STAND_IN_BACKEND_ID,
    witnessPeakMiB: { wasm: witnessMiB, native: witnessMiB },
    async compile(_vkey, form = "transcript") {
      // with its native witness generator, like the real verifier where the toolchain is there
      const lookup = form === "lookup";
      const c = await compileCircuit(
        {
          name: lookup ? "agg-test-stand-in-lookup" : "agg-test-stand-in",
          file: "circuits/test/link.circom",
          template: lookup ? "StandInLookupVerifier" : "StandInVerifier",
          params: [],
          publicInputs: lookup ? ["x", "seed"] : ["x"],
        },
        { cpp: useNativeWitness() },
      );
      return {
        name: c.name,
        hash: c.hash,
        r1cs: c.r1cs,
        wasm: c.wasm,
        sym: c.sym,
        native: await nativeGenerator(c),
        input: standInInput,
      };
    },
  };
}
