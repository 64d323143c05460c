/**
 * The BN254 gadget library's circuits as standalone compile targets (circuits/lib/bn254), for
 * `des circuits --gadgets` and the table in docs/circuits.md. Each gadget is compiled as its own main
 * component with the project's limb shape (43-bit × 6) and options (--O2).
 */
import type { CircuitSpec, CompiledCircuit, CompileOptions } from "../build/circom.ts";
import { compileCircuit } from "../build/circom.ts";
import { COMPILE_OPTIONS } from "../circuits/registry.ts";
import { LIMB_BITS, LIMBS } from "./limbs.ts";

export interface GadgetSpec {
  /** Row name, e.g. "fq-mul". */
  gadget: string;
  file: string;
  template: string;
  /** Extra template parameters after (N, K). */
  extra?: number[];
  /** Goal from issue #6, where one was set. */
  goal?: number;
  /** The circom-pairing figure quoted in issue #6 (43-bit × 6 limbs, non-linear constraints). */
  circomPairing?: number;
}

const L = "circuits/lib/bn254";

export const GADGETS: readonly GadgetSpec[] = [
  { gadget: "fq-mul", file: `${L}/fq.circom`, template: "FqMul", goal: 800, circomPairing: 1197 },
  { gadget: "fq-square", file: `${L}/fq.circom`, template: "FqSquare" },
  { gadget: "fq-add", file: `${L}/fq.circom`, template: "FqAdd" },
  { gadget: "fq-sub", file: `${L}/fq.circom`, template: "FqSub" },
  { gadget: "fq-inv", file: `${L}/fq.circom`, template: "FqInv" },
  { gadget: "fq-canonical", file: `${L}/fq.circom`, template: "FqCanonical" },
  { gadget: "fq-assert-equal", file: `${L}/fq.circom`, template: "FqAssertEqual" },
  { gadget: "fq2-mul", file: `${L}/fq2.circom`, template: "Fq2Mul" },
  { gadget: "fq2-square", file: `${L}/fq2.circom`, template: "Fq2Square" },
  { gadget: "fq2-inv", file: `${L}/fq2.circom`, template: "Fq2Inv" },
  { gadget: "fq12-mul", file: `${L}/fq12.circom`, template: "Fq12Mul", goal: 8000, circomPairing: 15292 },
  { gadget: "fq12-square", file: `${L}/fq12.circom`, template: "Fq12Square" },
  { gadget: "fq12-frobenius", file: `${L}/fq12.circom`, template: "Fq12Frobenius", extra: [1] },
  { gadget: "fq12-frobenius2", file: `${L}/fq12.circom`, template: "Fq12Frobenius", extra: [2] },
  { gadget: "g1-on-curve", file: `${L}/g1.circom`, template: "G1AssertOnCurve" },
  { gadget: "g1-add", file: `${L}/g1.circom`, template: "G1Add" },
  { gadget: "g1-double", file: `${L}/g1.circom`, template: "G1Double" },
  { gadget: "g1-add-hinted", file: `${L}/g1.circom`, template: "G1AddHinted" },
  { gadget: "g1-double-hinted", file: `${L}/g1.circom`, template: "G1DoubleHinted" },
  { gadget: "g2-on-curve", file: `${L}/g2.circom`, template: "G2AssertOnCurve" },
  { gadget: "g2-add", file: `${L}/g2.circom`, template: "G2Add" },
  { gadget: "g2-double", file: `${L}/g2.circom`, template: "G2Double" },
  { gadget: "g2-add-hinted", file: `${L}/g2.circom`, template: "G2AddHinted" },
  { gadget: "g2-double-hinted", file: `${L}/g2.circom`, template: "G2DoubleHinted" },
  { gadget: "g2-psi", file: `${L}/g2.circom`, template: "G2Psi" },
  { gadget: "miller-step", file: `${L}/pairing.circom`, template: "MillerDoubleStep" },
  { gadget: "miller-add-step", file: `${L}/pairing.circom`, template: "MillerAddStep" },
  { gadget: "miller-step-hinted", file: `${L}/pairing.circom`, template: "MillerDoubleStepHinted" },
  { gadget: "miller-add-step-hinted", file: `${L}/pairing.circom`, template: "MillerAddStepHinted" },
];

export function gadgetSpec(g: GadgetSpec, shape = { n: LIMB_BITS, k: LIMBS }): CircuitSpec {
  return {
    name: `bn254-${g.gadget}-${shape.n}x${shape.k}`,
    file: g.file,
    template: g.template,
    params: [shape.n, shape.k, ...(g.extra ?? [])],
  };
}

export function compileGadget(
  g: GadgetSpec,
  opts: CompileOptions = COMPILE_OPTIONS,
  shape = { n: LIMB_BITS, k: LIMBS },
): Promise<CompiledCircuit> {
  return compileCircuit(gadgetSpec(g, shape), opts);
}
