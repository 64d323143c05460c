/** Deterministic PRNG (xoshiro128**) seeded from a string through SHA-256, for sample blocks. */
import { createHash } from "node:crypto";

export class Rng {
  private s: Uint32Array;

  constructor(seed: string | number) {
    const d = createHash("sha256").update(`des-rng:${seed}`).digest();
    this.s = new Uint32Array([
      d.readUInt32LE(0),
      d.readUInt32LE(4),
      d.readUInt32LE(8),
      d.readUInt32LE(12) | 1,
    ]);
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next() / 2 ** 32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform bigint in [lo, hi]. */
  bigint(lo: bigint, hi: bigint): bigint {
    const span = hi - lo + 1n;
    const r = (BigInt(this.next()) << 32n) | BigInt(this.next());
    return lo + (r % span);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
