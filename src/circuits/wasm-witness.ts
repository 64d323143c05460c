/**
 * A witness calculator for circom's WebAssembly witness generators, in TypeScript (the generated
 * `witness_calculator.js` is CommonJS).
 *
 * circom compiles both `a === b` (a constraint) and `assert(...)` (a witness-time check only) into
 * the same code: on failure the template prints "Error in template … line …" and returns error 4,
 * every enclosing template returns too, and the runtime raises "Assert Failed". The generator's
 * `sanityCheck` flag does not change that. A *lenient* calculator patches the module so that a
 * failed check prints its message and carries on (the `i32.const 4; return` after the message
 * becomes no-ops): a tampered input then yields the witness an honest run computes, failed checks
 * are counted, and a constraint check (./r1cs.ts) tells whether the R1CS itself rejects it. That is
 * how the soundness tests prove a failure comes from a constraint and not only from an assert.
 */
import { readFileSync } from "node:fs";
import { FIELD_P } from "../crypto/field.ts";

/** Circuit input: signal name → value or (nested) array of values; bigints, numbers or decimal strings. */
export type InputValue = bigint | number | string | InputValue[];
export type CircuitInput = Record<string, InputValue>;

export interface WitnessResult {
  /** Wire values, wire 0 = 1, then outputs, then public and private inputs, then the rest. */
  witness: bigint[];
  /** Failed `===`/`assert` checks met while computing (always 0 unless lenient). */
  failedAsserts: number;
  /** Messages circom printed for them (template and line), when available. */
  assertMessages: string[];
}

interface WcExports {
  memory: WebAssembly.Memory;
  getVersion(): number;
  getFieldNumLen32(): number;
  getRawPrime(): void;
  readSharedRWMemory(i: number): number;
  writeSharedRWMemory(i: number, v: number): void;
  getWitnessSize(): number;
  getInputSize(): number;
  init(sanityCheck: number): void;
  getInputSignalSize(hMSB: number, hLSB: number): number;
  setInputSignal(hMSB: number, hLSB: number, i: number): void;
  getWitness(i: number): void;
  getMessageChar(): number;
}

class AssertFailure extends Error {}

function readLeb(b: Uint8Array, off: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const byte = b[off++]!;
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return [v, off];
  }
}

function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v) byte |= 0x80;
    out.push(byte);
  } while (v);
  return out;
}

/**
 * Rewrites every failed-check exit `call $printErrorMessage; i32.const 4; return; end` of a circom
 * witness generator into `call $printErrorMessage; nop; nop; nop; end`. Returns the patched copy and
 * the number of sites patched.
 */
export function patchAssertsToContinue(wasm: Uint8Array): { wasm: Uint8Array<ArrayBuffer>; sites: number } {
  const b = new Uint8Array(wasm);
  let off = 8;
  let printFn = -1;
  let code: [number, number] | undefined;
  while (off < b.length) {
    const id = b[off]!;
    const [size, start] = readLeb(b, off + 1);
    if (id === 2) {
      let p = start;
      let n: number;
      [n, p] = readLeb(b, p);
      let funcs = 0;
      for (let i = 0; i < n; i++) {
        let len: number;
        [len, p] = readLeb(b, p);
        p += len;
        [len, p] = readLeb(b, p);
        const field = Buffer.from(b.subarray(p, p + len)).toString("utf8");
        p += len;
        const kind = b[p++]!;
        if (kind === 0) {
          if (field === "printErrorMessage") printFn = funcs;
          funcs++;
          [, p] = readLeb(b, p);
        } else if (kind === 1) {
          p++;
          const flag = b[p++]!;
          [, p] = readLeb(b, p);
          if (flag & 1) [, p] = readLeb(b, p);
        } else if (kind === 2) {
          const flag = b[p++]!;
          [, p] = readLeb(b, p);
          if (flag & 1) [, p] = readLeb(b, p);
        } else {
          p += 2;
        }
      }
    } else if (id === 10) {
      code = [start, start + size];
    }
    off = start + size;
  }
  if (printFn < 0 || !code)
    throw new Error("not a circom witness generator (no printErrorMessage import or code section)");
  const pattern = [0x10, ...leb(printFn), 0x41, 0x04, 0x0f, 0x0b];
  let sites = 0;
  for (let i = code[0]; i + pattern.length <= code[1]; i++) {
    let hit = true;
    for (let j = 0; j < pattern.length && hit; j++) hit = b[i + j] === pattern[j];
    if (!hit) continue;
    const at = i + pattern.length - 4;
    b[at] = 0x01;
    b[at + 1] = 0x01;
    b[at + 2] = 0x01;
    sites++;
    i += pattern.length - 1;
  }
  return { wasm: b, sites };
}

function fnvHash(str: string): [number, number] {
  let hash = 0xcbf29ce484222325n;
  for (let i = 0; i < str.length; i++) {
    hash ^= BigInt(str.charCodeAt(i));
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return [Number(hash >> 32n), Number(hash & 0xffffffffn)];
}

function flatten(v: InputValue, out: bigint[], name: string): void {
  if (Array.isArray(v)) {
    for (const x of v) flatten(x, out, name);
    return;
  }
  const b = BigInt(v);
  if (b < 0n || b >= FIELD_P) throw new RangeError(`input ${name}: ${b} is not a field element (0 ≤ v < r)`);
  out.push(b);
}

export class WasmWitnessCalculator {
  private readonly ex: WcExports;
  private readonly n32: number;
  private lenient = false;
  private failed = 0;
  private messages: string[] = [];
  private pending = "";

  private constructor(instance: WebAssembly.Instance) {
    this.ex = instance.exports as unknown as WcExports;
    this.n32 = this.ex.getFieldNumLen32();
    this.ex.getRawPrime();
    if (this.readShared() !== FIELD_P) throw new Error("witness generator is not for the BN254 scalar field");
  }

  /**
   * Loads a witness generator. lenient: failed `===`/`assert` checks are counted and the
   * computation goes on (a patched copy of the module); otherwise the first one throws.
   */
  static async load(wasmFile: string, opts: { lenient?: boolean } = {}): Promise<WasmWitnessCalculator> {
    let bytes = new Uint8Array(readFileSync(wasmFile));
    if (opts.lenient) {
      const patched = patchAssertsToContinue(bytes);
      if (patched.sites === 0) throw new Error(`${wasmFile}: no assert sites found to patch`);
      bytes = patched.wasm;
    }
    const module = await WebAssembly.compile(bytes);
    let self: WasmWitnessCalculator | undefined;
    const message = () => {
      let s = "";
      for (let c = self!.ex.getMessageChar(); c !== 0; c = self!.ex.getMessageChar())
        s += String.fromCharCode(c);
      return s;
    };
    const instance = await WebAssembly.instantiate(module, {
      runtime: {
        exceptionHandler(code: number) {
          const s = self!;
          const what =
            [
              "",
              "Signal not found",
              "Too many signals set",
              "Signal already set",
              "Assert Failed",
              "Not enough memory",
              "Input signal array access exceeds the size",
              "Out of bounds array access",
            ][code] ?? "Unknown error";
          const detail = s.pending.trim();
          s.pending = "";
          throw code === 4
            ? new AssertFailure(`${what}${detail ? `: ${detail}` : ""}`)
            : new Error(`${what}${detail ? `: ${detail}` : ""}`);
        },
        printErrorMessage() {
          const s = self!;
          const m = message();
          if (s.lenient) {
            // one message per failed check: the patched module does not unwind
            s.failed++;
            s.messages.push(m.trim());
          } else {
            s.pending += `${m}\n`;
          }
        },
        writeBufferMessage() {
          message(); // log() output of the circuit: ignored
        },
        showSharedRWMemory() {},
      },
    });
    self = new WasmWitnessCalculator(instance);
    self.lenient = !!opts.lenient;
    return self;
  }

  private readShared(): bigint {
    let v = 0n;
    for (let j = this.n32 - 1; j >= 0; j--) v = (v << 32n) | BigInt(this.ex.readSharedRWMemory(j) >>> 0);
    return v;
  }

  private writeShared(v: bigint): void {
    for (let j = 0; j < this.n32; j++) {
      this.ex.writeSharedRWMemory(j, Number(v & 0xffffffffn));
      v >>= 32n;
    }
  }

  /**
   * Computes the witness. A strict calculator throws "Assert Failed: …" at the first failed
   * `===` or `assert`; a lenient one counts them and computes on.
   */
  calculate(input: CircuitInput): WitnessResult {
    this.failed = 0;
    this.messages = [];
    this.pending = "";
    this.ex.init(1);
    let count = 0;
    for (const [name, value] of Object.entries(input)) {
      const [msb, lsb] = fnvHash(name);
      const size = this.ex.getInputSignalSize(msb, lsb);
      if (size < 0) throw new Error(`input signal ${name} not found in the circuit`);
      const flat: bigint[] = [];
      flatten(value, flat, name);
      if (flat.length !== size)
        throw new Error(`input signal ${name}: expected ${size} values, got ${flat.length}`);
      flat.forEach((v, i) => {
        this.writeShared(v);
        this.ex.setInputSignal(msb, lsb, i);
      });
      count += size;
    }
    const expected = this.ex.getInputSize();
    if (count < expected) throw new Error(`only ${count} of ${expected} input values set`);
    const witness: bigint[] = new Array(this.ex.getWitnessSize());
    for (let i = 0; i < witness.length; i++) {
      this.ex.getWitness(i);
      witness[i] = this.readShared();
    }
    return { witness, failedAsserts: this.failed, assertMessages: this.messages };
  }
}

export function isAssertFailure(e: unknown): boolean {
  return e instanceof AssertFailure;
}
