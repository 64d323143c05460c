/**
 * Writes a synthetic R1CS file in iden3's binary format (the one circom emits and snarkjs reads):
 * the multiplication chain w[i]·w[i+1] = w[i+2] over n constraints, with one public input, so every
 * wire appears in A, B and C — the worst case for key generation. Used by the setup benchmark at
 * sizes where compiling the equivalent Circom template with circom2 (WebAssembly) takes too long.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { FIELD_P } from "../src/crypto/field.ts";

export function writeChainR1cs(file: string, nConstraints: number): { wires: number; constraints: number } {
  const nWires = nConstraints + 3; // wire 0 = 1, wire 1 = a (public), wire 2 = b, then the chain
  const fd = openSync(file, "w");
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    return b;
  };
  const u64 = (v: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    return b;
  };
  const prime = Buffer.alloc(32);
  let p = FIELD_P;
  for (let i = 0; i < 32; i++, p >>= 8n) prime[i] = Number(p & 255n);
  const one = Buffer.alloc(32);
  one[0] = 1;
  const w = (b: Buffer) => writeSync(fd, b);

  w(Buffer.from("r1cs"));
  w(u32(1));
  w(u32(3));
  // header
  const header = Buffer.concat([u32(32), prime, u32(nWires), u32(0), u32(1), u32(1), u64(nWires), u32(nConstraints)]);
  w(u32(1));
  w(u64(header.length));
  w(header);
  // constraints: each A, B, C has one term (4 + 4 + 32 bytes)
  const term = 4 + 4 + 32;
  w(u32(2));
  w(u64(nConstraints * 3 * term));
  const wire = (k: number) => (k === 0 ? 1 : k + 1); // chain position → wire id
  const chunk = 4096;
  for (let start = 0; start < nConstraints; start += chunk) {
    const n = Math.min(chunk, nConstraints - start);
    const buf = Buffer.alloc(n * 3 * term);
    let off = 0;
    for (let i = start; i < start + n; i++) {
      for (const k of [i, i + 1, i + 2]) {
        off = buf.writeUInt32LE(1, off);
        off = buf.writeUInt32LE(wire(k), off);
        one.copy(buf, off);
        off += 32;
      }
    }
    w(buf);
  }
  // wire → label map
  w(u32(3));
  w(u64(nWires * 8));
  for (let start = 0; start < nWires; start += chunk) {
    const n = Math.min(chunk, nWires - start);
    const buf = Buffer.alloc(n * 8);
    for (let i = 0; i < n; i++) buf.writeBigUInt64LE(BigInt(start + i), i * 8);
    w(buf);
  }
  closeSync(fd);
  return { wires: nWires, constraints: nConstraints };
}
