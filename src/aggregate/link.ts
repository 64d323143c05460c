/**
 * R1CS linking: one constraint system from a small *glue* circuit and large *parts* compiled on
 * their own (the aggregator's in-circuit Groth16 verifiers), with each part's public wires
 * identified with wires of the glue.
 *
 * Why: circom2 runs in 32-bit WebAssembly (4 GiB). One verifier compiles at --O1 in ≈ 8 min and
 * 3.0 GB; a circuit holding two runs out of memory at --O1, and at --O0 keeps 4.0M signal copies as
 * linear constraints. Linking compiles each verifier once (cached, at --O1) and joins them by
 * renumbering wires, in one streaming pass over the r1cs files.
 *
 * Soundness: the linked system is the conjunction of the glue's constraints and every part's, over
 * one wire vector in which part i's public wire k *is* glue wire bind_i[k]. An assignment satisfies
 * it exactly when the glue's restriction satisfies the glue and part i's restriction (with its
 * public values taken from the glue) satisfies part i. A part's soundness does not depend on its
 * public wires being public: the glue computes them (e.g. as hashes of the children's statements),
 * and only the glue's public wires stay public.
 *
 * Layout (wire numbers of the linked system):
 *   [0, nGlue)                          the glue's wires, unchanged (wire 0 = 1, then its public
 *                                       outputs and inputs: the linked system's public signals);
 *   base_i + (w − 1 − nPub_i)           part i's wire w > nPub_i (its private and internal wires),
 *                                       base_0 = nGlue, base_{i+1} = base_i + nWires_i − 1 − nPub_i;
 *   part i's wire 0 → 0, its public wire k (1 ≤ k ≤ nPub_i) → bind_i[k − 1].
 * The witness is laid out the same way (linkWitness), from each circuit's own .wtns file.
 */
import { closeSync, openSync, renameSync } from "node:fs";
import { desError } from "../errors.ts";
import { type R1csInfo, readR1csInfo } from "../setup/devsetup.ts";
import { BinWriter, RangeReader as In, readExact, readSections } from "../util/binfile.ts";

const CHUNK = 16 << 20;

export interface LinkPart {
  r1cs: string;
  /** Glue wire for each public wire of the part (outputs then public inputs), in order. */
  bind: readonly number[];
}

export interface LinkResult {
  nWires: number;
  nConstraints: number;
  /** Public signals of the linked system (the glue's). */
  nPublic: number;
  /** First linked wire of each part's private wires. */
  bases: number[];
  seconds: number;
}

/** The wire map of a part as a function (see the module comment). */
function partMap(info: R1csInfo, bind: readonly number[], base: number): (w: number) => number {
  const nPub = info.nPubOut + info.nPubIn;
  return (w) => (w === 0 ? 0 : w <= nPub ? bind[w - 1]! : base + w - 1 - nPub);
}

/** Where linkR1cs places each part's private wires: after the glue's, in part order. */
function layout(g: R1csInfo, infos: readonly R1csInfo[]): { bases: number[]; nWires: number } {
  const bases: number[] = [];
  let nWires = g.nWires;
  for (const info of infos) {
    bases.push(nWires);
    nWires += info.nWires - 1 - info.nPubOut - info.nPubIn;
  }
  return { bases, nWires };
}

/** The first linked wire of each part's private wires (LinkResult.bases) without linking. */
export function linkBases(glue: string, parts: readonly string[]): number[] {
  return layout(
    readR1csInfo(glue),
    parts.map((p) => readR1csInfo(p)),
  ).bases;
}

/**
 * Writes the linked r1cs of `glue` and `parts` to `out` (through a temporary file, renamed at the
 * end). Checks: one prime, each part's bind list covers exactly its public wires and names glue
 * wires other than wire 0.
 */
export function linkR1cs(glue: string, parts: readonly LinkPart[], out: string): LinkResult {
  const t0 = performance.now();
  const g = readR1csInfo(glue);
  const infos = parts.map((p) => readR1csInfo(p.r1cs));
  infos.forEach((info, i) => {
    const p = parts[i]!;
    if (info.prime !== g.prime || info.n8 !== g.n8)
      throw desError("INVALID_R1CS", `${p.r1cs}: another field than the glue circuit's`);
    const nPub = info.nPubOut + info.nPubIn;
    if (p.bind.length !== nPub)
      throw desError("INVALID_R1CS", `${p.r1cs}: ${nPub} public wires but ${p.bind.length} bindings`, {
        part: i,
      });
    for (const b of p.bind) {
      if (!Number.isInteger(b) || b < 1 || b >= g.nWires)
        throw desError("INVALID_R1CS", `part ${i}: binding ${b} is not a glue wire (1 … ${g.nWires - 1})`, {
          part: i,
        });
    }
  });
  const { bases, nWires } = layout(g, infos);
  const nConstraints = g.nConstraints + infos.reduce((a, i) => a + i.nConstraints, 0);
  const nLabels = g.nLabels + infos.reduce((a, i) => a + i.nLabels, 0);

  const tmp = `${out}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    const o = new BinWriter(fd, "r1cs", 1, 3);
    o.begin(1);
    o.u32(g.n8);
    const prime = Buffer.alloc(g.n8);
    let pv = g.prime;
    for (let i = 0; i < g.n8; i++) {
      prime[i] = Number(pv & 0xffn);
      pv >>= 8n;
    }
    o.write(prime);
    o.u32(nWires);
    o.u32(g.nPubOut);
    o.u32(g.nPubIn);
    o.u32(g.nPrvIn + infos.reduce((a, i) => a + i.nPrvIn, 0));
    o.u64(nLabels);
    o.u32(nConstraints);
    o.end();
    o.begin(2);
    const copy = (file: string, info: R1csInfo, map: ((w: number) => number) | null) => {
      const rfd = openSync(file, "r");
      try {
        const src = new In(rfd, info.constraintsAt, info.constraintsAt + info.constraintsSize, file);
        const term = 4 + info.n8;
        for (let c = 0; c < info.nConstraints; c++) {
          for (let l = 0; l < 3; l++) {
            const [hb, ho] = src.need(4);
            const n = hb.readUInt32LE(ho);
            const [b, at] = src.need(n * term);
            const lc = Buffer.from(b.subarray(at, at + n * term));
            if (map) {
              for (let t = 0; t < n; t++) {
                const w = lc.readUInt32LE(t * term);
                if (w >= info.nWires) throw desError("INVALID_R1CS", `${file}: wire ${w} out of range`);
                lc.writeUInt32LE(map(w), t * term);
              }
            }
            o.u32(n);
            o.write(lc);
          }
        }
      } finally {
        closeSync(rfd);
      }
    };
    copy(glue, g, null);
    infos.forEach((info, i) => {
      copy(parts[i]!.r1cs, info, partMap(info, parts[i]!.bind, bases[i]!));
    });
    o.end();
    // wire → label map: the glue's labels, then each part's private wires' labels, offset
    o.begin(3);
    /** Copies a file's wire → label map, dropping wires 0 … skip (a part's one and public wires). */
    const copyLabels = (file: string, skip: number, labelOffset: number) => {
      const rfd = openSync(file, "r");
      try {
        const map = readSections(rfd, file, "r1cs", "INVALID_R1CS").get(3);
        if (!map) throw desError("INVALID_R1CS", `${file}: no wire-to-label section`);
        const src = new In(rfd, map.pos, map.pos + map.len, file);
        for (let w = 0; w < map.len / 8; w++) {
          const [b, at] = src.need(8);
          if (w > skip) o.u64(Number(b.readBigUInt64LE(at)) + labelOffset);
        }
      } finally {
        closeSync(rfd);
      }
    };
    copyLabels(glue, -1, 0);
    let labelOffset = g.nLabels;
    infos.forEach((info, i) => {
      copyLabels(parts[i]!.r1cs, info.nPubOut + info.nPubIn, labelOffset);
      labelOffset += info.nLabels;
    });
    o.end();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, out);
  return {
    nWires,
    nConstraints,
    nPublic: g.nPubOut + g.nPubIn,
    bases,
    seconds: (performance.now() - t0) / 1000,
  };
}

interface WtnsInfo {
  n8: number;
  nWitness: number;
  /** Byte offsets of the prime and of the values section's data. */
  primeAt: number;
  valuesAt: number;
}

function readWtnsInfo(file: string): WtnsInfo {
  const fd = openSync(file, "r");
  try {
    const sections = readSections(fd, file, "wtns", "INVALID_R1CS");
    const h = sections.get(1);
    const v = sections.get(2);
    if (!h || !v || h.len < 8) throw desError("INVALID_R1CS", `${file}: malformed wtns file`);
    const head = readExact(fd, h.pos, h.len, "INVALID_R1CS", file);
    const n8 = head.readUInt32LE(0);
    const nWitness = head.readUInt32LE(4 + n8);
    if (!n8 || v.len < nWitness * n8)
      throw desError("INVALID_R1CS", `${file}: malformed or truncated wtns file`);
    return { n8, nWitness, primeAt: h.pos + 4, valuesAt: v.pos };
  } finally {
    closeSync(fd);
  }
}

const readRange = (fd: number, pos: number, len: number) =>
  readExact(fd, pos, len, "INVALID_R1CS", "wtns file");

export interface WitnessPart {
  wtns: string;
  /** The part's public wire count (outputs + public inputs) and their glue wires, as for linkR1cs. */
  bind: readonly number[];
}

/**
 * Writes the linked witness (layout of linkR1cs) from the glue's and the parts' .wtns files. Each
 * part's public values must equal the glue wires they are bound to: a mismatch throws
 * (WITNESS_MISMATCH) naming the part and wire, since the linked system would not be satisfied.
 */
export function linkWitness(glue: string, parts: readonly WitnessPart[], out: string): { nWitness: number } {
  const g = readWtnsInfo(glue);
  const infos = parts.map((p) => readWtnsInfo(p.wtns));
  const n8 = g.n8;
  const nWitness = g.nWitness + infos.reduce((a, i, k) => a + i.nWitness - 1 - parts[k]!.bind.length, 0);
  const gfd = openSync(glue, "r");
  const tmp = `${out}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    // wtns v2: section 1: n8, prime, nWitness; section 2: the values
    const o = new BinWriter(fd, "wtns", 2, 2);
    o.begin(1);
    o.u32(n8);
    o.write(readRange(gfd, g.primeAt, n8));
    o.u32(nWitness);
    o.end();
    o.begin(2);
    for (let at = 0; at < g.nWitness * n8; at += CHUNK)
      o.write(readRange(gfd, g.valuesAt + at, Math.min(CHUNK, g.nWitness * n8 - at)));
    parts.forEach((p, i) => {
      const info = infos[i]!;
      if (info.n8 !== n8) throw desError("WITNESS_MISMATCH", `${p.wtns}: another field size than the glue's`);
      const pfd = openSync(p.wtns, "r");
      try {
        const pub = readRange(pfd, info.valuesAt + n8, p.bind.length * n8);
        p.bind.forEach((w, k) => {
          const mine = pub.subarray(k * n8, (k + 1) * n8);
          const theirs = readRange(gfd, g.valuesAt + w * n8, n8);
          if (!mine.equals(theirs))
            throw desError(
              "WITNESS_MISMATCH",
              `part ${i}: public wire ${k + 1} differs from glue wire ${w}`,
              {
                part: i,
                wire: k + 1,
                glueWire: w,
              },
            );
        });
        const from = info.valuesAt + (1 + p.bind.length) * n8;
        const len = (info.nWitness - 1 - p.bind.length) * n8;
        for (let at = 0; at < len; at += CHUNK) o.write(readRange(pfd, from + at, Math.min(CHUNK, len - at)));
      } finally {
        closeSync(pfd);
      }
    });
    o.end();
  } finally {
    closeSync(fd);
    closeSync(gfd);
  }
  renameSync(tmp, out);
  return { nWitness };
}

/**
 * A wtns file's values as stored (n8 bytes each, little-endian, standard form): for code that
 * copies or compares wires without turning them into bigints (reading 1M wires as bigints takes
 * seconds).
 */
export function readWtnsBytes(file: string): { n8: number; nWitness: number; values: Buffer } {
  const info = readWtnsInfo(file);
  const fd = openSync(file, "r");
  try {
    return {
      n8: info.n8,
      nWitness: info.nWitness,
      values: readRange(fd, info.valuesAt, info.nWitness * info.n8),
    };
  } finally {
    closeSync(fd);
  }
}

/** A .wtns file's values (tests and diagnostics; a verifier's witness has millions of wires). */
export function readWtns(file: string): bigint[] {
  const info = readWtnsInfo(file);
  const fd = openSync(file, "r");
  try {
    const b = readRange(fd, info.valuesAt, info.nWitness * info.n8);
    const out: bigint[] = new Array(info.nWitness);
    for (let i = 0; i < info.nWitness; i++) {
      let v = 0n;
      for (let j = info.n8 - 1; j >= 0; j--) v = (v << 8n) | BigInt(b[i * info.n8 + j]!);
      out[i] = v;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}
