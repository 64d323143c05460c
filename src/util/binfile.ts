/**
 * The iden3 binary file layout shared by .r1cs, .wtns, .zkey and .ptau files: a 4-byte magic, a
 * u32 version, a u32 section count, then sections (u32 type, u64 length, data). A buffered writer
 * and a section-table reader, for the setup (zkey) and the r1cs/witness linker.
 */
import { fstatSync, readSync, writeSync } from "node:fs";
import { desError, type ErrorCode } from "../errors.ts";

/** Sequential, buffered writer of a binfile; `end()` patches each section's length. */
export class BinWriter {
  private pos = 0;
  private sectionStart = -1;
  private readonly buf: Buffer;
  private used = 0;

  constructor(
    private readonly fd: number,
    magic: string,
    version: number,
    nSections: number,
    bufferBytes = 16 << 20,
  ) {
    this.buf = Buffer.alloc(bufferBytes);
    const h = Buffer.alloc(12);
    h.write(magic, 0, "latin1");
    h.writeUInt32LE(version, 4);
    h.writeUInt32LE(nSections, 8);
    this.write(h);
  }

  /** Bytes written so far (buffered included). */
  get position(): number {
    return this.pos + this.used;
  }

  write(data: Uint8Array, offset = 0, length = data.length - offset): void {
    if (this.used + length > this.buf.length) this.flush();
    if (length > this.buf.length) {
      this.raw(data, offset, length);
      return;
    }
    this.buf.set(data.subarray(offset, offset + length), this.used);
    this.used += length;
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.write(b);
  }

  u64(v: number | bigint): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.write(b);
  }

  begin(type: number): void {
    const h = Buffer.alloc(12);
    h.writeUInt32LE(type, 0);
    this.write(h);
    this.sectionStart = this.position;
  }

  /** Ends the open section (writing its length) and flushes. */
  end(): void {
    this.flush();
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(this.pos - this.sectionStart));
    writeSync(this.fd, b, 0, 8, this.sectionStart - 8);
    this.sectionStart = -1;
  }

  /** Overwrites a u32 written earlier (e.g. a count known only at the end of a section). */
  patchU32(at: number, v: number): void {
    this.flush();
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    writeSync(this.fd, b, 0, 4, at);
  }

  flush(): void {
    if (this.used) this.raw(this.buf, 0, this.used);
    this.used = 0;
  }

  private raw(data: Uint8Array, offset: number, length: number): void {
    let done = 0;
    while (done < length) done += writeSync(this.fd, data, offset + done, length - done, this.pos + done);
    this.pos += length;
  }
}

/** Reads exactly `len` bytes at `pos` (throws `code` if the file is shorter). */
export function readExact(fd: number, pos: number, len: number, code: ErrorCode, file: string): Buffer {
  const b = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const r = readSync(fd, b, got, len - got, pos + got);
    if (r <= 0) throw desError(code, `${file} is truncated`, { at: pos + got });
    got += r;
  }
  return b;
}

/**
 * The section table of a binfile: type → byte offset and length of its (first) section's data.
 * Checks the magic and that every section lies inside the file.
 */
export function readSections(
  fd: number,
  file: string,
  magic: string,
  code: ErrorCode,
): Map<number, { pos: number; len: number }> {
  const size = fstatSync(fd).size;
  if (size < 12) throw desError(code, `${file}: not a ${magic} file`);
  const head = readExact(fd, 0, 12, code, file);
  if (head.toString("latin1", 0, 4) !== magic) throw desError(code, `${file}: not a ${magic} file`);
  const out = new Map<number, { pos: number; len: number }>();
  let pos = 12;
  for (let i = 0; i < head.readUInt32LE(8); i++) {
    const sh = readExact(fd, pos, 12, code, file);
    const type = sh.readUInt32LE(0);
    const len = Number(sh.readBigUInt64LE(4));
    pos += 12;
    if (pos + len > size) throw desError(code, `${file}: section ${type} runs past the end of the file`);
    if (!out.has(type)) out.set(type, { pos, len });
    pos += len;
  }
  return out;
}

const READ_CHUNK = 16 << 20;

/**
 * Sequential, buffered reader over a byte range of a file (an r1cs constraints section, say);
 * `need(n)` throws INVALID_R1CS where the range ends first.
 */
export class RangeReader {
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
  /** File offset of the next unread byte. */
  get position(): number {
    return this.filePos - (this.buf.length - this.off);
  }
  /** Ensures n bytes are buffered and returns the buffer and offset to read them at. */
  need(n: number): [Buffer, number] {
    if (this.buf.length - this.off < n) {
      const rest = this.buf.subarray(this.off);
      const want = Math.max(n, READ_CHUNK);
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
