/**
 * The native Groth16 prover (native/prover/, src/build/prover.ts) against the reference libraries:
 * its MSMs (G1, G2) and NTTs (fft, ifft, coset-fft) against ffjavascript on random and edge-case
 * inputs, for one and several threads and each core build (generic, adx); its proofs against
 * snarkjs's verifier (development and ceremony keys, a synthetic circuit and Poseidon hashes);
 * and its refusals of malformed inputs: a named error code, a non-zero exit and no output file.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import { buildNativeProver, nativeProve, proverToolchain } from "../src/build/prover.ts";
import { type ErrorCode, isDesError } from "../src/errors.ts";
import { releaseSnarkjs, type SetupResult, setupCircuit } from "../src/setup/index.ts";

const execFileP = promisify(execFile);

// BN254's scalar field order r and base field order q
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

const toolchain = proverToolchain();
const SKIP: string | false = toolchain.ok
  ? false
  : `the native prover cannot be built here: ${toolchain.reason}`;

function cpuHasAdx(): boolean {
  try {
    const m = /^flags\s*:(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    const flags = new Set((m?.[1] ?? "").trim().split(/\s+/));
    return flags.has("bmi2") && flags.has("adx");
  } catch {
    return false;
  }
}
const HAS_ADX = cpuHasAdx();
type Arch = "generic" | "adx";
const ARCHES: { arch: Arch; skip: string | false }[] = [
  { arch: "generic", skip: false },
  { arch: "adx", skip: HAS_ADX ? false : "this CPU lacks BMI2/ADX" },
];
const RUNNABLE_ARCHES: Arch[] = HAS_ADX ? ["generic", "adx"] : ["generic"];

// ---------------------------------------------------------------------------------------------
// ffjavascript, typed for what this file uses

interface Group {
  g: Uint8Array;
  zero: Uint8Array;
  zeroAffine: Uint8Array;
  add(a: Uint8Array, b: Uint8Array): Uint8Array;
  neg(a: Uint8Array): Uint8Array;
  timesScalar(a: Uint8Array, s: Uint8Array): Uint8Array;
  toAffine(a: Uint8Array): Uint8Array;
  toObject(a: Uint8Array): unknown;
  multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<Uint8Array>;
}
interface Field {
  w: Uint8Array[];
  one: Uint8Array;
  e(a: bigint): Uint8Array;
  mul(a: Uint8Array, b: Uint8Array): Uint8Array;
  toObject(a: Uint8Array): bigint;
  fft(buff: Uint8Array): Promise<Uint8Array>;
  ifft(buff: Uint8Array): Promise<Uint8Array>;
}
interface Curve {
  G1: Group;
  G2: Group;
  Fr: Field;
  r: bigint;
  q: bigint;
  terminate(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Shared state

const work = mkdtempSync(join(tmpdir(), "des-native-prover-test-"));
let bin = "";
let curve: Curve;
/** The values of the binary's `--msm` option (bucket accumulation), where it has one. */
let msmModes: string[] = [];
let seq = 0;
const fresh = (tag: string) => {
  const d = join(work, `${tag}-${seq++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

interface BinResult {
  code: number;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Runs the prover binary; a non-zero exit is a result, not an exception. */
async function runBin(args: string[]): Promise<BinResult> {
  try {
    const r = await execFileP(bin, args, { maxBuffer: 1 << 24 });
    return { code: 0, signal: null, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: unknown; signal?: string | null; stdout?: string; stderr?: string };
    if (err.stdout === undefined) throw e;
    return {
      code: typeof err.code === "number" ? err.code : -1,
      signal: err.signal ?? null,
      stdout: err.stdout ?? "",
      stderr: err.stderr ?? "",
    };
  }
}

function scalarBytes(ks: readonly bigint[]): Buffer {
  const b = Buffer.alloc(32 * ks.length);
  ks.forEach((k, i) => {
    assert.ok(k >= 0n && k < R);
    let v = k;
    for (let j = 0; j < 32; j++) {
      b[32 * i + j] = Number(v & 0xffn);
      v >>= 8n;
    }
  });
  return b;
}

function leToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (let j = b.length - 1; j >= 0; j--) v = (v << 8n) | BigInt(b[j]!);
  return v;
}

const randomScalar = (): bigint => BigInt(`0x${randomBytes(48).toString("hex")}`) % R;
const randomNonZero = (): bigint => (randomScalar() % (R - 1n)) + 1n;

/** bigints (nested) as decimal strings, the form of snarkjs's proof and native output JSON. */
function strings(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(strings);
  if (typeof o === "bigint") return o.toString();
  return o;
}

before(async () => {
  if (SKIP) return;
  bin = (await buildNativeProver()).bin;
  curve = (await buildBn128(true)) as unknown as Curve;
  assert.equal(curve.r, R);
  assert.equal(curve.q, Q);
  // does this build have the --msm option (bucket accumulation modes)?
  const d = fresh("probe");
  writeFileSync(join(d, "empty"), "");
  const probe = await runBin([
    "msm-g1",
    join(d, "empty"),
    join(d, "empty"),
    join(d, "out.json"),
    "--msm",
    "jacobian",
  ]);
  if (probe.code === 0) msmModes = ["batch-affine", "jacobian"];
});

after(async () => {
  await curve?.terminate();
  await releaseSnarkjs();
  rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// MSM

type GroupName = "g1" | "g2";
const POINT_BYTES: Record<GroupName, number> = { g1: 64, g2: 128 };
const group = (g: GroupName): Group => (g === "g1" ? curve.G1 : curve.G2);

/** Random multiples of the generator (affine, LEM), made once per group. */
const pools = new Map<GroupName, Uint8Array[]>();
function pool(g: GroupName): Uint8Array[] {
  let p = pools.get(g);
  if (!p) {
    const G = group(g);
    p = [];
    for (let i = 0; i < 1000; i++) p.push(G.toAffine(G.timesScalar(G.g, scalarBytes([randomNonZero()]))));
    pools.set(g, p);
  }
  return p;
}

interface MsmCase {
  bases: Uint8Array[];
  ks: bigint[];
  /** The expected result is the point at infinity. */
  infinity?: boolean;
}

const rand = (n: number) => Array.from({ length: n }, randomScalar);
const repeat = <T>(x: T, n: number): T[] => Array.from({ length: n }, () => x);

const MSM_CASES: { name: string; extraThreads?: number[]; make(g: GroupName): MsmCase }[] = [
  ...[1, 2, 7, 100, 1000].map((n) => ({
    name: `random, n = ${n}`,
    extraThreads: n >= 100 ? [64] : [128],
    make: (g: GroupName) => ({ bases: pool(g).slice(0, n), ks: rand(n) }),
  })),
  {
    // a 10-bit window, whose digits straddle limb boundaries
    name: "random, n = 5000",
    extraThreads: [32],
    make: (g: GroupName) => {
      const G = group(g);
      const p = pool(g);
      const bases = Array.from({ length: 5000 }, (_, i) =>
        G.toAffine(G.add(p[i % 1000]!, p[(7 * i + 1) % 1000]!)),
      );
      return { bases, ks: rand(5000) };
    },
  },
  {
    name: "scalars 0, 1, 2, r−1",
    make: (g) => ({ bases: pool(g).slice(0, 4), ks: [0n, 1n, 2n, R - 1n] }),
  },
  {
    name: "scalars 0, 1, 2, r−1 and random, cycled over 100 bases",
    extraThreads: [64],
    make: (g) => ({
      bases: pool(g).slice(0, 100),
      ks: Array.from({ length: 100 }, (_, i) => [0n, 1n, 2n, R - 1n, randomScalar()][i % 5]!),
    }),
  },
  { name: "a single r−1 (−P)", make: (g) => ({ bases: [pool(g)[0]!], ks: [R - 1n] }) },
  { name: "a single 1", make: (g) => ({ bases: [pool(g)[0]!], ks: [1n] }) },
  { name: "a single 2", make: (g) => ({ bases: [pool(g)[0]!], ks: [2n] }) },
  {
    name: "one base 60 times, random scalars",
    extraThreads: [128],
    make: (g) => ({ bases: repeat(pool(g)[1]!, 60), ks: rand(60) }),
  },
  {
    name: "one base 60 times, one random scalar (bucket doublings)",
    extraThreads: [128],
    make: (g) => ({ bases: repeat(pool(g)[2]!, 60), ks: repeat(randomNonZero(), 60) }),
  },
  {
    name: "one base 5 times, one random scalar (few terms)",
    make: (g) => ({ bases: repeat(pool(g)[2]!, 5), ks: repeat(randomNonZero(), 5) }),
  },
  {
    name: "one base 40 times, scalar 1",
    make: (g) => ({ bases: repeat(pool(g)[3]!, 40), ks: repeat(1n, 40) }),
  },
  {
    name: "one base 40 times, scalar 2",
    make: (g) => ({ bases: repeat(pool(g)[3]!, 40), ks: repeat(2n, 40) }),
  },
  {
    name: "one base 40 times, scalar r−1",
    make: (g) => ({ bases: repeat(pool(g)[3]!, 40), ks: repeat(R - 1n, 40) }),
  },
  {
    name: "P and −P with one scalar cancel",
    make: (g) => {
      const P = pool(g)[4]!;
      return { bases: [P, group(g).neg(P)], ks: repeat(randomNonZero(), 2), infinity: true };
    },
  },
  {
    name: "P and −P 20 times each, one scalar, cancel",
    make: (g) => {
      const P = pool(g)[4]!;
      const nP = group(g).neg(P);
      return {
        bases: Array.from({ length: 40 }, (_, i) => (i % 2 ? nP : P)),
        ks: repeat(randomNonZero(), 40),
        infinity: true,
      };
    },
  },
  {
    name: "P and −P with scalar 1 cancel",
    make: (g) => {
      const P = pool(g)[4]!;
      return { bases: [P, group(g).neg(P)], ks: [1n, 1n], infinity: true };
    },
  },
  {
    name: "P, −P and other bases",
    make: (g) => {
      const P = pool(g)[5]!;
      const k = randomNonZero();
      return { bases: [P, ...pool(g).slice(6, 40), group(g).neg(P)], ks: [k, ...rand(34), k] };
    },
  },
  {
    name: "P with k and P with r−k cancel",
    make: (g) => {
      const P = pool(g)[5]!;
      const k = randomNonZero();
      return { bases: [P, P], ks: [k, R - k], infinity: true };
    },
  },
  {
    name: "bases at infinity among random bases",
    extraThreads: [64],
    make: (g) => {
      const zero = new Uint8Array(POINT_BYTES[g]);
      return {
        bases: pool(g)
          .slice(0, 100)
          .map((p, i) => (i % 3 === 0 ? zero : p)),
        ks: Array.from({ length: 100 }, (_, i) => (i % 7 === 0 ? 1n : randomScalar())),
      };
    },
  },
  {
    name: "all bases at infinity",
    make: (g) => ({ bases: repeat(new Uint8Array(POINT_BYTES[g]), 50), ks: rand(50), infinity: true }),
  },
  {
    name: "all scalars zero",
    make: (g) => ({ bases: pool(g).slice(0, 100), ks: repeat(0n, 100), infinity: true }),
  },
  { name: "no terms", make: () => ({ bases: [], ks: [], infinity: true }) },
  // ≥ 4096 large terms: the range where the prover may accumulate buckets in batched affine form
  {
    name: "large: one base 4500 times, one random scalar (doublings)",
    make: (g) => ({ bases: repeat(pool(g)[7]!, 4500), ks: repeat(randomNonZero(), 4500) }),
  },
  {
    name: "large: one base 4500 times, random scalars",
    make: (g) => ({ bases: repeat(pool(g)[7]!, 4500), ks: rand(4500) }),
  },
  {
    name: "large: P and −P 2250 times each, one scalar, cancel",
    make: (g) => {
      const P = pool(g)[8]!;
      const nP = group(g).neg(P);
      return {
        bases: Array.from({ length: 4500 }, (_, i) => (i % 2 ? nP : P)),
        ks: repeat(randomNonZero(), 4500),
        infinity: true,
      };
    },
  },
  {
    name: "large: 8 bases cycled with k, r−k and random scalars",
    extraThreads: [32],
    make: (g) => {
      const k = randomNonZero();
      return {
        bases: Array.from({ length: 4500 }, (_, i) => pool(g)[i % 8]!),
        ks: Array.from({ length: 4500 }, (_, i) => (i % 3 === 0 ? k : i % 3 === 1 ? R - k : randomScalar())),
      };
    },
  },
  // short scalars (a witness's limbs, chunks and counts): their high windows' digits are zero and
  // skipped; every bit length, with 2^b − 1 (signed digits carrying into the next window), 2^(b−1)
  // and 2^b around 16, 32, 64, 128 and 254 bits
  {
    name: "large: short scalars of every bit length, 1,100 per range, with boundary values",
    extraThreads: [3, 32],
    make: (g) => {
      const bounds = [16, 32, 64, 128, 254];
      const ks: bigint[] = [];
      bounds.forEach((b, k) => {
        const lo = k === 0 ? 2 : bounds[k - 1]! + 1;
        for (let i = 0; i < 1100; i++) {
          const bits = lo + (i % (b - lo + 1));
          // a random scalar of exactly `bits` bits (below r for 254)
          const v = (1n << BigInt(bits - 1)) | (randomScalar() & ((1n << BigInt(bits - 1)) - 1n));
          ks.push(v % R === 0n ? 2n : v % R);
        }
        // every bit set (signed digits carry into the last window), the bound's top and one past
        ks.push((1n << BigInt(Math.min(b, 253))) - 1n, 1n << BigInt(Math.min(b, 253) - 1));
        if (b < 254) ks.push(1n << BigInt(b));
      });
      ks.push(R - 1n, R - 2n, 2n, 3n);
      return { bases: ks.map((_, i) => pool(g)[i % 1000]!), ks };
    },
  },
  {
    name: "large: 4500 scalars below 2^16, a few hundred of 17–64 bits, ten full-size",
    make: (g) => {
      const short = (bits: number) =>
        (1n << BigInt(bits - 1)) | (randomScalar() & ((1n << BigInt(bits - 1)) - 1n));
      const ks = [
        ...Array.from({ length: 4500 }, (_, i) => short(2 + (i % 15))),
        ...Array.from({ length: 600 }, (_, i) => short(17 + (i % 16))),
        ...Array.from({ length: 500 }, (_, i) => short(33 + (i % 32))),
        ...Array.from({ length: 10 }, () => randomNonZero()),
      ];
      return { bases: ks.map((_, i) => pool(g)[(i * 7) % 1000]!), ks };
    },
  },
  {
    name: "large: random bases, then the same bases negated with the same scalars (cancel)",
    make: (g) => {
      const G = group(g);
      const bases = pool(g).slice(0, 1000);
      const ks = rand(1000);
      const all = [...bases, ...bases, ...bases, ...bases, ...bases];
      const neg = all.map((p) => G.neg(p));
      const ks5 = [...ks, ...ks, ...ks, ...ks, ...ks];
      return { bases: [...all, ...neg], ks: [...ks5, ...ks5], infinity: true };
    },
  },
];

/**
 * The bucket accumulations to test for a case: the binary's default, and, where the binary has an
 * `--msm` option, each of its modes for cases large enough for them to differ.
 */
const accumulations = (n: number): (string | undefined)[] =>
  n >= 4096 && msmModes.length ? msmModes : [undefined];

async function referenceMsm(g: GroupName, c: MsmCase): Promise<unknown> {
  const G = group(g);
  const bases = Buffer.concat(c.bases);
  const viaMultiExp = strings(G.toObject(G.toAffine(await G.multiExpAffine(bases, scalarBytes(c.ks)))));
  if (c.bases.length <= 64) {
    // a second reference: a plain sum of scalar multiples
    let acc = G.zero;
    c.bases.forEach((p, i) => {
      acc = G.add(acc, G.timesScalar(p, scalarBytes([c.ks[i]!])));
    });
    assert.deepEqual(strings(G.toObject(G.toAffine(acc))), viaMultiExp, "ffjavascript disagrees with itself");
  }
  return viaMultiExp;
}

async function nativeMsm(
  g: GroupName,
  c: MsmCase,
  threads: number,
  arch: Arch,
  mode?: string,
): Promise<unknown> {
  const d = fresh("msm");
  const pts = join(d, "points.bin");
  const sc = join(d, "scalars.bin");
  const out = join(d, "out.json");
  writeFileSync(pts, Buffer.concat(c.bases));
  writeFileSync(sc, scalarBytes(c.ks));
  const mflag = mode ? ["--msm", mode] : [];
  const r = await runBin([`msm-${g}`, pts, sc, out, "--threads", String(threads), "--arch", arch, ...mflag]);
  assert.equal(r.code, 0, `msm-${g} exited ${r.code} ${r.signal ?? ""}: ${r.stderr}`);
  const res = JSON.parse(readFileSync(out, "utf8")) as unknown;
  rmSync(d, { recursive: true, force: true });
  return res;
}

const INFINITY: Record<GroupName, unknown> = {
  g1: ["0", "1", "0"],
  g2: [
    ["0", "0"],
    ["1", "0"],
    ["0", "0"],
  ],
};

describe("native MSM against ffjavascript", { skip: SKIP }, () => {
  for (const g of ["g1", "g2"] as const) {
    for (const { arch, skip } of ARCHES) {
      describe(`msm-${g} --arch ${arch}`, { skip }, () => {
        for (const mc of MSM_CASES) {
          test(mc.name, async () => {
            const c = mc.make(g);
            assert.equal(c.bases.length, c.ks.length);
            const want = await referenceMsm(g, c);
            if (c.infinity) assert.deepEqual(want, INFINITY[g], "the reference is not at infinity");
            for (const mode of accumulations(c.bases.length))
              for (const threads of [1, 4, ...(mc.extraThreads ?? [])]) {
                const got = await nativeMsm(g, c, threads, arch, mode);
                assert.deepEqual(
                  got,
                  want,
                  `${mc.name}, --threads ${threads}${mode ? ` --msm ${mode}` : ""}`,
                );
              }
          });
        }
      });
    }
  }

  test("non-canonical inputs are refused", async () => {
    const d = fresh("msm-bad");
    const pts = join(d, "points.bin");
    const sc = join(d, "scalars.bin");
    const out = join(d, "out.json");
    writeFileSync(pts, Buffer.concat(pool("g1").slice(0, 3)));
    writeFileSync(sc, Buffer.concat([scalarBytes([1n, 2n]), Buffer.from(scalarBytes([0n]).fill(0xff))]));
    let r = await runBin(["msm-g1", pts, sc, out]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^des-groth16: USAGE: /m);
    writeFileSync(sc, scalarBytes([1n, 2n, 3n]));
    const bad = Buffer.concat(pool("g1").slice(0, 3));
    bad.fill(0xff, 64, 96); // point 1's x ≥ q
    writeFileSync(pts, bad);
    r = await runBin(["msm-g1", pts, sc, out]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^des-groth16: INVALID_ZKEY: .*point 1 /m);
    assert.equal(existsSync(out), false);
  });
});

// ---------------------------------------------------------------------------------------------
// NTT

function frVector(n: number): Uint8Array {
  const b = new Uint8Array(32 * n);
  for (let i = 0; i < n; i++) b.set(curve.Fr.e(randomScalar()), 32 * i);
  return b;
}

function frValues(b: Uint8Array): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < b.length / 32; i++) out.push(curve.Fr.toObject(b.slice(32 * i, 32 * i + 32)));
  return out;
}

async function referenceNtt(kind: "fft" | "ifft" | "coset-fft", input: Uint8Array): Promise<bigint[]> {
  const Fr = curve.Fr;
  const n = input.length / 32;
  if (kind === "fft") return frValues(await Fr.fft(input.slice()));
  if (kind === "ifft") return frValues(await Fr.ifft(input.slice()));
  const g = Fr.w[Math.log2(n) + 1]!;
  const scaled = new Uint8Array(input.length);
  let x = Fr.one;
  for (let i = 0; i < n; i++) {
    scaled.set(Fr.mul(input.slice(32 * i, 32 * i + 32), x), 32 * i);
    x = Fr.mul(x, g);
  }
  const res = frValues(await Fr.fft(scaled));
  if (n <= 8) {
    // by definition: a(g·ω^i) = Σⱼ aⱼ (g·ω^i)^j, ω = w[log₂ n]
    const a = frValues(input);
    const gv = Fr.toObject(g);
    const w = Fr.toObject(Fr.w[Math.log2(n)]!);
    let pt = gv;
    for (let i = 0; i < n; i++) {
      let acc = 0n;
      let p = 1n;
      for (let j = 0; j < n; j++) {
        acc = (acc + a[j]! * p) % R;
        p = (p * pt) % R;
      }
      assert.equal(res[i], acc, `coset evaluation ${i} by definition`);
      pt = (pt * w) % R;
    }
  }
  return res;
}

describe("native NTT against ffjavascript", { skip: SKIP }, () => {
  for (const kind of ["fft", "ifft", "coset-fft"] as const) {
    for (const n of [1, 2, 8, 1024]) {
      test(`${kind}, n = ${n}`, async () => {
        const input = frVector(n);
        const want = await referenceNtt(kind, input);
        for (const arch of RUNNABLE_ARCHES) {
          for (const threads of [1, 3]) {
            const d = fresh("ntt");
            const inp = join(d, "in.bin");
            const out = join(d, "out.bin");
            writeFileSync(inp, input);
            const r = await runBin([kind, inp, out, "--threads", String(threads), "--arch", arch]);
            assert.equal(r.code, 0, `${kind} exited ${r.code} ${r.signal ?? ""}: ${r.stderr}`);
            const got = readFileSync(out);
            assert.equal(got.length, 32 * n);
            for (let i = 0; i < n; i++)
              assert.ok(leToBigint(got.subarray(32 * i, 32 * i + 32)) < R, `element ${i} is not canonical`);
            assert.deepEqual(frValues(got), want, `${kind} n=${n} --threads ${threads} --arch ${arch}`);
            rmSync(d, { recursive: true, force: true });
          }
        }
      });
    }
  }

  test("a count that is not a power of two is refused", async () => {
    const d = fresh("ntt-bad");
    const inp = join(d, "in.bin");
    writeFileSync(inp, frVector(3));
    const r = await runBin(["fft", inp, join(d, "out.bin")]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^des-groth16: USAGE: /m);
    assert.equal(existsSync(join(d, "out.bin")), false);
  });
});

// ---------------------------------------------------------------------------------------------
// Circuits and keys (shared by the proof and bad-input tests)

interface Circuit {
  c: CompiledCircuit;
  inputs: [Record<string, unknown>, Record<string, unknown>];
}
interface Fixture {
  muls: Circuit;
  hashes: Circuit;
  keys: Map<string, SetupResult>;
  /** witnesses by `${circuit}-${input index}` */
  wtns: Map<string, string>;
}

const domainPower = (c: CompiledCircuit) => {
  const v = c.constraints + c.publicSignals;
  return 32 - Math.clz32(v);
};

let fixture: Promise<Fixture> | undefined;
function getFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    const muls: Circuit = {
      c: await compileCircuit({
        name: "native-prover-test-muls",
        file: "circuits/test/muls.circom",
        template: "Muls",
        params: [200],
        publicInputs: ["x"],
      }),
      inputs: [
        { x: 3, k: 7 },
        { x: 5, k: 11 },
      ],
    };
    const hashes: Circuit = {
      c: await compileCircuit({
        name: "native-prover-test-hashes",
        file: "circuits/test/hashes.circom",
        template: "Hashes",
        params: [1],
        publicInputs: ["salt"],
      }),
      inputs: [
        { seed: 12345, salt: 678 },
        { seed: 999, salt: 4242 },
      ],
    };
    // a tiny powers-of-tau, just large enough for both circuits
    const power = Math.max(domainPower(muls.c), domainPower(hashes.c));
    const bn128 = await snarkjs.curves.getCurveFromName("bn128");
    const p0 = join(work, "pot0.ptau");
    const p1 = join(work, "pot1.ptau");
    const ptau = join(work, "pot_final.ptau");
    await snarkjs.powersOfTau.newAccumulator(bn128, power, p0);
    await snarkjs.powersOfTau.contribute(p0, p1, "test", "entropy for the native prover test ceremony");
    await snarkjs.powersOfTau.preparePhase2(p1, ptau);
    const keysDir = join(work, "keys");
    const keys = new Map<string, SetupResult>();
    const wtns = new Map<string, string>();
    for (const [name, circ] of [
      ["muls", muls],
      ["hashes", hashes],
    ] as const) {
      keys.set(`${name}-dev`, await setupCircuit(circ.c, { keysDir, log: () => {} }));
      keys.set(
        `${name}-ceremony`,
        await setupCircuit(circ.c, { keysDir, log: () => {}, mode: "ceremony", ptau }),
      );
      for (let i = 0; i < 2; i++) {
        const f = join(work, `${name}-${i}.wtns`);
        await snarkjs.wtns.calculate(circ.inputs[i]!, circ.c.wasm, f);
        wtns.set(`${name}-${i}`, f);
      }
    }
    return { muls, hashes, keys, wtns };
  })();
  return fixture;
}

const vkeyOf = (k: SetupResult) => JSON.parse(readFileSync(k.vkey, "utf8")) as snarkjs.VerificationKey;

// The .wtns layout snarkjs writes: "wtns", version 2, 2 sections; section 1 (40 bytes): n8 = 32,
// the prime, the count; section 2: the values, 32 bytes little-endian each.
const WTNS_VALUES = 12 + 12 + 40 + 12;

// ---------------------------------------------------------------------------------------------
// Proofs

describe("native proofs verify with snarkjs", { skip: SKIP }, () => {
  let fx: Fixture;
  before(async () => {
    fx = await getFixture();
  });

  for (const circuit of ["muls", "hashes"] as const) {
    for (const mode of ["dev", "ceremony"] as const) {
      describe(`${circuit}, ${mode} key`, () => {
        let key: SetupResult;
        let vk: snarkjs.VerificationKey;
        let wtns0: string;
        let wtns1: string;
        let reference: { proof: snarkjs.Groth16Proof; publicSignals: string[] };
        before(async () => {
          key = fx.keys.get(`${circuit}-${mode}`)!;
          assert.equal(key.dev, mode === "dev");
          vk = vkeyOf(key);
          wtns0 = fx.wtns.get(`${circuit}-0`)!;
          wtns1 = fx.wtns.get(`${circuit}-1`)!;
          reference = await snarkjs.groth16.prove(key.zkey, wtns0);
          assert.equal(await snarkjs.groth16.verify(vk, reference.publicSignals, reference.proof), true);
        });

        test("proofs verify with snarkjs's public signals, for 1 and 2 threads and each arch", async () => {
          const inputs = fx[circuit].inputs[0];
          for (const arch of RUNNABLE_ARCHES) {
            for (const threads of [1, 2]) {
              const r = await nativeProve(key.zkey, wtns0, { threads, arch });
              const what = `--threads ${threads} --arch ${arch}`;
              assert.deepEqual(r.publicSignals, reference.publicSignals, what);
              assert.equal(r.proof.protocol, "groth16");
              assert.equal(r.proof.curve, "bn128");
              assert.equal(await snarkjs.groth16.verify(vk, r.publicSignals, r.proof), true, what);
              assert.equal(r.stats.threads, threads);
              assert.equal(r.stats.arch, arch);
              assert.equal(r.stats.nVars, fx[circuit].c.wires);
            }
          }
          // the public input is in the public signals (after the output)
          const pub = circuit === "muls" ? inputs["x"] : inputs["salt"];
          assert.equal(reference.publicSignals[1], String(pub));
        });

        test("two proofs of one witness differ (fresh r, s) and both verify", async () => {
          const a = await nativeProve(key.zkey, wtns0, { threads: 1 });
          const b = await nativeProve(key.zkey, wtns0, { threads: 1 });
          assert.notDeepEqual(a.proof.pi_a, b.proof.pi_a);
          assert.notDeepEqual(a.proof.pi_b, b.proof.pi_b);
          assert.notDeepEqual(a.proof.pi_c, b.proof.pi_c);
          assert.notDeepEqual(a.proof.pi_a, reference.proof.pi_a);
          assert.equal(await snarkjs.groth16.verify(vk, a.publicSignals, a.proof), true);
          assert.equal(await snarkjs.groth16.verify(vk, b.publicSignals, b.proof), true);
        });

        test("a witness for another input verifies for its own public signals only", async () => {
          const ref1 = await snarkjs.groth16.prove(key.zkey, wtns1);
          const r = await nativeProve(key.zkey, wtns1, { threads: 2 });
          assert.deepEqual(r.publicSignals, ref1.publicSignals);
          assert.notDeepEqual(r.publicSignals, reference.publicSignals);
          assert.equal(await snarkjs.groth16.verify(vk, r.publicSignals, r.proof), true);
          assert.equal(await snarkjs.groth16.verify(vk, reference.publicSignals, r.proof), false);
        });

        test("a tampered witness (one private value changed, still canonical) gives a rejected proof", async () => {
          const buf = Buffer.from(readFileSync(wtns0));
          const nPublic = reference.publicSignals.length;
          const at = WTNS_VALUES + 32 * (nPublic + 1); // the first private signal
          assert.equal(buf.readUInt32LE(WTNS_VALUES - 12 - 40 + 36), fx[circuit].c.wires);
          const v = leToBigint(buf.subarray(at, at + 32));
          buf.set(scalarBytes([(v + 1n) % R]), at);
          const f = join(fresh("tampered"), "tampered.wtns");
          writeFileSync(f, buf);
          // snarkjs's own prover makes a rejected proof of it too (the change breaks a constraint)
          const sj = await snarkjs.groth16.prove(key.zkey, f);
          assert.equal(await snarkjs.groth16.verify(vk, sj.publicSignals, sj.proof), false);
          for (const arch of RUNNABLE_ARCHES) {
            const r = await nativeProve(key.zkey, f, { threads: 2, arch });
            assert.deepEqual(r.publicSignals, reference.publicSignals);
            assert.equal(await snarkjs.groth16.verify(vk, r.publicSignals, r.proof), false, arch);
          }
        });
      });
    }
  }
});

describe("native proofs of a larger circuit (≥ 4096 terms per MSM) verify with snarkjs", {
  skip: SKIP,
}, () => {
  let c: CompiledCircuit;
  let key: SetupResult;
  let vk: snarkjs.VerificationKey;
  let wtns: string;
  let reference: { proof: snarkjs.Groth16Proof; publicSignals: string[] };
  before(async () => {
    await getFixture(); // one thing at a time: the small circuits' set-up first
    c = await compileCircuit({
      name: "native-prover-test-muls-large",
      file: "circuits/test/muls.circom",
      template: "Muls",
      params: [4500],
      publicInputs: ["x"],
    });
    key = await setupCircuit(c, { keysDir: join(work, "keys"), log: () => {} });
    vk = vkeyOf(key);
    wtns = join(work, "muls-large.wtns");
    await snarkjs.wtns.calculate({ x: 7, k: 3 }, c.wasm, wtns);
    reference = await snarkjs.groth16.prove(key.zkey, wtns);
  });

  test("proofs verify, for each arch and bucket accumulation", async () => {
    for (const arch of RUNNABLE_ARCHES) {
      const r = await nativeProve(key.zkey, wtns, { threads: 2, arch });
      assert.deepEqual(r.publicSignals, reference.publicSignals, arch);
      assert.equal(await snarkjs.groth16.verify(vk, r.publicSignals, r.proof), true, arch);
      assert.ok(r.stats.msm.H.large >= 4096, `H has ${r.stats.msm.H.large} large terms`);
      assert.ok(r.stats.msm.A.large >= 4096, `A has ${r.stats.msm.A.large} large terms`);
      const h = r.stats.msm.H as { batchAffine?: boolean };
      if (msmModes.length)
        assert.equal(h.batchAffine, true, "the default accumulation is not batch-affine for H");
      for (const mode of msmModes) {
        const out = fresh("large");
        const proof = join(out, "proof.json");
        const pub = join(out, "public.json");
        const b = await runBin([
          "prove",
          key.zkey,
          wtns,
          proof,
          pub,
          "--threads",
          "2",
          "--arch",
          arch,
          "--msm",
          mode,
        ]);
        assert.equal(b.code, 0, b.stderr);
        const p = JSON.parse(readFileSync(proof, "utf8")) as snarkjs.Groth16Proof;
        const ps = JSON.parse(readFileSync(pub, "utf8")) as string[];
        assert.deepEqual(ps, reference.publicSignals);
        assert.equal(await snarkjs.groth16.verify(vk, ps, p), true, `${arch} --msm ${mode}`);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Bad inputs

interface Sect {
  pos: number;
  size: number;
}

/** The iden3 binfile container: magic(4), u32 version, u32 nSections, then (u32 type, u64 size, data)*. */
function binSections(b: Buffer): Map<number, Sect> {
  const n = b.readUInt32LE(8);
  const out = new Map<number, Sect>();
  let pos = 12;
  for (let i = 0; i < n; i++) {
    const type = b.readUInt32LE(pos);
    const size = Number(b.readBigUInt64LE(pos + 4));
    pos += 12;
    out.set(type, { pos, size });
    pos += size;
  }
  assert.equal(pos, b.length, "the binfile's sections do not cover the file");
  return out;
}

describe("malformed inputs are refused with a named code, a non-zero exit and no output", {
  skip: SKIP,
}, () => {
  let fx: Fixture;
  let zkey: string;
  let zbuf: Buffer;
  let zs: Map<number, Sect>;
  let wtns: string;
  let wbuf: Buffer;
  before(async () => {
    fx = await getFixture();
    zkey = fx.keys.get("muls-dev")!.zkey;
    zbuf = readFileSync(zkey);
    zs = binSections(zbuf);
    wtns = fx.wtns.get("muls-0")!;
    wbuf = readFileSync(wtns);
    assert.equal(zbuf.subarray(0, 4).toString(), "zkey");
    assert.equal(wbuf.subarray(0, 4).toString(), "wtns");
    for (const t of [1, 2, 3, 4, 5, 6, 7, 8, 9]) assert.ok(zs.has(t), `the zkey has no section ${t}`);
    const ws = binSections(wbuf);
    assert.deepEqual(ws.get(2), { pos: WTNS_VALUES, size: 32 * fx.muls.c.wires });
  });

  const file = (tag: string, data: Uint8Array) => {
    const f = join(fresh("bad"), tag);
    writeFileSync(f, data);
    return f;
  };
  const mutated = (src: Buffer, mutate: (b: Buffer) => void) => {
    const b = Buffer.from(src);
    mutate(b);
    return b;
  };

  /** The binary refuses (exit status, code on stderr, no proof or public file); so does nativeProve. */
  async function refused(
    zk: string,
    wt: string,
    code: ErrorCode,
    extra: string[] = [],
    exit = code === "USAGE" ? 2 : 1,
  ): Promise<void> {
    const out = fresh("out");
    const proof = join(out, "proof.json");
    const pub = join(out, "public.json");
    const r = await runBin(["prove", zk, wt, proof, pub, ...extra]);
    const what = `prove ${zk} ${wt} ${extra.join(" ")}: exit ${r.code} ${r.signal ?? ""}, stderr ${r.stderr}`;
    assert.equal(r.signal, null, what);
    assert.equal(r.code, exit, what);
    assert.match(r.stderr, new RegExp(`^des-groth16: ${code}: `, "m"), what);
    assert.equal(existsSync(proof), false, `${what}: a proof file was written`);
    assert.equal(existsSync(pub), false, `${what}: a public file was written`);
    assert.deepEqual(readdirSync(out), [], `${what}: files left behind`);
    if (extra.length === 0)
      await assert.rejects(nativeProve(zk, wt, { threads: 1 }), (e: unknown) => {
        assert.ok(isDesError(e, code), `nativeProve: ${String(e)}`);
        return true;
      });
  }

  test("truncated zkeys: INVALID_ZKEY", async () => {
    const s2 = zs.get(2)!;
    const s5 = zs.get(5)!;
    const s9 = zs.get(9)!;
    const cuts = [
      0,
      10,
      12 + 6, // in the first section's header
      s2.pos + Math.floor(s2.size / 2), // mid Groth16 header
      s5.pos + Math.floor(s5.size / 2) + 3, // mid A section
      s9.pos + s9.size - 1, // the H section's last byte
      zbuf.length - 1,
    ];
    for (const len of cuts)
      await refused(file(`trunc-${len}.zkey`, zbuf.subarray(0, len)), wtns, "INVALID_ZKEY");
  });

  test("a zkey with a flipped magic: INVALID_ZKEY", async () => {
    await refused(
      file(
        "magic.zkey",
        mutated(zbuf, (b) => b.write("zkez", 0)),
      ),
      wtns,
      "INVALID_ZKEY",
    );
    await refused(
      file(
        "magic2.zkey",
        mutated(zbuf, (b) => (b[0]! ^= 0x01)),
      ),
      wtns,
      "INVALID_ZKEY",
    );
  });

  test("a zkey point coordinate ≥ q: INVALID_ZKEY", async () => {
    // section 5 (A), point 1's x; section 7 (B2), point 2's x.c1; section 9 (H), the last point's y
    const s5 = zs.get(5)!;
    const s7 = zs.get(7)!;
    const s9 = zs.get(9)!;
    for (const [tag, at] of [
      ["a", s5.pos + 64],
      ["b2", s7.pos + 2 * 128 + 32],
      ["h", s9.pos + s9.size - 32],
      ["alpha", zs.get(2)!.pos + 84], // the header's α₁
    ] as const) {
      await refused(
        file(
          `big-${tag}.zkey`,
          mutated(zbuf, (b) => b.fill(0xff, at, at + 32)),
        ),
        wtns,
        "INVALID_ZKEY",
      );
      // exactly q
      await refused(
        file(
          `q-${tag}.zkey`,
          mutated(zbuf, (b) => b.set(leBytes(Q), at)),
        ),
        wtns,
        "INVALID_ZKEY",
      );
    }
  });

  test("truncated witnesses: INVALID_WTNS", async () => {
    for (const len of [0, 10, 30, WTNS_VALUES - 1, WTNS_VALUES + 40, wbuf.length - 1])
      await refused(zkey, file(`trunc-${len}.wtns`, wbuf.subarray(0, len)), "INVALID_WTNS");
  });

  test("a witness value ≥ r, or value 0 not 1: INVALID_WTNS", async () => {
    const at = WTNS_VALUES + 32 * 5;
    const r = leBytes(R);
    await refused(
      zkey,
      file(
        "r.wtns",
        mutated(wbuf, (b) => b.set(r, at)),
      ),
      "INVALID_WTNS",
    );
    await refused(
      zkey,
      file(
        "ff.wtns",
        mutated(wbuf, (b) => b.fill(0xff, at, at + 32)),
      ),
      "INVALID_WTNS",
    );
    await refused(
      zkey,
      file(
        "one.wtns",
        mutated(wbuf, (b) => b.set(scalarBytes([2n]), WTNS_VALUES)),
      ),
      "INVALID_WTNS",
    );
  });

  test("a witness of another circuit: WITNESS_MISMATCH", async () => {
    assert.notEqual(fx.muls.c.wires, fx.hashes.c.wires);
    await refused(zkey, fx.wtns.get("hashes-0")!, "WITNESS_MISMATCH");
    await refused(fx.keys.get("hashes-ceremony")!.zkey, wtns, "WITNESS_MISMATCH");
  });

  test("missing files: FILE_NOT_FOUND", async () => {
    await refused(join(work, "no-such.zkey"), wtns, "FILE_NOT_FOUND");
    await refused(zkey, join(work, "no-such.wtns"), "FILE_NOT_FOUND");
  });

  test("coefficient entries out of range: INVALID_ZKEY", async () => {
    // section 4: u32 count, then (u32 matrix, u32 constraint, u32 signal, 32-byte value)*
    const s4 = zs.get(4)!;
    assert.ok(zbuf.readUInt32LE(s4.pos) > 2);
    const entry = s4.pos + 4 + 44;
    for (const [tag, off, v] of [
      ["matrix", 0, 2],
      ["row", 4, 0xffffffff],
      ["signal", 8, fx.muls.c.wires],
    ] as const)
      await refused(
        file(
          `coef-${tag}.zkey`,
          mutated(zbuf, (b) => b.writeUInt32LE(v, entry + off)),
        ),
        wtns,
        "INVALID_ZKEY",
      );
  });

  test("a header that overflows the public-input count (nPublic = 2³²−1): INVALID_ZKEY, not a crash", async () => {
    // Section sizes made consistent with the overflowing count: IC (nPublic + 1 points, computed
    // in 32 bits) empty, C (nVars − nPublic − 1 points, 32 bits) as large as A.
    const s2 = zs.get(2)!;
    const header = Buffer.from(zbuf.subarray(s2.pos, s2.pos + s2.size));
    header.writeUInt32LE(0xffffffff, 76);
    const s5 = zs.get(5)!;
    const crafted = rebuildBin(
      zbuf,
      zs,
      new Map([
        [2, header],
        [3, Buffer.alloc(0)],
        [8, Buffer.from(zbuf.subarray(s5.pos, s5.pos + s5.size))],
      ]),
    );
    await refused(file("npublic-overflow.zkey", crafted), wtns, "INVALID_ZKEY");
  });

  test("an output that cannot be written: FILE_NOT_FOUND, and neither output left behind", async () => {
    const out = fresh("unwritable");
    const proof = join(out, "missing-dir", "proof.json");
    const pub = join(out, "public.json");
    const r = await runBin(["prove", zkey, wtns, proof, pub, "--threads", "1"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^des-groth16: FILE_NOT_FOUND: /m);
    assert.equal(existsSync(proof), false);
    assert.deepEqual(readdirSync(out), [], "a failed run left public.json (or a temporary file) behind");
  });

  test("--arch without a value: exit 2, USAGE (as --threads without a value)", async () => {
    await refused(zkey, wtns, "USAGE", ["--arch"]);
  });

  test("bad flags: exit 2, USAGE", async () => {
    for (const flags of [
      ["--threads", "0"],
      ["--threads", "-1"],
      ["--threads", "two"],
      ["--threads", "3x"],
      ["--threads"],
      ["--bogus"],
      ["--arch", "sparc"],
    ])
      await refused(zkey, wtns, "USAGE", flags);
    // missing and extra arguments
    for (const args of [[], ["prove", zkey, wtns], ["prove", zkey, wtns, "a", "b", "c"], ["frobnicate"]]) {
      const r = await runBin(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /^des-groth16: USAGE: /m);
    }
  });
});

/** The binfile `b` (sections `secs`) with some sections' data replaced. */
function rebuildBin(b: Buffer, secs: Map<number, Sect>, replace: Map<number, Buffer>): Buffer {
  const parts: Buffer[] = [b.subarray(0, 12)];
  for (const [type, s] of secs) {
    const data = replace.get(type) ?? b.subarray(s.pos, s.pos + s.size);
    const h = Buffer.alloc(12);
    h.writeUInt32LE(type, 0);
    h.writeBigUInt64LE(BigInt(data.length), 4);
    parts.push(h, data);
  }
  return Buffer.concat(parts);
}

/** A 256-bit integer (possibly ≥ r or ≥ q) as 32 little-endian bytes. */
function leBytes(x: bigint): Buffer {
  const b = Buffer.alloc(32);
  let v = x;
  for (let j = 0; j < 32; j++) {
    b[j] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}
