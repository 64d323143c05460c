/**
 * Reads circom's .r1cs and .sym files and checks a witness against every constraint A·B = C.
 * Independent of the witness generator: this is what the soundness tests trust.
 */
import { readFileSync } from "node:fs";
import { FIELD_P } from "../crypto/field.ts";

interface LinearCombination {
  wires: Uint32Array;
  coeffs: bigint[];
}

export interface R1cs {
  nWires: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  constraints: [LinearCombination, LinearCombination, LinearCombination][];
}

/** n8 bytes little-endian at buf[off] as a bigint. */
export function readLE(buf: Buffer, off: number, n8: number): bigint {
  let v = 0n;
  for (let i = n8 - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i]!);
  return v;
}

/** v (< 2^(8·n8)) as n8 bytes little-endian at buf[off]. */
export function writeLE(buf: Uint8Array, off: number, n8: number, v: bigint): void {
  let t = v;
  for (let i = 0; i < n8; i++, t >>= 8n) buf[off + i] = Number(t & 0xffn);
}

export function loadR1cs(file: string): R1cs {
  const buf = readFileSync(file);
  if (buf.toString("ascii", 0, 4) !== "r1cs") throw new Error(`${file}: not an r1cs file`);
  const nSections = buf.readUInt32LE(8);
  const sections = new Map<number, { off: number; size: number }>();
  let off = 12;
  for (let s = 0; s < nSections; s++) {
    const type = buf.readUInt32LE(off);
    const size = Number(buf.readBigUInt64LE(off + 4));
    sections.set(type, { off: off + 12, size });
    off += 12 + size;
  }
  const head = sections.get(1);
  const body = sections.get(2);
  if (!head || !body) throw new Error(`${file}: missing header or constraints section`);
  let p = head.off;
  const n8 = buf.readUInt32LE(p);
  const prime = readLE(buf, p + 4, n8);
  if (prime !== FIELD_P) throw new Error(`${file}: not over the BN254 scalar field`);
  p += 4 + n8;
  const nWires = buf.readUInt32LE(p);
  const nOutputs = buf.readUInt32LE(p + 4);
  const nPubInputs = buf.readUInt32LE(p + 8);
  const nPrvInputs = buf.readUInt32LE(p + 12);
  const nConstraints = buf.readUInt32LE(p + 24);

  p = body.off;
  const readLC = (): LinearCombination => {
    const n = buf.readUInt32LE(p);
    p += 4;
    const wires = new Uint32Array(n);
    const coeffs: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) {
      wires[i] = buf.readUInt32LE(p);
      coeffs[i] = readLE(buf, p + 4, n8);
      p += 4 + n8;
    }
    return { wires, coeffs };
  };
  const constraints: R1cs["constraints"] = new Array(nConstraints);
  for (let c = 0; c < nConstraints; c++) constraints[c] = [readLC(), readLC(), readLC()];
  return { nWires, nOutputs, nPubInputs, nPrvInputs, constraints };
}

function evaluate(lc: LinearCombination, w: readonly bigint[]): bigint {
  let acc = 0n;
  for (let i = 0; i < lc.wires.length; i++) acc += lc.coeffs[i]! * w[lc.wires[i]!]!;
  return acc % FIELD_P;
}

export interface Violation {
  /** Constraint index in the r1cs. */
  index: number;
  /** Wires with a non-zero coefficient in A, B or C. */
  wires: number[];
}

/** Constraints the witness violates (at most `limit`), in r1cs order; [] means it satisfies all. */
export function checkWitness(r1cs: R1cs, witness: readonly bigint[], limit = 20): Violation[] {
  if (witness.length !== r1cs.nWires)
    throw new Error(`witness has ${witness.length} wires, r1cs ${r1cs.nWires}`);
  if (witness[0] !== 1n) throw new Error("witness wire 0 must be 1");
  const out: Violation[] = [];
  r1cs.constraints.forEach(([a, b, c], index) => {
    if (out.length >= limit) return;
    if ((evaluate(a, witness) * evaluate(b, witness) - evaluate(c, witness)) % FIELD_P !== 0n) {
      out.push({ index, wires: [...new Set([...a.wires, ...b.wires, ...c.wires])].filter((x) => x !== 0) });
    }
  });
  return out;
}

/** Wire → signal names (from the .sym file; several names can share a wire, eliminated signals have none). */
export function loadSymbols(file: string): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line) continue;
    const [, wire, , name] = line.split(",");
    const w = Number(wire);
    if (w < 0 || !name) continue;
    const names = map.get(w);
    if (names) names.push(name);
    else map.set(w, [name]);
  }
  return map;
}
