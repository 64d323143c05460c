/**
 * BN254 arithmetic for the development setup: ffjavascript's WebAssembly curve code (wasmcurves)
 * instantiated directly, so field and curve functions are called from JS without the thread
 * manager's per-call task objects, plus a pool of worker threads doing fixed-base scalar
 * multiplication with precomputed window tables (src/setup/msm-worker.mjs).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { buildBn128 } from "ffjavascript";
import { FIELD_P, FIELD_Q } from "../crypto/field.ts";

export const R = FIELD_P;
export const Q = FIELD_Q;
export const SCALAR_BITS = 254;

export interface Bn128Code {
  code: Uint8Array<ArrayBuffer>;
  pG1gen: number;
  pG2gen: number;
  /** ω_k as bigints (public constants): ω_k has order 2^k. */
  roots: bigint[];
}

let codeCache: Promise<Bn128Code> | undefined;

/** The compiled wasm module of ffjavascript's bn128 (built once per process). */
export function bn128Code(): Promise<Bn128Code> {
  codeCache ??= (async () => {
    const curve = await buildBn128(true);
    const roots = curve.Fr.w.map((w) => curve.Fr.toObject(w));
    const r = { code: curve.tm.code.slice(), pG1gen: curve.tm.pG1gen, pG2gen: curve.tm.pG2gen, roots };
    await curve.terminate();
    return r;
  })();
  return codeCache;
}

/** Exported wasm functions used here (pointers are byte offsets into the module's memory). */
export interface Bn128Exports {
  frm_mul(a: number, b: number, r: number): void;
  frm_add(a: number, b: number, r: number): void;
  frm_sub(a: number, b: number, r: number): void;
  frm_square(a: number, r: number): void;
  frm_inverse(a: number, r: number): void;
  frm_isZero(a: number): number;
  frm_eq(a: number, b: number): number;
  frm_one(r: number): void;
  frm_copy(a: number, r: number): void;
  frm_toMontgomery(a: number, r: number): void;
  frm_fromMontgomery(a: number, r: number): void;
  frm_batchInverse(pIn: number, inStep: number, n: number, pOut: number, outStep: number): void;
  g1m_timesScalarAffine(p: number, s: number, n8: number, r: number): void;
  g2m_timesScalarAffine(p: number, s: number, n8: number, r: number): void;
  g1m_toAffine(p: number, r: number): void;
  g2m_toAffine(p: number, r: number): void;
  g1m_inCurveAffine(p: number): number;
  g2m_inCurveAffine(p: number): number;
  g1m_isZeroAffine(p: number): number;
  g2m_isZeroAffine(p: number): number;
}

/** One instance of the module with a bump allocator (kept in sync with the module's free pointer). */
export class Bn128Wasm {
  readonly x: Bn128Exports;
  readonly mem: WebAssembly.Memory;
  u8: Uint8Array;
  dv: DataView;
  private free: number;

  private constructor(inst: WebAssembly.Instance, mem: WebAssembly.Memory) {
    this.x = inst.exports as unknown as Bn128Exports;
    this.mem = mem;
    this.u8 = new Uint8Array(mem.buffer);
    this.dv = new DataView(mem.buffer);
    this.free = this.dv.getUint32(0, true);
  }

  static async create(code: Bn128Code, bytes = 1 << 24): Promise<Bn128Wasm> {
    const mem = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 64 });
    const inst = await WebAssembly.instantiate(await WebAssembly.compile(code.code), {
      env: { memory: mem },
    });
    return new Bn128Wasm(inst, mem);
  }

  /** Allocates n bytes (64-aligned, zeroed on first use of fresh memory); leaves `spare` bytes above for wasm scratch. */
  alloc(n: number, spare = 1 << 20): number {
    const p = (this.free + 63) & ~63;
    this.free = p + n;
    const need = this.free + spare;
    if (need > this.mem.buffer.byteLength) {
      this.mem.grow(Math.ceil((need - this.mem.buffer.byteLength) / 65536));
      this.u8 = new Uint8Array(this.mem.buffer);
      this.dv = new DataView(this.mem.buffer);
    }
    this.dv.setUint32(0, (this.free + 7) & ~7, true);
    return p;
  }

  /** Makes sure `n` bytes of scratch space exist above the allocator (batch inverse uses (n+1)·32). */
  reserve(n: number): void {
    const save = this.free;
    this.alloc(0, n);
    this.free = save;
  }

  setBig(p: number, v: bigint): void {
    for (let i = 0; i < 32; i++) {
      this.u8[p + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  getBig(p: number): bigint {
    let v = 0n;
    for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(this.u8[p + i]!);
    return v;
  }

  /** Writes a public constant in Montgomery form. */
  setMont(p: number, v: bigint): void {
    this.setBig(p, v);
    this.x.frm_toMontgomery(p, p);
  }

  /** Overwrites all of the instance's memory with zeros. */
  wipe(): void {
    this.u8.fill(0);
  }
}

/** Table layout for window width w: entries d·2^(wj)·G, d = 1..2^w-1 (the top window is shorter). */
export function tableLayout(w: number): { nWin: number; total: number } {
  const nWin = Math.ceil(SCALAR_BITS / w);
  const topBits = SCALAR_BITS - w * (nWin - 1);
  return { nWin, total: (nWin - 1) * (2 ** w - 1) + 2 ** topBits - 1 };
}

/** Picks the window width minimising table build + per-point additions for `count` multiplications. */
export function chooseWindow(count: number, group: 1 | 2): number {
  const sA = group === 1 ? 64 : 128;
  let best = 4;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let w = 4; w <= 16; w++) {
    const { nWin, total } = tableLayout(w);
    if (total * sA > 160 << 20) continue;
    // table: one mixed add + batch-affine per entry (~1.6 adds); per point ~nWin adds.
    const cost = total * 1.6 + count * nWin * (1 - 2 ** -w);
    if (cost < bestCost) {
      bestCost = cost;
      best = w;
    }
  }
  return best;
}

interface Pending {
  resolve: (v: { points?: ArrayBuffer }) => void;
  reject: (e: Error) => void;
}

/** Worker threads that multiply fixed bases (the G1 and G2 generators) by batches of scalars. */
export class MsmPool {
  private readonly queues: Pending[][];
  private readonly tableW: Record<1 | 2, number> = { 1: 0, 2: 0 };

  private constructor(private readonly workers: Worker[]) {
    this.queues = workers.map(() => []);
    workers.forEach((w, i) => {
      w.on("message", (m: { error?: string; points?: ArrayBuffer }) => {
        const p = this.queues[i]!.shift();
        if (!p) return;
        if (m.error) p.reject(new Error(`setup worker: ${m.error}`));
        else p.resolve(m);
      });
      w.on("error", (e) => {
        for (const p of this.queues[i]!.splice(0)) p.reject(e);
      });
    });
  }

  static async create(code: Bn128Code, threads = availableParallelism()): Promise<MsmPool> {
    const url = new URL("./msm-worker.mjs", import.meta.url);
    const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(url, { execArgv: [] }));
    const pool = new MsmPool(workers);
    await Promise.all(
      workers.map((_, i) =>
        pool.request(i, {
          cmd: "init",
          code: code.code,
          pages: 256,
          pG1gen: code.pG1gen,
          pG2gen: code.pG2gen,
        }),
      ),
    );
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  private request(i: number, msg: object, transfer: ArrayBuffer[] = []): Promise<{ points?: ArrayBuffer }> {
    return new Promise((resolve, reject) => {
      this.queues[i]!.push({ resolve, reject });
      this.workers[i]!.postMessage(msg, transfer);
    });
  }

  /** Builds (in parallel) and loads into every worker the window table of a group. */
  async prepare(group: 1 | 2, w: number): Promise<void> {
    if (this.tableW[group] === w) return;
    const sA = group === 1 ? 64 : 128;
    const { nWin, total } = tableLayout(w);
    const sab = new SharedArrayBuffer(total * sA);
    const parts: number[][] = this.workers.map(() => []);
    for (let j = 0; j < nWin; j++) parts[j % parts.length]!.push(j);
    await Promise.all(parts.map((windows, i) => this.request(i, { cmd: "build", group, w, windows, sab })));
    await Promise.all(this.workers.map((_, i) => this.request(i, { cmd: "load", group, w, sab })));
    this.tableW[group] = w;
  }

  /**
   * Multiplies the generator of `group` by `count` scalars (32-byte little-endian, normal form) read
   * from `src` at byte offset `ptr`, handing the affine points (LE Montgomery, as in zkey files) to
   * `sink` in order. `src` is called again for every chunk (wasm memory may have grown).
   */
  async mul(
    group: 1 | 2,
    src: () => Uint8Array,
    ptr: number,
    count: number,
    sink: (points: Uint8Array) => void,
    tick?: (done: number) => void,
  ): Promise<void> {
    const chunk = group === 1 ? 8192 : 4096;
    const inflight: Promise<{ points?: ArrayBuffer }>[] = [];
    let done = 0;
    const drain = async () => {
      const r = await inflight.shift()!;
      const pts = new Uint8Array(r.points!);
      sink(pts);
      done += pts.length / (group === 1 ? 64 : 128);
      tick?.(done);
    };
    let k = 0;
    for (let off = 0; off < count; off += chunk, k++) {
      const n = Math.min(chunk, count - off);
      const scalars = src().slice(ptr + off * 32, ptr + (off + n) * 32).buffer;
      inflight.push(this.request(k % this.workers.length, { cmd: "mul", group, scalars }, [scalars]));
      if (inflight.length >= 2 * this.workers.length) await drain();
    }
    while (inflight.length) await drain();
  }

  async terminate(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        w.postMessage({ cmd: "stop" });
        await w.terminate();
      }),
    );
  }
}
