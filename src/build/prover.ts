/**
 * The native Groth16 prover (`native/prover/`, C++17): built with g++ on first use, cached by
 * content, and run as a child process on a snarkjs zkey and a circom witness file. It writes
 * snarkjs's proof.json / public.json; snarkjs stays the reference and the fallback.
 *
 * Build: the sources and flags hash to `artifacts/native/prover-<sha256>/des-groth16`. The core
 * (core.cpp) is compiled twice, portable and with BMI2/ADX, and the binary picks one at run time.
 *
 * Choice: `DES_PROVER=native|snarkjs` (default: native when g++ can build it). Where it cannot,
 * `proverBackend()` says snarkjs and why, and callers log that once.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Groth16Proof } from "snarkjs";
import { desError, ERROR_CODES, type ErrorCode } from "../errors.ts";
import { exitStatus, runProcess } from "../util/proc.ts";
import { ARTIFACTS, REPO_ROOT } from "./circom.ts";

export const PROVER_SRC = join(REPO_ROOT, "native", "prover");
const CXX = "g++";
const COMMON = ["-std=c++17", "-O3", "-fno-strict-aliasing", "-Wall", "-Wno-unused-function"];
const CORES = [
  { ns: "generic", flags: [] as string[] },
  { ns: "adx", flags: ["-mbmi2", "-madx"] },
];

export type ProverBackend = "native" | "snarkjs";

export interface BackendChoice {
  backend: ProverBackend;
  /** Why snarkjs, when it is snarkjs. */
  reason?: string;
}

let probed: { ok: boolean; reason?: string } | undefined;

/** Whether g++ can build the prover here (checked once per process). */
export function proverToolchain(): { ok: boolean; reason?: string } {
  if (probed) return probed;
  const probe = spawnSync(CXX, ["-std=c++17", "-pthread", "-fsyntax-only", "-x", "c++", "-"], {
    input: "#include <thread>\n#include <sys/random.h>\nint main() { return 0; }\n",
    encoding: "utf8",
  });
  if (probe.error) probed = { ok: false, reason: `${CXX} not found (${probe.error.message})` };
  else if (probe.status !== 0)
    probed = { ok: false, reason: `${CXX} cannot build C++17 with threads: ${probe.stderr.split("\n")[0]}` };
  else probed = { ok: true };
  return probed;
}

/** `DES_PROVER` checked: native, snarkjs or unset (a USAGE error otherwise). */
export function proverEnv(): ProverBackend | undefined {
  const env = process.env.DES_PROVER;
  if (env === undefined || env === "") return undefined;
  if (env !== "native" && env !== "snarkjs")
    throw desError("USAGE", `DES_PROVER must be native or snarkjs, not ${JSON.stringify(env)}`);
  return env;
}

/** The prover `DES_PROVER` asks for (native by default), and whether it can be had. */
export function proverBackend(): BackendChoice {
  const env = proverEnv();
  if (env === "snarkjs") return { backend: "snarkjs", reason: "DES_PROVER=snarkjs" };
  const tc = proverToolchain();
  if (!tc.ok) return { backend: "snarkjs", reason: `native prover unavailable: ${tc.reason}` };
  return { backend: "native" };
}

const logged = new Set<string>();
/** Logs `proofs use snarkjs: <reason>`, once per process and reason. */
function fallbackOnce(log: (line: string) => void, reason: string): void {
  if (logged.has(reason)) return;
  logged.add(reason);
  log(`proofs use snarkjs: ${reason}`);
}

/** Logs, once per process, why proofs fall back to snarkjs (if they do). Returns the choice. */
export function announceBackend(log: (line: string) => void = (l) => console.error(l)): BackendChoice {
  const c = proverBackend();
  if (c.backend === "snarkjs" && c.reason) fallbackOnce(log, c.reason);
  return c;
}

function sourceFiles(): string[] {
  return readdirSync(PROVER_SRC)
    .filter((f) => /\.(cpp|hpp)$/.test(f))
    .sort();
}

/** Content hash of the prover's sources and build flags. */
export function proverHash(): string {
  const h = createHash("sha256").update(JSON.stringify([CXX, COMMON, CORES]));
  for (const f of sourceFiles())
    h.update(f)
      .update("\0")
      .update(readFileSync(join(PROVER_SRC, f)));
  return h.digest("hex").slice(0, 16);
}

async function gxx(args: string[]): Promise<void> {
  const r = await runProcess(CXX, args, { cwd: PROVER_SRC });
  if (r.code !== 0)
    throw desError(
      "PROVER_FAULT",
      `building the native prover failed (${exitStatus(r)}):\n${r.output.slice(-4000)}`,
    );
}

export interface NativeProver {
  bin: string;
  buildSeconds: number;
}

const building = new Map<string, Promise<NativeProver>>();

/** Builds the prover (or finds it built): `artifacts/native/prover-<hash>/des-groth16`. */
export function buildNativeProver(): Promise<NativeProver> {
  const hash = proverHash();
  const dir = join(ARTIFACTS, "native", `prover-${hash}`);
  const bin = join(dir, "des-groth16");
  if (existsSync(bin)) return Promise.resolve({ bin, buildSeconds: 0 });
  let p = building.get(bin);
  if (!p) {
    p = (async () => {
      const tc = proverToolchain();
      if (!tc.ok) throw desError("PROVER_FAULT", `native prover unavailable: ${tc.reason}`);
      const t0 = performance.now();
      mkdirSync(dir, { recursive: true });
      // a private build directory: concurrent builders (test processes) never share objects
      const work = mkdtempSync(join(dir, "build-"));
      try {
        const objs: string[] = [];
        await Promise.all(
          [...CORES.map((c) => ({ src: "core.cpp", ...c })), { src: "main.cpp", ns: "main", flags: [] }].map(
            async (u) => {
              const obj = join(work, `${u.ns}.o`);
              const defs = u.ns === "main" ? [] : [`-DDES_ARCH=${u.ns}`, `-DDES_ARCH_NAME="${u.ns}"`];
              await gxx([...COMMON, ...u.flags, ...defs, "-c", u.src, "-o", obj]);
              objs.push(obj);
            },
          ),
        );
        const tmp = join(work, "des-groth16");
        await gxx(["-o", tmp, ...objs.sort(), "-pthread"]);
        renameSync(tmp, bin);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
      return { bin, buildSeconds: (performance.now() - t0) / 1000 };
    })();
    building.set(bin, p);
    p.catch(() => building.delete(bin));
  }
  return p;
}

export interface NativeProveStats {
  threads: number;
  arch: string;
  nVars: number;
  readSeconds: number;
  abcSeconds: number;
  fftSeconds: number;
  msmSeconds: number;
  totalSeconds: number;
  msmAccumulation: "batch-affine" | "jacobian";
  peakRssMiB: number;
  msm: Record<
    "A" | "B1" | "B2" | "C" | "H",
    { n: number; zeros: number; ones: number; large: number; window: number }
  >;
}

export interface NativeProveResult {
  proof: Groth16Proof;
  publicSignals: string[];
  stats: NativeProveStats;
  seconds: number;
}

/** Codes the binary reports ("des-groth16: CODE: message") that are DesError codes. */
function errorCode(code: string): ErrorCode {
  return code in ERROR_CODES ? (code as ErrorCode) : "PROVER_FAULT";
}

/**
 * Proves with the native prover: `threads` defaults to the cores this process may use. Failures
 * are DesErrors with the binary's code (INVALID_ZKEY, INVALID_WTNS, WITNESS_MISMATCH, …).
 */
export async function nativeProve(
  zkey: string,
  wtns: string,
  opts: {
    threads?: number;
    arch?: "auto" | "generic" | "adx";
    msm?: "batch-affine" | "jacobian";
    bin?: string;
  } = {},
): Promise<NativeProveResult> {
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 1))
    throw desError("USAGE", `native prover threads must be a positive integer, got ${opts.threads}`);
  const bin = opts.bin ?? (await buildNativeProver()).bin;
  const work = mkdtempSync(join(tmpdir(), "des-native-prove-"));
  const t0 = performance.now();
  try {
    const proofFile = join(work, "proof.json");
    const publicFile = join(work, "public.json");
    const args = ["prove", zkey, wtns, proofFile, publicFile, "--stats"];
    if (opts.threads !== undefined) args.push("--threads", String(opts.threads));
    if (opts.arch) args.push("--arch", opts.arch);
    if (opts.msm) args.push("--msm", opts.msm);
    const r = await runProcess(bin, args, { maxOutput: 1 << 16 });
    if (r.code !== 0) {
      const line = r.output.split("\n").find((l) => l.startsWith("des-groth16: ")) ?? "";
      const m = /^des-groth16: ([A-Z_]+): (.*)$/.exec(line);
      if (m) throw desError(errorCode(m[1]!), m[2]!, { prover: "native" });
      throw desError("PROVER_FAULT", `native prover failed (${exitStatus(r)}): ${r.output.slice(-2000)}`, {
        prover: "native",
      });
    }
    const stats = JSON.parse(r.output.trim().split("\n").pop()!) as NativeProveStats;
    return {
      proof: JSON.parse(readFileSync(proofFile, "utf8")) as Groth16Proof,
      publicSignals: JSON.parse(readFileSync(publicFile, "utf8")) as string[],
      stats,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The prover every proof of this process uses: the native binary (built on first use) unless
 * `DES_PROVER=snarkjs` or it cannot be built here, in which case undefined is returned and the
 * reason is logged once per process.
 */
export async function resolveNativeProver(
  log: (line: string) => void = (l) => console.error(l),
): Promise<NativeProver | undefined> {
  const c = announceBackend(log);
  if (c.backend !== "native") return undefined;
  try {
    return await buildNativeProver();
  } catch (e) {
    fallbackOnce(log, `native prover build failed: ${(e as Error).message.split("\n")[0]}`);
    return undefined;
  }
}
