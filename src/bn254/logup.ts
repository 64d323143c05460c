/**
 * Hints for the log-derivative range checks of circuits/lib/logup.circom: the chunks of a limb
 * (widths as logup_chunk_width), the table layout (sub-tables by width, entries in the order
 * width, then value) and the multiplicities of a set of lookups. The circuit's constraints decide
 * what passes; this mirror computes honest hints and lets tests build dishonest ones.
 */
import { type LimbShape, SHAPE, topBits } from "./limbs.ts";

/** Chunks of at most 15 bits: a 43-bit limb is 15 + 14 + 14, a 39-bit top limb 13 + 13 + 13. */
export const CHUNK_BITS = 15;

/** Widths of the chunks of a w-bit limb, least significant first (logup_chunk_width). */
export function chunkWidths(w: number, cb: number = CHUNK_BITS): number[] {
  const n = Math.ceil(w / cb);
  const base = Math.floor(w / n);
  const rem = w % n;
  return Array.from({ length: n }, (_, k) => (k < rem ? base + 1 : base));
}

/** The limb widths of a reduced-form Fq value. */
export const limbWidths = (s: LimbShape = SHAPE): number[] =>
  Array.from({ length: s.k }, (_, i) => (i === s.k - 1 ? topBits(s) : s.n));

/** The sub-table widths an Fq range check uses, widest first (the table's order). */
export function fqTableWidths(s: LimbShape = SHAPE, cb: number = CHUNK_BITS): number[] {
  const ws = new Set(limbWidths(s).flatMap((w) => chunkWidths(w, cb)));
  return [...ws].sort((a, b) => b - a);
}

/** Chunks of a limb (which must fit w bits). */
export function limbChunks(limb: bigint, w: number, cb: number = CHUNK_BITS): bigint[] {
  if (limb < 0n || limb >> BigInt(w) !== 0n) throw new RangeError(`limb ${limb} does not fit ${w} bits`);
  let off = 0n;
  return chunkWidths(w, cb).map((cw) => {
    const c = (limb >> off) & ((1n << BigInt(cw)) - 1n);
    off += BigInt(cw);
    return c;
  });
}

/** One lookup: a chunk and the width of the sub-table it is looked up in. */
export interface Lookup {
  value: bigint;
  width: number;
}

/** Index of (value, width) in the table of widths `ws`, or −1 when it is not an entry. */
export function tableIndex(ws: readonly number[], l: Lookup): number {
  let base = 0;
  for (const w of ws) {
    if (w === l.width) return l.value >= 0n && l.value < 1n << BigInt(w) ? base + Number(l.value) : -1;
    base += 2 ** w;
  }
  return -1;
}

/** Entries of the table of widths `ws`. */
export const tableSize = (ws: readonly number[]): number => ws.reduce((s, w) => s + 2 ** w, 0);

/** Multiplicities m_t of the lookups (a lookup that is not an entry is an error: no honest m). */
export function multiplicities(ws: readonly number[], lookups: Iterable<Lookup>): number[] {
  const m = new Array<number>(tableSize(ws)).fill(0);
  for (const l of lookups) {
    const t = tableIndex(ws, l);
    if (t < 0) throw new RangeError(`chunk ${l.value} is not in the ${l.width}-bit table`);
    m[t]!++;
  }
  return m;
}

/** Chunks of every limb of a reduced-form value, as [K][chunks] with the lookups they make. */
export function fqChunks(
  limbs: readonly bigint[],
  s: LimbShape = SHAPE,
  cb: number = CHUNK_BITS,
): bigint[][] {
  return limbWidths(s).map((w, i) => limbChunks(limbs[i]!, w, cb));
}

/** The lookups of chunks laid out as fqChunks returns them. */
export function fqLookups(
  chunks: readonly (readonly bigint[])[],
  s: LimbShape = SHAPE,
  cb: number = CHUNK_BITS,
): Lookup[] {
  return limbWidths(s).flatMap((w, i) =>
    chunkWidths(w, cb).map((width, k) => ({ value: chunks[i]![k]!, width })),
  );
}
