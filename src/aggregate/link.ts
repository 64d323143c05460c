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
import { closeSync, fstatSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { desError } from "../errors.ts";
import { type R1csInfo, readR1csInfo } from "../setup/devsetup.ts";

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

const CHUNK = 16 << 20;

class Out {
  private pos = 0;
  private readonly buf = Buffer.alloc(CHUNK);
  private used = 0;
  constructor(private readonly fd: number) {}
  get position(): number {
    return this.pos + this.used;
  }
  write(b: Uint8Array): void {
    if (this.used + b.length > this.buf.length) this.flush();
    if (b.length > this.buf.length) {
      this.raw(b);
      return;
    }
    this.buf.set(b, this.used);
    this.used += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.write(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.write(b);
  }
  private raw(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, this.pos + done);
    this.pos += b.length;
  }
  flush(): void {
    if (this.used) this.raw(this.buf.subarray(0, this.used));
    this.used = 0;
  }
  /** Overwrites 8 bytes at an earlier position (a section length), after flushing. */
  patchU64(at: number, v: number): void {
    this.flush();
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    writeSync(this.fd, b, 0, 8, at);
  }
}

/** Sequential reader over a byte range of a file. */
class In {
  private buf = Buffer.alloc(0);
  private off = 0;
  private filePos: number;
  constructor(
    private readonly fd: number,
    from: number,
    private readonly end: number,
    private readonly file: string,
  ) {
    this.filePos = from;
  }
  /** Ensures n bytes are buffered and returns the buffer and offset to read them at. */
  need(n: number): [Buffer, number] {
    if (this.buf.length - this.off < n) {
      const rest = this.buf.subarray(this.off);
      const want = Math.max(n, CHUNK);
      const size = Math.min(want, rest.length + (this.end - this.filePos));
      if (size < n) throw desError("INVALID_R1CS", `${this.file}: constraints section is truncated`);
      const next = Buffer.alloc(size);
      rest.copy(next, 0);
      let got = rest.length;
      while (got < size) {
        const r = readSync(this.fd, next, got, size - got, this.filePos);
        if (r <= 0) throw desError("INVALID_R1CS", `${this.file}: constraints section is truncated`);
        got += r;
        this.filePos += r;
      }
      this.buf = next;
      this.off = 0;
    }
    const at = this.off;
    this.off += n;
    return [this.buf, at];
  }
}

/** Reads the nLabels field of an r1cs header (not part of R1csInfo). */
function readLabels(file: string): number {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    let pos = 12;
    for (let i = 0; i < head.readUInt32LE(8); i++) {
      const sh = Buffer.alloc(12);
      readSync(fd, sh, 0, 12, pos);
      pos += 12;
      if (sh.readUInt32LE(0) === 1) {
        const h = Buffer.alloc(4 + 32 + 24);
        readSync(fd, h, 0, h.length, pos);
        return Number(h.readBigUInt64LE(4 + h.readUInt32LE(0) + 16));
      }
      pos += Number(sh.readBigUInt64LE(4));
    }
  } finally {
    closeSync(fd);
  }
  throw desError("INVALID_R1CS", `${file}: missing header section`);
}

/** The wire map of a part as a function (see the module comment). */
function partMap(info: R1csInfo, bind: readonly number[], base: number): (w: number) => number {
  const nPub = info.nPubOut + info.nPubIn;
  return (w) => (w === 0 ? 0 : w <= nPub ? bind[w - 1]! : base + w - 1 - nPub);
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
  const bases: number[] = [];
  let nWires = g.nWires;
  for (const info of infos) {
    bases.push(nWires);
    nWires += info.nWires - 1 - info.nPubOut - info.nPubIn;
  }
  const nConstraints = g.nConstraints + infos.reduce((a, i) => a + i.nConstraints, 0);
  const nLabels = readLabels(glue) + parts.reduce((a, p) => a + readLabels(p.r1cs), 0);

  const tmp = `${out}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    const o = new Out(fd);
    const magic = Buffer.from("r1cs", "latin1");
    o.write(magic);
    o.u32(1);
    o.u32(3);
    // header
    o.u32(1);
    o.u64(4 + g.n8 + 28);
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
    // constraints
    o.u32(2);
    const lenAt = o.position;
    o.u64(0);
    const start = o.position;
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
    const constraintsLen = o.position - start;
    // wire → label map: the glue's labels, then each part's private wires' labels, offset
    o.u32(3);
    o.u64(nWires * 8);
    /** Copies a file's wire → label map, dropping wires 0 … skip (a part's one and public wires). */
    const copyLabels = (file: string, skip: number, labelOffset: number) => {
      const rfd = openSync(file, "r");
      try {
        const head = Buffer.alloc(12);
        readSync(rfd, head, 0, 12, 0);
        let pos = 12;
        for (let s = 0; s < head.readUInt32LE(8); s++) {
          const sh = Buffer.alloc(12);
          readSync(rfd, sh, 0, 12, pos);
          pos += 12;
          const len = Number(sh.readBigUInt64LE(4));
          if (sh.readUInt32LE(0) === 3) {
            const src = new In(rfd, pos, pos + len, file);
            for (let w = 0; w < len / 8; w++) {
              const [b, at] = src.need(8);
              if (w > skip) o.u64(Number(b.readBigUInt64LE(at)) + labelOffset);
            }
            return;
          }
          pos += len;
        }
        throw desError("INVALID_R1CS", `${file}: no wire-to-label section`);
      } finally {
        closeSync(rfd);
      }
    };
    copyLabels(glue, -1, 0);
    let labelOffset = readLabels(glue);
    infos.forEach((info, i) => {
      copyLabels(parts[i]!.r1cs, info.nPubOut + info.nPubIn, labelOffset);
      labelOffset += readLabels(parts[i]!.r1cs);
    });
    o.patchU64(lenAt, constraintsLen);
    o.flush();
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
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    if (head.toString("latin1", 0, 4) !== "wtns") throw desError("INVALID_R1CS", `${file}: not a wtns file`);
    let pos = 12;
    let n8 = 0;
    let nWitness = 0;
    let valuesAt = -1;
    let primeAt = -1;
    for (let s = 0; s < head.readUInt32LE(8); s++) {
      const sh = Buffer.alloc(12);
      readSync(fd, sh, 0, 12, pos);
      pos += 12;
      const len = Number(sh.readBigUInt64LE(4));
      if (sh.readUInt32LE(0) === 1) {
        const h = Buffer.alloc(len);
        readSync(fd, h, 0, len, pos);
        n8 = h.readUInt32LE(0);
        primeAt = pos + 4;
        nWitness = h.readUInt32LE(4 + n8);
      } else if (sh.readUInt32LE(0) === 2) {
        valuesAt = pos;
      }
      pos += len;
    }
    if (valuesAt < 0 || primeAt < 0 || !n8 || valuesAt + nWitness * n8 > size)
      throw desError("INVALID_R1CS", `${file}: malformed or truncated wtns file`);
    return { n8, nWitness, primeAt, valuesAt };
  } finally {
    closeSync(fd);
  }
}

function readRange(fd: number, pos: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const r = readSync(fd, b, got, len - got, pos + got);
    if (r <= 0) throw desError("INVALID_R1CS", "wtns file is truncated");
    got += r;
  }
  return b;
}

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
    const o = new Out(fd);
    // wtns v2: magic, version, 2 sections; 1: n8, prime, nWitness; 2: the values.
    const prime = readRange(gfd, g.primeAt, n8);
    o.write(Buffer.from("wtns", "latin1"));
    o.u32(2);
    o.u32(2);
    o.u32(1);
    o.u64(4 + n8 + 4);
    o.u32(n8);
    o.write(prime);
    o.u32(nWitness);
    o.u32(2);
    o.u64(nWitness * n8);
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
    o.flush();
  } finally {
    closeSync(fd);
    closeSync(gfd);
  }
  renameSync(tmp, out);
  return { nWitness };
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
