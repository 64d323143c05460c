/**
 * Development-mode Groth16 setup: a single party draws τ, α, β, γ, δ from a CSPRNG, evaluates every
 * key element in the scalar field and turns each value into a curve point by fixed-base scalar
 * multiplication (window tables, src/setup/wasm.ts). The zkey is written directly, section by
 * section, in exactly the layout snarkjs's `zkey new` + `zkey contribute` produce, so unmodified
 * snarkjs proves, verifies and exports with it. The toxic values live only in wasm memory, which is
 * wiped before returning. Not for production: whoever runs it could forge proofs.
 *
 * Key elements (n = domain size, L_c = Lagrange basis of {ω_n^c}, a_s/b_s/c_s = Σ_c coef·L_c(τ) over
 * the A/B/C matrices, with the extra rows snarkjs adds for public inputs: A[m+s][s] = 1):
 *   IC_s = (β·a_s + α·b_s + c_s)/γ · G1          s ≤ nPublic
 *   C_s  = (β·a_s + α·b_s + c_s)/δ · G1          s > nPublic
 *   A_s  = a_s·G1,  B1_s = b_s·G1,  B2_s = b_s·G2
 *   H_i  = L'_{2i+1}(τ)/δ · G1,  i < n,  L' = Lagrange basis of the 2n-th roots of unity.
 * The prover (groth16_prove.js) evaluates A·B−C on the odd 2n-th roots ω_{2n}^{2i+1} and takes the
 * multiexp with section 9; since A·B−C (degree ≤ 2n−2) vanishes on the n-th roots, that sum is
 * Σ_j (A·B−C)(ω_{2n}^j)·L'_j(τ)/δ = (A·B−C)(τ)/δ = h(τ)·Z(τ)/δ, the term Groth16 needs.
 */
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync, rmSync } from "node:fs";
import { writeCommitmentKey } from "../commit/key.ts";
import { desError } from "../errors.ts";
import { BinWriter, readExact, readSections } from "../util/binfile.ts";
import type { ProgressFn } from "./progress.ts";
import { Bn128Wasm, bn128Code, chooseWindow, MsmPool, Q, R, type Bn128Wasm as W } from "./wasm.ts";

export const DEV_NOTICE = "development setup — not for production";

export interface R1csInfo {
  n8: number;
  prime: bigint;
  nWires: number;
  nPubOut: number;
  nPubIn: number;
  nPrvIn: number;
  nLabels: number;
  nConstraints: number;
  /** Byte offset and size of the constraints section. */
  constraintsAt: number;
  constraintsSize: number;
  fileSize: number;
}

/** Parses an r1cs file's section table and header (circom's format, version 1). */
export function readR1csInfo(file: string): R1csInfo {
  const fd = openSync(file, "r");
  try {
    const sections = readSections(fd, file, "r1cs", "INVALID_R1CS");
    const h = sections.get(1);
    const c = sections.get(2);
    if (!h || !c) throw desError("INVALID_R1CS", `${file}: missing header or constraints section`);
    const header = readExact(fd, h.pos, h.len, "INVALID_R1CS", file);
    const n8 = header.readUInt32LE(0);
    let prime = 0n;
    for (let i = n8 - 1; i >= 0; i--) prime = (prime << 8n) | BigInt(header[4 + i]!);
    const o = 4 + n8;
    return {
      n8,
      prime,
      nWires: header.readUInt32LE(o),
      nPubOut: header.readUInt32LE(o + 4),
      nPubIn: header.readUInt32LE(o + 8),
      nPrvIn: header.readUInt32LE(o + 12),
      nLabels: Number(header.readBigUInt64LE(o + 16)),
      nConstraints: header.readUInt32LE(o + 24),
      constraintsAt: c.pos,
      constraintsSize: c.len,
      fileSize: fstatSync(fd).size,
    };
  } finally {
    closeSync(fd);
  }
}

/** snarkjs's domain: the smallest power of two above nConstraints + nPublic (zkey_new.js). */
export function domainPower(nConstraints: number, nPublic: number): number {
  const v = nConstraints + nPublic;
  return (v === 0 ? 0 : 31 - Math.clz32(v)) + 1;
}

const R_BYTES_LE = (() => {
  const b = new Uint8Array(32);
  let v = R;
  for (let i = 0; i < 32; i++) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
})();

/** Draws a uniform non-zero scalar straight into wasm memory (Montgomery form); no JS copy survives. */
function randomScalar(w: W, p: number): void {
  for (;;) {
    const b = randomBytes(32);
    b[31]! &= 0x3f;
    let lt = false;
    for (let i = 31; i >= 0; i--) {
      if (b[i]! !== R_BYTES_LE[i]!) {
        lt = b[i]! < R_BYTES_LE[i]!;
        break;
      }
    }
    const zero = b.every((v) => v === 0);
    if (lt && !zero) {
      w.u8.set(b, p);
      b.fill(0);
      w.x.frm_toMontgomery(p, p);
      return;
    }
    b.fill(0);
  }
}

export interface DevSetupResult {
  nVars: number;
  nPublic: number;
  nConstraints: number;
  domainSize: number;
  windows: { g1: number; g2: number };
  /** Seconds per step. */
  timings: Record<string, number>;
}

export interface DevSetupOptions {
  /** Label for progress reports. */
  name?: string;
  progress?: ProgressFn;
  /** Worker threads (default: available parallelism). */
  threads?: number;
  /**
   * The native prover's binary (src/build/prover.ts): its `fixed-base` command computes the key
   * sections' points instead of the WebAssembly worker pool (same points, same layout).
   */
  native?: string;
  /**
   * Called as soon as the verification key's sections exist (header and IC, after the constraints
   * pass: about a quarter of a 2^22 setup), with the path of a small zkey holding only sections 1–3,
   * from which `snarkjs zkey export verificationkey` reads the same key as from the finished zkey.
   * The file exists during the call only (read it before returning); the rest of the setup (H, C,
   * A, B1, B2) goes on after it. With `commitment`, [σ]₂ comes with it (the commitment key's
   * sigma2.bin layout), for a committed verification key.
   */
  onVerificationKey?: (vkZkey: string, sigma2?: Uint8Array) => void;
  /**
   * Groth16 with one commitment (docs/circuits.md, "Inner nodes as Groth16 with one commitment"):
   * the private wires `wires` leave the C section (their points become the point at infinity) and
   * get K_j = (β·a_j + α·b_j + c_j)/γ·G1 and σ·K_j instead, written with [σ]₂ into `dir`
   * (src/commit/key.ts: COMMIT_FILES). σ is one more toxic value, wiped with the others.
   */
  commitment?: { wires: readonly number[]; dir: string };
}

/** Scalars per native fixed-base call: bounds the pipes' buffers (≤ 128 MiB of G2 points a call). */
const NATIVE_CHUNK = 1 << 20;

/** k·B for a chunk of scalars by the native prover: stdin = base ‖ scalars, stdout = points. */
function nativeFixedBase(
  bin: string,
  group: 1 | 2,
  input: Buffer,
  count: number,
  threads?: number,
): Promise<Buffer> {
  const size = group === 1 ? 64 : 128;
  const args = ["fixed-base", `g${group}`, ...(threads ? ["--threads", String(threads)] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const pts = Buffer.concat(out);
      if (code !== 0 || pts.length !== count * size)
        reject(
          desError(
            "SETUP_FAILED",
            `native fixed-base multiplication failed (${signal ?? `exit ${code}`}): ${err.trim()}`,
          ),
        );
      else resolve(pts);
    });
    child.stdin.on("error", () => {}); // a dead child is reported by its exit status
    child.stdin.end(input);
  });
}

/**
 * A zkey with only the sections a verification key is read from: 1 (protocol), 2 (header: sizes,
 * α, β, γ, δ) and 3 (IC), byte for byte as in the full zkey.
 */
function writeVerificationKeySections(file: string, header: Buffer[], ic: Buffer[]): void {
  const fd = openSync(file, "w");
  try {
    const zk = new BinWriter(fd, "zkey", 1, 3, 1 << 16);
    zk.begin(1);
    zk.u32(1); // Groth16
    zk.end();
    zk.begin(2);
    for (const b of header) zk.write(b);
    zk.end();
    zk.begin(3);
    for (const b of ic) zk.write(b);
    zk.end();
    zk.flush();
  } finally {
    closeSync(fd);
  }
}

/** Writes a development Groth16 zkey for `r1csFile` to `zkeyFile`. */
export async function devSetup(
  r1csFile: string,
  zkeyFile: string,
  opts: DevSetupOptions = {},
): Promise<DevSetupResult> {
  const name = opts.name ?? "circuit";
  const report = (phase: string, done: number, total: number, unit = "points") =>
    opts.progress?.({ circuit: name, phase, done, total, unit });
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (k: string) => {
    const t = performance.now();
    timings[k] = (timings[k] ?? 0) + (t - t0) / 1000;
    t0 = t;
  };

  const info = readR1csInfo(r1csFile);
  if (info.prime !== R || info.n8 !== 32) {
    throw desError("INVALID_R1CS", `${r1csFile}: circuit is not over the BN254 scalar field`, {
      prime: String(info.prime),
    });
  }
  const nVars = info.nWires;
  const nPublic = info.nPubOut + info.nPubIn;
  const m = info.nConstraints;
  const power = domainPower(m, nPublic);
  const code = await bn128Code();
  if (power >= 28)
    throw desError("SETUP_FAILED", `circuit too big: domain 2^${power} exceeds the curve's 2^28 limit`);
  const n = 2 ** power;

  const CH = 32 << 20; // r1cs window
  const COEF_BUF = 4 << 20;
  const cwires = opts.commitment?.wires ?? [];
  for (const j of cwires)
    if (!Number.isInteger(j) || j <= nPublic || j >= nVars)
      throw desError(
        "SETUP_FAILED",
        `committed wire ${j} is not a private wire (${nPublic + 1}…${nVars - 1})`,
      );
  if (new Set(cwires).size !== cwires.length)
    throw desError("SETUP_FAILED", "a committed wire is listed twice");
  const nJ = cwires.length;
  const w = await Bn128Wasm.create(
    code,
    n * 32 * 3 + nVars * 32 * 4 + nJ * 32 * 2 + CH + COEF_BUF + (16 << 20),
  );
  const x = w.x;
  const S = 32;
  const c32 = () => w.alloc(S);
  const tau = c32();
  const alpha = c32();
  const beta = c32();
  const gamma = c32();
  const delta = c32();
  const sigma = c32();
  const invGamma = c32();
  const invDelta = c32();
  const tmp = c32();
  const tmp2 = c32();
  const one = c32();
  const r3 = c32();
  const r2 = c32();
  const g1a = w.alloc(64);
  const g2a = w.alloc(128);
  const jac1 = w.alloc(96);
  const jac2 = w.alloc(192);
  const pt1 = w.alloc(64 * 3);
  const pt2 = w.alloc(128 * 4);
  const Lp = w.alloc(n * S);
  const Ap = w.alloc(nVars * S);
  const Bp = w.alloc(nVars * S);
  const Cp = w.alloc(nVars * S);
  const Sp = w.alloc(nVars * S);
  const rwin = w.alloc(CH + 64);
  const coefOut = w.alloc(COEF_BUF);
  const Kp = w.alloc(Math.max(1, nJ) * S);
  const SKp = w.alloc(Math.max(1, nJ) * S);
  w.reserve((n + 2) * S + (1 << 20));

  // public constants: 1, R^2 and R^3 mod r (raw, so frm_mul(k, R^3) = k·R^2, the coeffs' encoding)
  const Rm = (1n << 256n) % R;
  w.setBig(one, 1n);
  w.setBig(r2, (Rm * Rm) % R);
  w.setBig(r3, (Rm * Rm * Rm) % R);
  x.g1m_toAffine(code.pG1gen, g1a);
  x.g2m_toAffine(code.pG2gen, g2a);

  const wG1 = chooseWindow(3 * nVars + n, 1);
  const wG2 = chooseWindow(nVars, 2);
  const out = openSync(zkeyFile, "w");
  let pool: MsmPool | undefined;
  try {
    for (const p of [tau, alpha, beta, gamma, delta, sigma]) randomScalar(w, p);
    x.frm_inverse(gamma, invGamma);
    x.frm_inverse(delta, invDelta);

    // ---- Lagrange basis of the n-th roots at τ (Montgomery form)
    /** dst[c] = F·x_c/(τ − x_c) for x_c = x0·step^c (F, x0, step Montgomery; F normal ⇒ normal output). */
    const lagrange = (phase: string, dst: number, count: number, x0: number, step: number, F: number) => {
      const xc = tmp2;
      x.frm_copy(x0, xc);
      for (let c = 0; c < count; c++) {
        const d = dst + c * S;
        x.frm_sub(tau, xc, d);
        if (x.frm_isZero(d))
          throw desError("SETUP_FAILED", "τ hit the evaluation domain (probability ~2^-230); run again");
        x.frm_mul(xc, step, xc);
        if ((c & 0xffff) === 0) report(phase, c, count * 2, "values");
      }
      x.frm_batchInverse(dst, S, count, dst, S);
      x.frm_copy(x0, xc);
      for (let c = 0; c < count; c++) {
        const d = dst + c * S;
        x.frm_mul(d, xc, d);
        x.frm_mul(d, F, d);
        x.frm_mul(xc, step, xc);
        if ((c & 0xffff) === 0) report(phase, count + c, count * 2, "values");
      }
      report(phase, count * 2, count * 2, "values");
    };
    /** tmp ← τ^N − 1 (Montgomery), N a power of two. */
    const zAt = (N: number) => {
      x.frm_copy(tau, tmp);
      for (let k = 1; k < N; k *= 2) x.frm_square(tmp, tmp);
      x.frm_one(tmp2);
      x.frm_sub(tmp, tmp2, tmp);
    };
    const omegaN = w.alloc(S);
    const omega2N = w.alloc(S);
    const oneM = w.alloc(S);
    const Fm = w.alloc(S);
    w.setMont(omegaN, code.roots[power]!);
    w.setMont(omega2N, code.roots[power + 1]!);
    x.frm_one(oneM);
    // F = (τ^n − 1)/n, Montgomery (L in Montgomery form so frm_mul(coef, L) yields coef·L in normal form)
    zAt(n);
    w.setMont(Fm, BigInt(n));
    x.frm_inverse(Fm, Fm);
    x.frm_mul(tmp, Fm, Fm);
    lagrange("Lagrange basis", Lp, n, oneM, omegaN, Fm);
    lap("lagrange");

    // ---- header sections
    const zk = new BinWriter(out, "zkey", 1, 10);
    zk.begin(1);
    zk.u32(1); // Groth16
    zk.end();
    zk.begin(2);
    const big = (v: bigint) => {
      const b = Buffer.alloc(32);
      for (let i = 0; i < 32; i++) b[i] = Number((v >> BigInt(8 * i)) & 0xffn);
      return b;
    };
    const header: Buffer[] = [];
    const hdr = (b: Buffer) => {
      header.push(b);
      zk.write(b);
    };
    const u32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(v);
      return b;
    };
    hdr(u32(32));
    hdr(big(Q));
    hdr(u32(32));
    hdr(big(R));
    hdr(u32(nVars));
    hdr(u32(nPublic));
    hdr(u32(n));
    const g1times = (sM: number, o: number) => {
      x.frm_fromMontgomery(sM, tmp);
      x.g1m_timesScalarAffine(g1a, tmp, 32, jac1);
      x.g1m_toAffine(jac1, pt1 + o * 64);
      return w.u8.slice(pt1 + o * 64, pt1 + o * 64 + 64);
    };
    const g2times = (sM: number, o: number) => {
      x.frm_fromMontgomery(sM, tmp);
      x.g2m_timesScalarAffine(g2a, tmp, 32, jac2);
      x.g2m_toAffine(jac2, pt2 + o * 128);
      return w.u8.slice(pt2 + o * 128, pt2 + o * 128 + 128);
    };
    const alpha1 = g1times(alpha, 0);
    const beta1 = g1times(beta, 1);
    const delta1 = g1times(delta, 2);
    const beta2 = g2times(beta, 0);
    const gamma2 = g2times(gamma, 1);
    const delta2 = g2times(delta, 2);
    for (const p of [alpha1, beta1, beta2, gamma2, delta1, delta2]) hdr(Buffer.from(p));
    zk.end();

    // ---- constraints: accumulate a_s, b_s, c_s and write the coeffs section (4)
    zk.begin(4);
    const countAt = zk.position;
    zk.u32(0); // number of coefficients, patched below
    let nCoefs = 0;
    let co = coefOut;
    const flushCoefs = () => {
      zk.write(w.u8, coefOut, co - coefOut);
      co = coefOut;
    };
    const rfd = openSync(r1csFile, "r");
    try {
      const secEnd = info.constraintsAt + info.constraintsSize;
      let base = 0;
      let end = 0;
      const load = (from: number) => {
        const len = Math.min(CH, secEnd - from);
        let got = 0;
        while (got < len) {
          const r = readSync(rfd, w.u8, rwin + got, len - got, from + got);
          if (r <= 0) throw desError("INVALID_R1CS", `${r1csFile}: truncated constraints section`);
          got += r;
        }
        base = from;
        end = from + len;
      };
      const need = (from: number, to: number) => {
        if (to > secEnd) throw desError("INVALID_R1CS", `${r1csFile}: constraint runs past its section`);
        if (from < base || to > end) {
          load(from);
          if (to > end) throw desError("SETUP_FAILED", "a single constraint exceeds the 32 MiB read window");
        }
      };
      const dv = () => w.dv;
      let pos = info.constraintsAt;
      const TERM = 4 + 32;
      for (let c = 0; c < m; c++) {
        const s0 = pos;
        need(s0, s0 + 4);
        const nA = dv().getUint32(rwin + s0 - base, true);
        let q = s0 + 4 + nA * TERM;
        need(s0, q + 4);
        const nB = dv().getUint32(rwin + q - base, true);
        q += 4 + nB * TERM;
        need(s0, q + 4);
        const nC = dv().getUint32(rwin + q - base, true);
        q += 4 + nC * TERM;
        need(s0, q);
        const Lc = Lp + c * S;
        if (co + (nA + nB) * 44 > coefOut + COEF_BUF) flushCoefs();
        const d = w.dv;
        let p = rwin + s0 - base + 4;
        for (let i = 0; i < nA; i++, p += TERM) {
          const sig = d.getUint32(p, true);
          if (sig >= nVars) throw desError("INVALID_R1CS", `${r1csFile}: signal ${sig} out of range`);
          x.frm_mul(p + 4, Lc, tmp);
          x.frm_add(Ap + sig * S, tmp, Ap + sig * S);
          d.setUint32(co, 0, true);
          d.setUint32(co + 4, c, true);
          d.setUint32(co + 8, sig, true);
          x.frm_mul(p + 4, r3, co + 12);
          co += 44;
        }
        p += 4;
        for (let i = 0; i < nB; i++, p += TERM) {
          const sig = d.getUint32(p, true);
          if (sig >= nVars) throw desError("INVALID_R1CS", `${r1csFile}: signal ${sig} out of range`);
          x.frm_mul(p + 4, Lc, tmp);
          x.frm_add(Bp + sig * S, tmp, Bp + sig * S);
          d.setUint32(co, 1, true);
          d.setUint32(co + 4, c, true);
          d.setUint32(co + 8, sig, true);
          x.frm_mul(p + 4, r3, co + 12);
          co += 44;
        }
        p += 4;
        for (let i = 0; i < nC; i++, p += TERM) {
          const sig = d.getUint32(p, true);
          if (sig >= nVars) throw desError("INVALID_R1CS", `${r1csFile}: signal ${sig} out of range`);
          x.frm_mul(p + 4, Lc, tmp);
          x.frm_add(Cp + sig * S, tmp, Cp + sig * S);
        }
        nCoefs += nA + nB;
        pos = q;
        if ((c & 0x3fff) === 0) report("constraints", c, m, "constraints");
      }
      report("constraints", m, m, "constraints");
    } finally {
      closeSync(rfd);
    }
    // extra rows m+s binding the public inputs: A[m+s][s] = 1
    if (co + (nPublic + 1) * 44 > coefOut + COEF_BUF) flushCoefs();
    for (let s = 0; s <= nPublic; s++) {
      x.frm_fromMontgomery(Lp + (m + s) * S, tmp);
      x.frm_add(Ap + s * S, tmp, Ap + s * S);
      w.dv.setUint32(co, 0, true);
      w.dv.setUint32(co + 4, m + s, true);
      w.dv.setUint32(co + 8, s, true);
      x.frm_copy(r2, co + 12);
      co += 44;
    }
    nCoefs += nPublic + 1;
    flushCoefs();
    zk.end();
    zk.patchU32(countAt, nCoefs);
    lap("constraints");

    // ---- points: native fixed-base multiplication when given, else the WebAssembly pool
    const native = opts.native;
    if (!native) {
      pool = await MsmPool.create(code, opts.threads);
      report("G1 window table", 0, 1, "tables");
      await pool.prepare(1, wG1);
      report("G1 window table", 1, 1, "tables");
      lap("table G1");
    }
    /** The points k·G for `count` scalars at ptr (normal form), handed to `put` in order. */
    const mulPoints = async (
      group: 1 | 2,
      ptr: number,
      count: number,
      label: string,
      put: (pts: Uint8Array) => void,
    ) => {
      report(label, 0, count);
      if (native) {
        const base = group === 1 ? w.u8.subarray(g1a, g1a + 64) : w.u8.subarray(g2a, g2a + 128);
        for (let done = 0; done < count; done += NATIVE_CHUNK) {
          const k = Math.min(NATIVE_CHUNK, count - done);
          // the scalars leave wasm memory only through the pipe; this copy is wiped at once
          const input = Buffer.concat([base, w.u8.subarray(ptr + done * S, ptr + (done + k) * S)]);
          try {
            put(await nativeFixedBase(native, group, input, k, opts.threads));
          } finally {
            input.fill(0);
          }
          report(label, done + k, count);
        }
      } else {
        await pool!.mul(
          group,
          () => w.u8,
          ptr,
          count,
          (pts) => put(pts),
          (done) => report(label, done, count),
        );
      }
      lap(label);
    };
    const section = async (
      id: number,
      group: 1 | 2,
      ptr: number,
      count: number,
      label: string,
      copy?: Buffer[],
    ) => {
      zk.begin(id);
      await mulPoints(group, ptr, count, label, (pts) => {
        zk.write(pts);
        copy?.push(Buffer.from(pts));
      });
      zk.end();
    };
    // IC and C scalars: (β·a + α·b + c)/γ resp. /δ, normal form
    const lc = (s: number, inv: number, dst: number) => {
      x.frm_mul(Ap + s * S, beta, dst);
      x.frm_mul(Bp + s * S, alpha, tmp);
      x.frm_add(dst, tmp, dst);
      x.frm_add(dst, Cp + s * S, dst);
      x.frm_mul(dst, inv, dst);
    };
    for (let s = 0; s <= nPublic; s++) lc(s, invGamma, Sp + s * S);
    const ic: Buffer[] = [];
    await section(3, 1, Sp, nPublic + 1, "IC (G1)", opts.onVerificationKey ? ic : undefined);
    if (opts.onVerificationKey) {
      const vkFile = `${zkeyFile}.vk`;
      try {
        writeVerificationKeySections(vkFile, header, ic);
        opts.onVerificationKey(vkFile, opts.commitment ? g2times(sigma, 3) : undefined);
      } finally {
        rmSync(vkFile, { force: true });
      }
    }

    // H: L'_{2i+1}(τ)/δ with L' over the 2n-th roots: F = (τ^{2n} − 1)/(2n)/δ, normal form output
    zAt(2 * n);
    w.setMont(Fm, BigInt(2 * n));
    x.frm_inverse(Fm, Fm);
    x.frm_mul(tmp, Fm, Fm);
    x.frm_mul(Fm, invDelta, Fm);
    x.frm_fromMontgomery(Fm, Fm);
    lagrange("H scalars", Lp, n, omega2N, omegaN, Fm);
    lap("lagrange");
    await section(9, 1, Lp, n, "H (G1)");

    for (let s = nPublic + 1; s < nVars; s++) lc(s, invDelta, Sp + (s - nPublic - 1) * S);
    if (opts.commitment) {
      // committed wires: K_j = (β·a + α·b + c)/γ and σ·K_j; their C points become infinity
      cwires.forEach((j, i) => {
        lc(j, invGamma, Kp + i * S);
        x.frm_mul(Kp + i * S, sigma, SKp + i * S);
        w.u8.fill(0, Sp + (j - nPublic - 1) * S, Sp + (j - nPublic) * S);
      });
      await writeCommitmentKey(opts.commitment.dir, cwires, g2times(sigma, 3), async (which, put) =>
        which === "K"
          ? mulPoints(1, Kp, nJ, "commitment K (G1)", put)
          : mulPoints(1, SKp, nJ, "commitment σK (G1)", put),
      );
    }
    await section(8, 1, Sp, nVars - nPublic - 1, "C (G1)");
    await section(5, 1, Ap, nVars, "A (G1)");
    await section(6, 1, Bp, nVars, "B1 (G1)");
    if (pool) {
      report("G2 window table", 0, 1, "tables");
      await pool.prepare(2, wG2);
      report("G2 window table", 1, 1, "tables");
      lap("table G2");
    }
    await section(7, 2, Bp, nVars, "B2 (G2)");

    // ---- contributions (10): csHash + one contribution that names the setup as development-only.
    const cs = createHash("blake2b512");
    cs.update("des development setup\0");
    for (const p of [alpha1, beta1, beta2, gamma2, delta1, delta2]) cs.update(p);
    const csHash = cs.digest();
    zk.begin(10);
    zk.write(csHash);
    zk.u32(1);
    zk.write(delta1); // deltaAfter
    zk.write(w.u8.slice(g1a, g1a + 64)); // g1_s = G1 (a marker, not a proof of knowledge)
    zk.write(delta1); // g1_sx
    zk.write(delta2); // g2_spx
    zk.write(createHash("blake2b512").update(csHash).update(DEV_NOTICE).digest()); // transcript
    zk.u32(0); // type: contribution
    const nameBytes = Buffer.from(DEV_NOTICE, "utf8");
    zk.u32(2 + nameBytes.length);
    zk.write(Buffer.from([1, nameBytes.length]));
    zk.write(nameBytes);
    zk.end();
    lap("write");
  } finally {
    closeSync(out);
    w.wipe(); // τ, α, β, γ, δ and every value derived from them
    await pool?.terminate();
  }
  return { nVars, nPublic, nConstraints: m, domainSize: n, windows: { g1: wG1, g2: wG2 }, timings };
}
