/**
 * Linear-constraint elimination for a linked node circuit (src/aggregate/link.ts): a linear
 * constraint Σ c_k·w_k = 0 that names a wire p used in at most one other constraint is removed, and
 * p is replaced there by −(1/c_p)·Σ_{k≠p} c_k·w_k. circom's --O2 does this inside one compile; the
 * verifiers are compiled at --O1 (--O2 runs out of circom2's WebAssembly memory at their size), so a
 * linked node keeps every linear constraint of --O1: the chunk sums of its range lookups (a limb
 * equals its chunks), the sums that define each deferred obligation, copies. Removing rows matters
 * where it crosses a power of two: a level-1 committed node (two lookup-form verifiers) goes from
 * 1,086,927 constraints (2^21) to about 1.02M (2^20), and an inner node, after `identifyWires`
 * merges its two verifiers' copies of the seed's computations, from 1,319,500 to 1,048,574 (2^20),
 * which halves their FFTs, their H multiexp and their setup.
 *
 * Which constraints go (chosen from the structure, in file order, one pass; `fitDomain` adds
 * dearer ones where they bring the system down a power of two, see ReduceOptions):
 *   - the constraint is linear: A or B is empty or only a constant (wire 0);
 *   - p is private (not wire 0, not a public signal), occurs in no other linear constraint, and in
 *     at most `maxTargets` other constraints (default 1: the top chunk of a limb, used by its one
 *     lookup; with `fitDomain`, also the sums that define obligations, read twice more). Because
 *     p is in no other linear constraint, no eliminated wire occurs in another eliminated wire's
 *     replacement, and every substitution is one step;
 *   - p's coefficient is non-zero.
 * Wire numbers do not change: p stays in the witness and in no constraint (its Groth16 query points
 * are the point at infinity); the witness of the linked circuit is used as it is.
 *
 * Soundness. Let S be the linked system and S' the reduced one. An assignment of S' extends to one
 * of S by setting p to its replacement's value, and every assignment of S restricts to one of S':
 * the two accept the same values of every wire but p. For plain Groth16 that is all. A committed
 * node (Groth16 with one commitment, docs/circuits.md) also needs the values its post-challenge
 * arguments read to be fixed before the challenge, that is, to be committed wires (J) or functions
 * of them. A wire p ∉ J is chosen after the challenge in S as in S', so it may be replaced by any
 * expression. A wire p ∈ J is replaced only by an expression in wires of J (and constants): the
 * constraints that read p in S read, in S', a function of committed values, fixed when D is.
 * Public wires are not in J (the node's public input depends on the seed), so a J wire whose
 * constraint names one stays. The eliminated J wires leave the commitment (their commitment-key
 * points would be the point at infinity): `committed` returns J without them.
 *
 * `determinedWires` then shrinks the commitment further: a committed wire that a constraint fixes
 * from other committed wires (a product of two limbs, the sum that defines an obligation) is moved
 * from D to Groth16's C (one multiexp term instead of two); only the hints stay committed.
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, renameSync } from "node:fs";
import { invmod } from "../bn254/tower.ts";
import { readLE, writeLE } from "../circuits/r1cs.ts";
import { FIELD_P } from "../crypto/field.ts";
import { desError } from "../errors.ts";
import { domainPower, readR1csInfo } from "../setup/devsetup.ts";
import { BinWriter, RangeReader, readExact, readSections } from "../util/binfile.ts";

/**
 * Changes whenever the choice of eliminated constraints or of determined wires changes (part of
 * committed node circuits' hashes).
 */
export const REDUCE_ID = "reduce-2";

export interface ReduceOptions {
  /** The committed wires J of a committed node (see the module comment); none for plain Groth16. */
  committed?: readonly number[];
  /** Most constraints besides its own that an eliminated wire may occur in (default 1). */
  maxTargets?: number;
  /**
   * Where the eliminations within maxTargets leave the system above a power of two that the
   * others could reach, also eliminate the cheapest others (by the terms their replacements add)
   * down to it, if those add at most `maxFill` terms by the estimate targets·(length − 2) (default:
   * no limit). The estimate counts terms that merge with a target's own as new, so it is far
   * above the growth: an inner committed node is 1,154,391 constraints after the merge and the
   * cheap eliminations, 2^20 after 105,817 more, estimated at ~100M new terms, and its r1cs grows
   * by 10%.
   */
  fitDomain?: boolean;
  maxFill?: number;
}

export interface ReduceResult {
  /** Constraints before and after. */
  before: number;
  nConstraints: number;
  /** The eliminated wires, increasing (each was replaced in at most maxTargets constraints). */
  eliminated: number[];
  /** J without the eliminated wires, increasing (empty without `committed`). */
  committed: number[];
  seconds: number;
}

type Lc = Map<number, bigint>;

/** lc[w] += v (mod r). */
const addTo = (lc: Lc, w: number, v: bigint): void => {
  lc.set(w, ((lc.get(w) ?? 0n) + v) % FIELD_P);
};

/** One LC (buffer, offset, term count, as readConstraint gives it) as a map, repeated wires merged. */
function lcOf([b, at, n]: [Buffer, number, number], n8: number): Lc {
  const lc: Lc = new Map();
  for (let t = 0; t < n; t++)
    addTo(lc, b.readUInt32LE(at + t * (4 + n8)), readLE(b, at + t * (4 + n8) + 4, n8));
  return lc;
}

/** The constant of an LC whose only wire is 0 (undefined if it names another wire). */
const constantOf = (lc: Lc): bigint | undefined => {
  for (const w of lc.keys()) if (w !== 0) return undefined;
  return lc.get(0) ?? 0n;
};

/** A linear constraint A·B = C as one combination Σ c_k·w_k = 0. */
function linearForm(a: Lc, b: Lc, c: Lc): Lc {
  const ka = constantOf(a);
  const kb = constantOf(b);
  const out: Lc = new Map();
  const add = (lc: Lc, k: bigint) => {
    for (const [w, v] of lc) addTo(out, w, v * k);
  };
  if (ka !== undefined) add(b, ka);
  else if (kb !== undefined) add(a, kb);
  add(c, FIELD_P - 1n);
  for (const [w, v] of out) if (v === 0n) out.delete(w);
  return out;
}

/** One constraint's A, B and C as (buffer, offset, term count), read from `src`. */
function readConstraint(src: RangeReader, term: number): [Buffer, number, number][] {
  const lcs: [Buffer, number, number][] = [];
  for (let l = 0; l < 3; l++) {
    const [hb, ho] = src.need(4);
    const n = hb.readUInt32LE(ho);
    const [b, at] = src.need(n * term);
    lcs.push([b, at, n]);
  }
  return lcs;
}

/** An LC in the file's layout (u32 count, then wire and coefficient), terms by wire, zeros left out. */
function lcBytes(lc: Lc, n8: number): Buffer {
  const term = 4 + n8;
  const terms = [...lc].filter(([, v]) => v !== 0n).sort((x, y) => x[0] - y[0]);
  const buf = Buffer.alloc(4 + terms.length * term);
  buf.writeUInt32LE(terms.length, 0);
  terms.forEach(([w, v], i) => {
    buf.writeUInt32LE(w, 4 + i * term);
    writeLE(buf, 4 + i * term + 4, n8, v);
  });
  return buf;
}

/**
 * Writes an r1cs with `input`'s header and wire labels and the constraints `body` writes (it
 * returns their count, patched into the header and returned), through a temporary file renamed at
 * the end.
 */
function writeR1csFrom(
  fd: number,
  input: string,
  out: string,
  n8: number,
  body: (o: BinWriter) => number,
): number {
  const tmp = `${out}.tmp-${process.pid}`;
  const ofd = openSync(tmp, "w");
  let count: number;
  try {
    const sections = readSections(fd, input, "r1cs", "INVALID_R1CS");
    const labels = sections.get(3);
    if (!labels) throw desError("INVALID_R1CS", `${input}: no wire-to-label section`);
    const h = sections.get(1)!;
    const o = new BinWriter(ofd, "r1cs", 1, 3);
    o.begin(1);
    o.write(readExact(fd, h.pos, h.len, "INVALID_R1CS", input));
    o.end();
    o.begin(2);
    count = body(o);
    o.end();
    o.begin(3);
    for (let at = 0; at < labels.len; at += 16 << 20) {
      const len = Math.min(16 << 20, labels.len - at);
      o.write(readExact(fd, labels.pos + at, len, "INVALID_R1CS", input));
    }
    o.end();
    o.patchU32(12 + 12 + 4 + n8 + 24, count); // the header's constraint count
  } finally {
    closeSync(ofd);
  }
  renameSync(tmp, out);
  return count;
}

/**
 * Writes the reduced r1cs of `input` to `out` (through a temporary file, renamed at the end). See
 * the module comment for what is removed and why it is sound.
 */
export function reduceLinear(input: string, out: string, opts: ReduceOptions = {}): ReduceResult {
  const t0 = performance.now();
  const maxTargets = opts.maxTargets ?? 1;
  const info = readR1csInfo(input);
  if (info.prime !== FIELD_P) throw desError("INVALID_R1CS", `${input}: not over BN254's scalar field`);
  const { n8, nWires, nConstraints } = info;
  const nPublic = info.nPubOut + info.nPubIn;
  const inJ = new Uint8Array(nWires);
  for (const w of opts.committed ?? []) {
    if (!Number.isInteger(w) || w <= nPublic || w >= nWires)
      throw desError("INVALID_R1CS", `committed wire ${w} is not a private wire of ${input}`);
    inJ[w] = 1;
  }
  const term = 4 + n8;

  // Pass 1: per wire, the constraints it occurs in (all / linear); the linear constraints' wires.
  const occ = new Uint32Array(nWires);
  const linOcc = new Uint32Array(nWires);
  const seen = new Uint32Array(nWires); // constraint index + 1 of the last occurrence
  const linIndex: number[] = [];
  const linPos: number[] = [];
  const linEnd: number[] = [];
  let linWires = new Uint32Array(1 << 20);
  let linUsed = 0;
  const linStart: number[] = [];
  const fd = openSync(input, "r");
  try {
    const src = new RangeReader(fd, info.constraintsAt, info.constraintsAt + info.constraintsSize, input);
    const wires: number[] = [];
    for (let c = 0; c < nConstraints; c++) {
      const pos = src.position;
      wires.length = 0;
      let constA = true;
      let constB = true;
      for (const [l, [b, at, n]] of readConstraint(src, term).entries()) {
        for (let t = 0; t < n; t++) {
          const w = b.readUInt32LE(at + t * term);
          if (w >= nWires)
            throw desError("INVALID_R1CS", `${input}: wire ${w} out of range`, { constraint: c });
          if (w !== 0) {
            if (l === 0) constA = false;
            else if (l === 1) constB = false;
          }
          if (seen[w] !== c + 1) {
            seen[w] = c + 1;
            wires.push(w);
          }
        }
      }
      const linear = constA || constB;
      for (const w of wires) {
        occ[w]!++;
        if (linear) linOcc[w]!++;
      }
      if (linear) {
        linIndex.push(c);
        linPos.push(pos);
        linEnd.push(src.position);
        linStart.push(linUsed);
        if (linUsed + wires.length > linWires.length) {
          const next = new Uint32Array(Math.max(linWires.length * 2, linUsed + wires.length));
          next.set(linWires.subarray(0, linUsed));
          linWires = next;
        }
        linWires.set(wires, linUsed);
        linUsed += wires.length;
      }
    }
    linStart.push(linUsed);

    // Choice of the eliminated wire of each linear constraint (structure only): the eligible wire
    // read by the fewest other constraints; its cost is the terms its replacement adds there.
    type Choice = { index: number; pos: number; end: number; pivot: number; cost: number; targets: number };
    const cheap: Choice[] = [];
    const dear: Choice[] = [];
    for (let i = 0; i < linIndex.length; i++) {
      const ws = linWires.subarray(linStart[i]!, linStart[i + 1]!);
      let allJ = true;
      for (const w of ws) if (w !== 0 && !inJ[w]) allJ = false;
      let best = -1;
      for (const w of ws) {
        if (w <= nPublic || linOcc[w] !== 1) continue;
        // a committed wire is replaced only by committed wires
        if (inJ[w] && !allJ) continue;
        if (best < 0 || occ[w]! < occ[best]!) best = w;
      }
      if (best < 0) continue;
      const targets = occ[best]! - 1;
      const ch = {
        index: linIndex[i]!,
        pos: linPos[i]!,
        end: linEnd[i]!,
        pivot: best,
        cost: targets * Math.max(0, ws.length - 2),
        targets,
      };
      (targets <= maxTargets ? cheap : dear).push(ch);
    }
    const chosen = [...cheap];
    // one power of two lower, if the dearer eliminations can reach it within the fill budget
    if (opts.fitDomain && dear.length > 0) {
      const after = nConstraints - cheap.length;
      const power = domainPower(after, nPublic);
      if (domainPower(after - dear.length, nPublic) < power) {
        const need = after - (2 ** (power - 1) - nPublic - 1);
        dear.sort((a, b) => a.cost - b.cost);
        const extra = dear.slice(0, need);
        const fill = extra.reduce((a, c) => a + c.cost, 0);
        if (fill <= (opts.maxFill ?? Number.POSITIVE_INFINITY)) chosen.push(...extra);
      }
    }

    // The replacement of each eliminated wire, from its constraint's coefficients.
    const replace = new Map<number, Lc>();
    const dropped = new Uint8Array(nConstraints);
    for (const ch of chosen) {
      const [a, b, c] = readConstraint(new RangeReader(fd, ch.pos, ch.end, input), term).map((lc) =>
        lcOf(lc, n8),
      );
      const form = linearForm(a!, b!, c!);
      const cp = form.get(ch.pivot);
      if (!cp) continue; // cancelled: p does not really occur
      const k = FIELD_P - invmod(cp, FIELD_P); // p = −(1/c_p)·Σ_{k≠p} c_k·w_k
      const expr: Lc = new Map();
      for (const [w, v] of form) if (w !== ch.pivot) expr.set(w, (v * k) % FIELD_P);
      replace.set(ch.pivot, expr);
      dropped[ch.index] = 1;
    }

    // Pass 2: the reduced constraints.
    const kept = writeR1csFrom(fd, input, out, n8, (o) => {
      const src2 = new RangeReader(fd, info.constraintsAt, info.constraintsAt + info.constraintsSize, input);
      for (let c = 0; c < nConstraints; c++) {
        const lcs = readConstraint(src2, term);
        if (dropped[c]) continue;
        for (const [b, at, n] of lcs) {
          let touched = false;
          for (let t = 0; t < n && !touched; t++)
            if (replace.has(b.readUInt32LE(at + t * term))) touched = true;
          if (!touched) {
            o.u32(n);
            o.write(b, at, n * term);
            continue;
          }
          const lc: Lc = new Map();
          for (const [w, v] of lcOf([b, at, n], n8)) {
            const e = replace.get(w);
            if (e) for (const [x, ex] of e) addTo(lc, x, v * ex);
            else addTo(lc, w, v);
          }
          o.write(lcBytes(lc, n8));
        }
      }
      return nConstraints - replace.size;
    });
    const eliminated = [...replace.keys()].sort((a, b) => a - b);
    const committed = (opts.committed ?? []).filter((w) => !replace.has(w)).sort((a, b) => a - b);
    return {
      before: nConstraints,
      nConstraints: kept,
      eliminated,
      committed,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * The committed wires of `r1cs` that need no commitment because the others fix them: w ∈ J is
 * *determined* when a constraint names it in C only, with a non-zero coefficient, and every other
 * wire of that constraint is wire 0, a seed, or a wire determined before it. The constraint then
 * gives w = (A·B − (C − c_w·w))/c_w, one value. `seeds` are committed wires taken as given (the
 * circuits' hints: main-level signals, src/commit/key.ts mainLevelLinkedWires); anything never
 * reached stays committed. Determinations are made in passes over the constraints until none is
 * added, so each determined wire depends only on seeds and wires determined earlier (no cycle).
 *
 * Soundness: the committed set becomes J' = J \ det. In any assignment that satisfies the system,
 * each determined wire equals a function of J' (induction along the order above), so every value
 * the post-challenge arguments read (a wire of J) is still fixed once D fixes J'. A determined wire
 * moves from the commitment (two multiexp terms, D and P) to Groth16's C (one term).
 */
export function determinedWires(
  r1cs: string,
  committed: readonly number[],
  seeds: readonly number[],
): { determined: number[]; passes: number; seconds: number } {
  const t0 = performance.now();
  const info = readR1csInfo(r1cs);
  const { n8, nWires, nConstraints } = info;
  const term = 4 + n8;
  const inJ = new Uint8Array(nWires);
  for (const w of committed) inJ[w] = 1;
  const avail = new Uint8Array(nWires);
  avail[0] = 1;
  for (const w of seeds) {
    if (!inJ[w]) throw desError("INVALID_R1CS", `seed wire ${w} is not a committed wire of ${r1cs}`);
    avail[w] = 1;
  }
  // candidate constraints: every wire committed (or 0), some committed non-seed wire in C only
  let wires = new Uint32Array(1 << 20);
  let cOnly = new Uint8Array(1 << 20);
  let used = 0;
  const starts: number[] = [];
  const fd = openSync(r1cs, "r");
  try {
    const src = new RangeReader(fd, info.constraintsAt, info.constraintsAt + info.constraintsSize, r1cs);
    const side = new Uint8Array(nWires); // bit 0: in A or B, bit 1: in C with a non-zero coefficient
    const ws: number[] = [];
    for (let c = 0; c < nConstraints; c++) {
      ws.length = 0;
      let eligible = true;
      for (const [l, [b, at, n]] of readConstraint(src, term).entries()) {
        for (let t = 0; t < n; t++) {
          const w = b.readUInt32LE(at + t * term);
          if (w !== 0 && !inJ[w]) eligible = false;
          if (!eligible) continue;
          if (side[w] === 0) ws.push(w);
          if (l < 2) side[w]! |= 1;
          else {
            let nz = false;
            for (let k = 0; k < n8 && !nz; k++) if (b[at + t * term + 4 + k] !== 0) nz = true;
            if (nz) side[w]! |= 2;
          }
        }
      }
      let any = false;
      for (const w of ws) if (w !== 0 && side[w] === 2 && !avail[w]) any = true;
      if (eligible && any) {
        if (used + ws.length > wires.length) {
          const size = Math.max(wires.length * 2, used + ws.length);
          const nw = new Uint32Array(size);
          nw.set(wires.subarray(0, used));
          wires = nw;
          const nc = new Uint8Array(size);
          nc.set(cOnly.subarray(0, used));
          cOnly = nc;
        }
        starts.push(used);
        for (const w of ws) {
          wires[used] = w;
          cOnly[used] = side[w] === 2 ? 1 : 0;
          used++;
        }
      }
      for (const w of ws) side[w] = 0;
    }
    starts.push(used);
  } finally {
    closeSync(fd);
  }
  const determined: number[] = [];
  const done = new Uint8Array(starts.length);
  let passes = 0;
  for (let changed = true; changed; ) {
    changed = false;
    passes++;
    for (let i = 0; i + 1 < starts.length; i++) {
      if (done[i]) continue;
      let missing = -1;
      let count = 0;
      for (let k = starts[i]!; k < starts[i + 1]! && count < 2; k++) {
        if (!avail[wires[k]!]) {
          count++;
          missing = k;
        }
      }
      if (count === 0) done[i] = 1;
      else if (count === 1 && cOnly[missing]) {
        const w = wires[missing]!;
        avail[w] = 1;
        determined.push(w);
        done[i] = 1;
        changed = true;
      }
    }
  }
  return { determined: determined.sort((a, b) => a - b), passes, seconds: (performance.now() - t0) / 1000 };
}

/**
 * Identifies wires of a linked system: every `from` wire is replaced by its `to` wire in every
 * constraint, and a constraint that then equals (term for term) an earlier one that names a `to`
 * wire is dropped. A node's two verifiers both derive X, Y and the batch challenges from the one
 * seed (src/commit/key.ts seedDerivedPairs): with the second verifier's copies identified with the
 * first's, its copy of that computation (about 78,000 constraints) is the first's again and goes.
 *
 * Soundness: identifying b with a adds the constraint b = a and eliminates b, so the new system's
 * solutions are solutions of the old one with b = a; dropping a repeated constraint changes
 * nothing. Any identification is therefore sound for plain R1CS satisfiability, and complete
 * where the honest witness has equal values (functions of the same seed). Refused: a `from` that
 * is wire 0 or public (a public value would be left unconstrained), a `to` that is itself a
 * `from`, and, for a committed node, a committed `from` whose `to` is not committed (the
 * constraints that read it would read a value chosen after the challenge).
 */
export function identifyWires(
  input: string,
  out: string,
  pairs: readonly (readonly [from: number, to: number])[],
  opts: { committed?: readonly number[] } = {},
): { before: number; nConstraints: number; identified: number; dropped: number; seconds: number } {
  const t0 = performance.now();
  const info = readR1csInfo(input);
  if (info.prime !== FIELD_P) throw desError("INVALID_R1CS", `${input}: not over BN254's scalar field`);
  const { n8, nWires, nConstraints } = info;
  const nPublic = info.nPubOut + info.nPubIn;
  const term = 4 + n8;
  const inJ = new Uint8Array(nWires);
  for (const w of opts.committed ?? []) inJ[w] = 1;
  const map = new Int32Array(nWires).fill(-1);
  const isTo = new Uint8Array(nWires);
  for (const [from, to] of pairs) {
    if (!(from > nPublic && from < nWires && to >= 0 && to < nWires && from !== to))
      throw desError("INVALID_R1CS", `cannot identify wire ${from} with ${to} in ${input}`);
    if (inJ[from] && !inJ[to])
      throw desError("INVALID_R1CS", `committed wire ${from} cannot become the uncommitted wire ${to}`);
    map[from] = to;
    isTo[to] = 1;
  }
  for (const [, to] of pairs)
    if (map[to]! >= 0) throw desError("INVALID_R1CS", `wire ${to} is both identified and a target`);

  const seen = new Set<string>();
  let dropped = 0;
  let kept: number;
  const fd = openSync(input, "r");
  try {
    kept = writeR1csFrom(fd, input, out, n8, (o) => {
      const src = new RangeReader(fd, info.constraintsAt, info.constraintsAt + info.constraintsSize, input);
      for (let c = 0; c < nConstraints; c++) {
        const raw = readConstraint(src, term);
        let named = false;
        for (const [b, at, n] of raw)
          for (let t = 0; t < n && !named; t++) {
            const w = b.readUInt32LE(at + t * term);
            if (isTo[w] || map[w]! >= 0) named = true;
          }
        if (!named) {
          for (const [b, at, n] of raw) {
            o.u32(n);
            o.write(b, at, n * term);
          }
          continue;
        }
        // canonical form (terms by wire, merged) of a constraint that names an identified wire
        const lcs = raw.map((r) => {
          const lc: Lc = new Map();
          for (const [w, v] of lcOf(r, n8)) addTo(lc, map[w]! >= 0 ? map[w]! : w, v);
          return lcBytes(lc, n8);
        });
        const key = createHash("sha256").update(Buffer.concat(lcs)).digest("base64");
        if (seen.has(key)) {
          dropped++;
          continue;
        }
        seen.add(key);
        for (const lc of lcs) o.write(lc);
      }
      return nConstraints - dropped;
    });
  } finally {
    closeSync(fd);
  }
  return {
    before: nConstraints,
    nConstraints: kept,
    identified: pairs.length,
    dropped,
    seconds: (performance.now() - t0) / 1000,
  };
}
