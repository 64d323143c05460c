/**
 * The project's circuits per size profile, and the compiler options they are built with.
 *
 * Optimisation level: --O2 (measured, see `des circuits`). circom's default --O1 keeps linear
 * constraints; --O2 substitutes them away, and with them many "non-linear" constraints that
 * multiply by a signal known to be a constant (EdDSAPoseidonVerifier: 7,383 + 703 linear at O1,
 * 4,217 at O2; Poseidon(2): 243 + 274 → 240). Every constraint enlarges the Groth16 proving
 * domain, so O2 roughly halves proving work; the realistic column compiles in about a minute.
 */
import {
  type CircuitSpec,
  type CompiledCircuit,
  type CompileOptions,
  compileCircuit,
} from "../build/circom.ts";
import type { CircuitProfile } from "../profiles.ts";

export const COMPILE_OPTIONS: CompileOptions = { O: 2 };

export type CircuitKind = "column" | "state-update";

export function columnSpec(p: Pick<CircuitProfile, "name" | "txs" | "accounts" | "depth">): CircuitSpec {
  return {
    name: `column-${p.name}`,
    file: "circuits/column.circom",
    template: "ColumnExec",
    params: [p.txs, p.accounts, p.depth],
  };
}

export function stateUpdateSpec(
  p: Pick<CircuitProfile, "name" | "writes" | "depth" | "shardBits">,
): CircuitSpec {
  return {
    name: `state-update-${p.name}`,
    file: "circuits/state_update.circom",
    template: "StateUpdate",
    params: [p.writes, p.depth, p.shardBits],
  };
}

/** The circuits a profile needs, in a fixed order: column, then state update. */
export function circuitsForProfile(p: CircuitProfile): { kind: CircuitKind; spec: CircuitSpec }[] {
  return [
    { kind: "column", spec: columnSpec(p) },
    { kind: "state-update", spec: stateUpdateSpec(p) },
  ];
}

/** Compiles (or reuses) one circuit with the project's options. */
export function compileProjectCircuit(
  spec: CircuitSpec,
  opts: Omit<CompileOptions, "O"> = {},
): Promise<CompiledCircuit> {
  return compileCircuit(spec, { ...COMPILE_OPTIONS, ...opts });
}
