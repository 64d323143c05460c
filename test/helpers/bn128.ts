/** Shared set-up for the BN254 gadget tests: ffjavascript's bn128 curve and gadget test circuits. */
import { after, before } from "node:test";
import { buildBn128 } from "ffjavascript";
import { type CompiledCircuit, compileCircuit } from "../../src/build/circom.ts";
import { COMPILE_OPTIONS } from "../../src/circuits/registry.ts";

export interface Grp {
  g: Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  double(a: Uint8Array): Uint8Array;
  timesScalar(a: Uint8Array, s: bigint): Uint8Array;
  toAffine(a: Uint8Array): Uint8Array;
  toObject(a: Uint8Array): unknown;
  fromObject(o: unknown): Uint8Array;
  F: { toObject(a: Uint8Array): unknown; fromObject(o: unknown): Uint8Array };
}
export type Curve = { G1: Grp; G2: Grp; terminate(): Promise<void> };

/**
 * Registers hooks that build ffjavascript's bn128 (single-threaded) before the file's tests and
 * terminate it after them; returns an accessor for the curve.
 */
export function useBn128(): () => Curve {
  let c: Curve | undefined;
  before(async () => {
    c = (await buildBn128(true)) as unknown as Curve;
  });
  after(async () => {
    await c?.terminate();
  });
  return () => c!;
}

/** p + G for a G1 point in snarkjs's JSON form (a moved commitment or proof point in tamper tests). */
export function g1PlusGenerator(c: Curve, p: readonly string[]): [string, string, "1"] {
  const q = c.G1.toObject(c.G1.toAffine(c.G1.add(c.G1.fromObject(p.map(BigInt)), c.G1.g))) as bigint[];
  return [String(q[0]), String(q[1]), "1"];
}

/** Compiles a test wrapper template of circuits/lib/bn254 with the project's options (cached). */
export function compileGadgetTest(
  file: string,
  template: string,
  params: number[],
): Promise<CompiledCircuit> {
  return compileCircuit(
    { name: `t-bn254-${template.toLowerCase()}-${params.join("-")}`, file, template, params },
    COMPILE_OPTIONS,
  );
}
