/**
 * gnark-style circuit assertions for the soundness tests.
 *
 *   const c = await CircuitHarness.load(await compileCircuit(spec, COMPILE_OPTIONS));
 *   c.expectPass(input)                       // witness computes, every constraint holds
 *   c.expectFail(tampered, /main\.tx\[0\]/)    // the R1CS rejects the tampered witness
 *
 * expectFail computes the witness for the tampered input with a lenient witness generator (failed
 * `===`/`assert` checks are counted and the computation goes on: src/circuits/wasm-witness.ts),
 * then checks every R1CS constraint.
 * The test passes only if some constraint is violated and a signal of a violated constraint matches
 * `where` — so each failing case is proved to break a constraint (not only a witness-time assert),
 * at the place the test names. A tamper that cannot even be computed (an input that is not a field
 * element, an input of the wrong shape) is reported with path "witness" and must be asked for
 * explicitly with { path: "witness" }.
 */
import assert from "node:assert/strict";
import type { CompiledCircuit } from "../../src/build/circom.ts";
import { checkWitness, loadR1cs, loadSymbols, type R1cs, type Violation } from "../../src/circuits/r1cs.ts";
import { type CircuitInput, WasmWitnessCalculator } from "../../src/circuits/wasm-witness.ts";

export interface FailReport {
  path: "constraint" | "witness";
  /** Violated constraints (first few) with the names of their signals. */
  violations: { index: number; signals: string[] }[];
  /** `===`/`assert` checks that failed while computing the witness (lenient run). */
  failedAsserts: number;
  /** Set when path = "witness": why the witness could not be computed. */
  error?: string;
}

export class CircuitHarness {
  private constructor(
    readonly compiled: CompiledCircuit,
    readonly r1cs: R1cs,
    private readonly calc: WasmWitnessCalculator,
    private readonly lenient: WasmWitnessCalculator,
    private readonly symbols: Map<number, string[]>,
  ) {}

  static async load(compiled: CompiledCircuit): Promise<CircuitHarness> {
    return new CircuitHarness(
      compiled,
      loadR1cs(compiled.r1cs),
      await WasmWitnessCalculator.load(compiled.wasm),
      await WasmWitnessCalculator.load(compiled.wasm, { lenient: true }),
      loadSymbols(compiled.sym),
    );
  }

  /** Signal names of a wire (several signals can share one wire after simplification). */
  names(wire: number): string[] {
    return this.symbols.get(wire) ?? [`wire#${wire}`];
  }

  private describe(v: Violation[]): FailReport["violations"] {
    return v.map(({ index, wires }) => ({ index, signals: wires.flatMap((w) => this.names(w)) }));
  }

  /**
   * A valid input: strict witness generation succeeds and every constraint holds. Also checks that
   * the lenient generator computes the same witness (so its patch changed nothing else). Returns
   * the public output.
   */
  expectPass(input: CircuitInput): { output: bigint; witness: bigint[] } {
    const { witness } = this.calc.calculate(input);
    const bad = checkWitness(this.r1cs, witness, 3);
    assert.deepEqual(this.describe(bad), [], "valid witness violates constraints");
    const lenient = this.lenient.calculate(input);
    assert.equal(lenient.failedAsserts, 0);
    assert.ok(
      lenient.witness.every((v, i) => v === witness[i]),
      "lenient witness generator disagrees on a valid input",
    );
    assert.equal(this.r1cs.nOutputs, 1, "expected exactly one public output");
    assert.equal(this.r1cs.nPubInputs, 0, "expected no public inputs");
    return { output: witness[1]!, witness };
  }

  /** Runs a tampered input through the lenient witness generator and the R1CS check. */
  run(input: CircuitInput): FailReport {
    let res: ReturnType<WasmWitnessCalculator["calculate"]>;
    try {
      res = this.lenient.calculate(input);
    } catch (e) {
      return { path: "witness", violations: [], failedAsserts: 0, error: (e as Error).message };
    }
    return {
      path: "constraint",
      violations: this.describe(checkWitness(this.r1cs, res.witness, 20)),
      failedAsserts: res.failedAsserts,
    };
  }

  /**
   * A tampered input must be rejected. path "constraint" (default): some constraint is violated
   * and one of its signals matches `where`. path "witness": the witness cannot be computed and the
   * error matches `where`.
   */
  expectFail(input: CircuitInput, where: RegExp, opts: { path?: "constraint" | "witness" } = {}): FailReport {
    const r = this.run(input);
    if (process.env.DES_CIRCUIT_DEBUG) {
      const shown = r.violations.slice(0, 4).map((v) => `  #${v.index}: ${v.signals.slice(0, 6).join(", ")}`);
      console.error(
        `[expectFail ${where}] path=${r.path} asserts=${r.failedAsserts} violations=${r.violations.length}\n${shown.join("\n")}`,
      );
    }
    const path = opts.path ?? "constraint";
    if (path === "witness") {
      assert.equal(r.path, "witness", "expected witness generation to fail, it succeeded");
      assert.match(r.error!, where);
      return r;
    }
    assert.equal(r.path, "constraint", `witness generation failed instead of a constraint: ${r.error}`);
    assert.ok(
      r.violations.length > 0,
      `no constraint violated (failed witness asserts: ${r.failedAsserts}): under-constrained?`,
    );
    const hit = r.violations.some((v) => v.signals.some((s) => where.test(s)));
    assert.ok(
      hit,
      `violated constraints do not involve ${where}:\n${r.violations
        .slice(0, 5)
        .map((v) => `  #${v.index}: ${v.signals.slice(0, 8).join(", ")}`)
        .join("\n")}`,
    );
    return r;
  }
}
