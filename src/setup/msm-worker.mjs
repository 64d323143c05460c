// Worker thread for the development setup: fixed-base scalar multiplication on BN254 G1/G2 with
// precomputed window tables, using ffjavascript's WebAssembly curve code (wasmcurves) directly.
// Plain JavaScript on purpose: it must load in a worker whatever TypeScript loader runs the parent.
//
// Protocol (one request at a time per message, answered in order):
//   {cmd:"init", code, pages}                           → {ok}
//   {cmd:"build", group, w, windows:[j...], sab}        → {ok}   writes those windows of the table into sab
//   {cmd:"load", group, w, sab}                          → {ok}   copies the whole table into wasm memory
//   {cmd:"mul", group, id, scalars:ArrayBuffer}         → {id, points:ArrayBuffer} (affine, LE Montgomery)
//   {cmd:"stop"}                                         → exits
import { parentPort } from "node:worker_threads";

const SCALAR_BITS = 254; // every scalar is < r < 2^254
const N8 = 32;
let x; // wasm exports
let mem;
let u8;
let u32;
let free = 0;
const tables = {}; // group → { ptr, w, offsets, nWin, topMask }
let chunkCap = 0;
let pScal = 0;
let pJac = 0;
let pAff = 0;

function alloc(n) {
  const p = (free + 63) & ~63;
  free = p + n;
  // keep 16 MiB above the allocator for the scratch space of wasm functions (batch inversion)
  const need = free + (16 << 20);
  if (need > mem.buffer.byteLength) {
    mem.grow(Math.ceil((need - mem.buffer.byteLength) / 65536));
    u8 = new Uint8Array(mem.buffer);
    u32 = new Uint32Array(mem.buffer);
  }
  u32[0] = (free + 7) & ~7; // wasm code allocates its scratch space above this pointer
  return p;
}

const fns = (g) =>
  g === 1
    ? {
        sA: 64,
        sJ: 96,
        zero: x.g1m_zero,
        add: x.g1m_addMixed,
        dbl: x.g1m_double,
        toAff: x.g1m_batchToAffine,
        gen: 1,
      }
    : {
        sA: 128,
        sJ: 192,
        zero: x.g2m_zero,
        add: x.g2m_addMixed,
        dbl: x.g2m_double,
        toAff: x.g2m_batchToAffine,
        gen: 2,
      };

/** Layout of a table with window width w: entries d·2^(wj)·G for d = 1..size_j, window after window. */
export function layout(w) {
  const nWin = Math.ceil(SCALAR_BITS / w);
  const topBits = SCALAR_BITS - w * (nWin - 1);
  const offsets = [];
  let total = 0;
  for (let j = 0; j < nWin; j++) {
    offsets.push(total);
    total += j === nWin - 1 ? 2 ** topBits - 1 : 2 ** w - 1;
  }
  return { nWin, offsets, total, topMask: 2 ** topBits - 1, mask: 2 ** w - 1 };
}

function genAffine(g, out) {
  const p = g === 1 ? genPtrs.g1 : genPtrs.g2;
  if (g === 1) x.g1m_toAffine(p, out);
  else x.g2m_toAffine(p, out);
}
const genPtrs = { g1: 0, g2: 0 };

function build(g, w, windows, sab) {
  const f = fns(g);
  const L = layout(w);
  const maxEntries = 2 ** w - 1;
  const save = free;
  const base = alloc(f.sJ);
  const baseA = alloc(f.sA);
  const jac = alloc(maxEntries * f.sJ);
  const aff = alloc(maxEntries * f.sA);
  const out = new Uint8Array(sab);
  for (const j of windows) {
    genAffine(g, baseA);
    // base = 2^(wj)·G
    if (g === 1) x.g1m_toJacobian(baseA, base);
    else x.g2m_toJacobian(baseA, base);
    for (let k = 0; k < w * j; k++) f.dbl(base, base);
    f.toAff(base, 1, baseA);
    const size = j === L.nWin - 1 ? L.topMask : maxEntries;
    f.zero(jac);
    f.add(jac, baseA, jac);
    for (let d = 1; d < size; d++) f.add(jac + (d - 1) * f.sJ, baseA, jac + d * f.sJ);
    f.toAff(jac, size, aff);
    out.set(u8.subarray(aff, aff + size * f.sA), L.offsets[j] * f.sA);
  }
  free = save;
  u32[0] = (free + 7) & ~7;
}

function load(g, w, sab) {
  const f = fns(g);
  const L = layout(w);
  const prev = tables[g];
  const bytes = L.total * f.sA;
  const ptr = prev && prev.bytes >= bytes ? prev.ptr : alloc(bytes);
  u8.set(new Uint8Array(sab, 0, bytes), ptr);
  tables[g] = { ptr, w, bytes, ...L };
}

function ensureChunk(n) {
  if (n <= chunkCap) return;
  chunkCap = n;
  pScal = alloc(n * N8);
  pJac = alloc(n * 192);
  pAff = alloc(n * 128);
}

function mul(g, scalars) {
  const f = fns(g);
  const t = tables[g];
  const n = scalars.byteLength / N8;
  ensureChunk(n);
  u8.set(new Uint8Array(scalars), pScal);
  new Uint8Array(scalars).fill(0);
  const { w, nWin, offsets, mask, topMask, ptr } = t;
  const sA = f.sA;
  const add = f.add;
  for (let i = 0; i < n; i++) {
    const acc = pJac + i * f.sJ;
    f.zero(acc);
    const s32 = (pScal + i * N8) >>> 2;
    for (let j = 0; j < nWin; j++) {
      const bit = w * j;
      const word = s32 + (bit >>> 5);
      const sh = bit & 31;
      let v = u32[word] >>> sh;
      if (sh + w > 32) v |= u32[word + 1] << (32 - sh);
      const d = v & (j === nWin - 1 ? topMask : mask);
      if (d !== 0) add(acc, ptr + (offsets[j] + d - 1) * sA, acc);
    }
  }
  f.toAff(pJac, n, pAff);
  u8.fill(0, pScal, pScal + n * N8);
  return u8.slice(pAff, pAff + n * sA).buffer;
}

parentPort.on("message", async (m) => {
  try {
    if (m.cmd === "init") {
      mem = new WebAssembly.Memory({ initial: m.pages });
      const inst = await WebAssembly.instantiate(await WebAssembly.compile(m.code), { env: { memory: mem } });
      x = inst.exports;
      u8 = new Uint8Array(mem.buffer);
      u32 = new Uint32Array(mem.buffer);
      free = u32[0];
      genPtrs.g1 = m.pG1gen;
      genPtrs.g2 = m.pG2gen;
      parentPort.postMessage({ ok: true });
    } else if (m.cmd === "build") {
      build(m.group, m.w, m.windows, m.sab);
      parentPort.postMessage({ ok: true });
    } else if (m.cmd === "load") {
      load(m.group, m.w, m.sab);
      parentPort.postMessage({ ok: true });
    } else if (m.cmd === "mul") {
      const points = mul(m.group, m.scalars);
      parentPort.postMessage({ id: m.id, points }, [points]);
    } else if (m.cmd === "stop") {
      if (u8) u8.fill(0);
      parentPort.close();
    }
  } catch (e) {
    parentPort.postMessage({ error: String(e?.stack ?? e) });
  }
});
