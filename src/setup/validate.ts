/**
 * Structural validation of Groth16 zkey files (snarkjs's format), so a corrupted or truncated key is
 * refused with a DesError naming what is wrong instead of crashing deep inside snarkjs.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { desError } from "../errors.ts";
import { DEV_NOTICE } from "./devsetup.ts";
import { Bn128Wasm, bn128Code, Q, R } from "./wasm.ts";

export interface ZkeyInfo {
  protocol: "groth16";
  nVars: number;
  nPublic: number;
  domainSize: number;
  nCoefs: number;
  bytes: number;
  /** Names of the contributions in section 10. */
  contributions: string[];
  /** True when the key carries the development-setup marker. */
  development: boolean;
}

export interface ValidateOptions {
  /** Expected sha256 (hex) of the whole file, e.g. from the key directory's setup.json. */
  sha256?: string;
  /** Also check that every point of every section is on the curve (reads the whole file). */
  deep?: boolean;
}

const HEADER_SIZE = 4 + 32 + 4 + 32 + 4 * 3 + 64 + 64 + 128 + 128 + 64 + 128;

/** Streams a file through sha256. */
export function sha256File(file: string): string {
  const h = createHash("sha256");
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.allocUnsafe(8 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest("hex");
}

/** Checks a zkey's layout (every section present with the size its header implies) and header points. */
export async function validateZkey(file: string, opts: ValidateOptions = {}): Promise<ZkeyInfo> {
  const bad = (reason: string, extra: Record<string, unknown> = {}) =>
    desError("INVALID_ZKEY", `${file}: ${reason}`, { file, reason, ...extra });
  if (!existsSync(file)) throw desError("FILE_NOT_FOUND", `${file}: no such proving key`, { file });
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const read = (pos: number, len: number): Buffer => {
      if (pos + len > size) throw bad(`truncated: needs ${pos + len} bytes, file has ${size}`);
      const b = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const n = readSync(fd, b, got, len - got, pos + got);
        if (n <= 0) throw bad("unexpected end of file");
        got += n;
      }
      return b;
    };
    const head = read(0, 12);
    if (head.toString("latin1", 0, 4) !== "zkey") throw bad("not a zkey file (bad magic)");
    const version = head.readUInt32LE(4);
    if (version !== 1) throw bad(`unsupported zkey version ${version}`);
    const nSections = head.readUInt32LE(8);
    if (nSections > 64) throw bad(`implausible section count ${nSections}`);
    const sections = new Map<number, { at: number; size: number }>();
    let pos = 12;
    for (let i = 0; i < nSections; i++) {
      const sh = read(pos, 12);
      const type = sh.readUInt32LE(0);
      const len = Number(sh.readBigUInt64LE(4));
      pos += 12;
      if (pos + len > size) throw bad(`truncated: section ${type} needs ${len} bytes, ${size - pos} left`);
      if (sections.has(type)) throw bad(`section ${type} appears twice`);
      sections.set(type, { at: pos, size: len });
      pos += len;
    }
    if (pos !== size) throw bad(`${size - pos} stray bytes after the last section`);
    for (let t = 1; t <= 10; t++) if (!sections.has(t)) throw bad(`missing section ${t}`);
    const sec = (t: number) => sections.get(t)!;
    const expect = (t: number, want: number, what: string) => {
      if (sec(t).size !== want)
        throw bad(`section ${t} (${what}) has ${sec(t).size} bytes, expected ${want}`);
    };

    expect(1, 4, "protocol");
    if (read(sec(1).at, 4).readUInt32LE(0) !== 1) throw bad("not a Groth16 key");
    expect(2, HEADER_SIZE, "Groth16 header");
    const h = read(sec(2).at, HEADER_SIZE);
    const le = (o: number) => {
      let v = 0n;
      for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(h[o + i]!);
      return v;
    };
    if (h.readUInt32LE(0) !== 32 || le(4) !== Q || h.readUInt32LE(36) !== 32 || le(40) !== R) {
      throw bad("key is not for the BN254 curve");
    }
    const nVars = h.readUInt32LE(72);
    const nPublic = h.readUInt32LE(76);
    const domainSize = h.readUInt32LE(80);
    if (nVars < 1 || nPublic >= nVars) throw bad(`inconsistent header: nVars ${nVars}, nPublic ${nPublic}`);
    if (domainSize < 2 || (domainSize & (domainSize - 1)) !== 0 || domainSize > 2 ** 28) {
      throw bad(`domain size ${domainSize} is not a power of two`);
    }
    expect(3, (nPublic + 1) * 64, "IC");
    if (sec(4).size < 4) throw bad("section 4 (coefficients) is truncated");
    const nCoefs = read(sec(4).at, 4).readUInt32LE(0);
    expect(4, 4 + nCoefs * 44, "coefficients");
    expect(5, nVars * 64, "A");
    expect(6, nVars * 64, "B1");
    expect(7, nVars * 128, "B2");
    expect(8, (nVars - nPublic - 1) * 64, "C");
    expect(9, domainSize * 64, "H");

    // contributions
    const c = read(sec(10).at, sec(10).size);
    if (c.length < 68) throw bad("section 10 (contributions) is truncated");
    const nContrib = c.readUInt32LE(64);
    const contributions: string[] = [];
    let p = 68;
    for (let i = 0; i < nContrib; i++) {
      p += 64 * 3 + 128 + 64 + 4;
      if (p + 4 > c.length) throw bad("section 10 (contributions) is truncated");
      const plen = c.readUInt32LE(p);
      p += 4;
      if (p + plen > c.length) throw bad("section 10 (contributions) is truncated");
      let name = "";
      if (plen >= 2 && c[p] === 1) name = c.toString("utf8", p + 2, p + 2 + c[p + 1]!);
      contributions.push(name);
      p += plen;
    }
    if (p !== c.length) throw bad("section 10 (contributions) has the wrong size");

    // points: the header's always, every section's with `deep`
    const w = await Bn128Wasm.create(await bn128Code(), opts.deep ? 32 << 20 : 1 << 20);
    const buf = w.alloc(opts.deep ? 16 << 20 : 1024);
    const checkPoints = (bytes: Uint8Array, sG: 64 | 128, what: string, allowZero: boolean, base = 0) => {
      w.u8.set(bytes, buf);
      for (let i = 0; i < bytes.length / sG; i++) {
        const pt = buf + i * sG;
        const zero = sG === 64 ? w.x.g1m_isZeroAffine(pt) : w.x.g2m_isZeroAffine(pt);
        const ok = zero ? allowZero : sG === 64 ? w.x.g1m_inCurveAffine(pt) : w.x.g2m_inCurveAffine(pt);
        if (!ok) throw bad(`${what} point ${base + i} is not on the curve`);
      }
    };
    const o = 84;
    checkPoints(h.subarray(o, o + 128), 64, "header (α, β in G1)", false);
    checkPoints(h.subarray(o + 128, o + 384), 128, "header (β, γ in G2)", false);
    checkPoints(h.subarray(o + 384, o + 448), 64, "header (δ in G1)", false);
    checkPoints(h.subarray(o + 448, o + 576), 128, "header (δ in G2)", false);
    if (opts.deep) {
      for (const [t, sG, what] of [
        [3, 64, "IC"],
        [5, 64, "A"],
        [6, 64, "B1"],
        [7, 128, "B2"],
        [8, 64, "C"],
        [9, 64, "H"],
      ] as const) {
        const { at, size: len } = sec(t);
        const step = Math.floor((16 << 20) / sG) * sG;
        for (let off = 0; off < len; off += step) {
          checkPoints(read(at + off, Math.min(step, len - off)), sG, what, true, off / sG);
        }
      }
    }
    w.wipe();
    if (opts.sha256 && sha256File(file) !== opts.sha256) {
      throw bad("contents differ from the recorded sha256 (file corrupted or replaced)", {
        expected: opts.sha256,
      });
    }
    return {
      protocol: "groth16",
      nVars,
      nPublic,
      domainSize,
      nCoefs,
      bytes: size,
      contributions,
      development: contributions.includes(DEV_NOTICE),
    };
  } finally {
    closeSync(fd);
  }
}
