/** Shared builders for the lookup range-check tests (test/logup.test.ts, test/commit.test.ts). */
import { F1Field } from "ffjavascript";
import { fqLookups, type Lookup, multiplicities, tableIndex } from "../../src/bn254/logup.ts";
import { invmod, modp, R } from "../../src/bn254/tower.ts";

/**
 * The out-of-range attack on limb 0 of value 0 for known challenges X, Y (table widths ws): the
 * limb becomes 2^43 + 5, its chunk 0 stays 5 (15 bits), and its two 14-bit chunks c1', c2' are
 * solved with c1' + 2^14·c2' = 2^28 and 1/(u − c1') + 1/(u − c2') = T, u = X − 14·Y, where T is
 * what two in-range entries a, b contribute (counted in m instead). Returns the new limbs, chunks
 * and multiplicities, and the solved chunks.
 */
export function outOfRangeAttack(
  k: { x: bigint[][]; c: bigint[][][] },
  X: bigint,
  Y: bigint,
  ws: readonly number[],
): { x: bigint[][]; c: bigint[][][]; m: number[]; c1: bigint; c2: bigint } {
  const F = new F1Field(R);
  const S = 1n << 28n;
  const u = modp(X - 14n * Y, R);
  const s14 = 1n << 14n;
  for (let a = 0n; a < 64n; a++) {
    const b = a + 1n;
    const T = modp(invmod(modp(u - a, R), R) + invmod(modp(u - b, R), R), R);
    // T·2^14·z² + (2^14 − 1 − T·(2^14·u − u + S))·z + (2u − S − T·(u − S)·u) = 0
    const qa = modp(T * s14, R);
    const qb = modp(s14 - 1n - T * (s14 * u - u + S), R);
    const qc = modp(2n * u - S - T * modp((u - S) * u, R), R);
    const root = F.sqrt(modp(qb * qb - 4n * qa * qc, R));
    if (root === null) continue;
    const c2 = modp((root - qb) * invmod(modp(2n * qa, R), R), R);
    const c1 = modp(S - s14 * c2, R);
    const x = k.x.map((l) => [...l]);
    const c = k.c.map((l) => l.map((ch) => [...ch]));
    x[0]![0] = (1n << 43n) + 5n;
    c[0]![0] = [5n, c1, c2];
    const ls: Lookup[] = c
      .flatMap((ch) => fqLookups(ch))
      .filter((l) => tableIndex(ws, l) >= 0)
      .concat([
        { value: a, width: 14 },
        { value: b, width: 14 },
      ]);
    return { x, c, m: multiplicities(ws, ls), c1, c2 };
  }
  throw new Error("no quadratic residue among 64 tries");
}
