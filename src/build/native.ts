/**
 * Native witness generators: circom's C++ output (`--c --no_asm`) built with g++ and GMP.
 *
 * The WebAssembly witness generator runs at about 43 µs per wire, over a minute for one in-circuit
 * Groth16 verifier (≈ 2M wires); the same code compiled natively runs it in seconds. The C++ build
 * needs g++, GMP (`libgmp-dev`) and nlohmann's JSON header (`nlohmann-json3-dev`), all Debian
 * packages (`make native-deps` installs them). Where they are missing, callers fall back to the
 * WebAssembly generator: `nativeToolchain()` says which, and why.
 *
 * Builds are cached by content: circom's runtime files (main.cpp, calcwit.cpp, fr.cpp), identical
 * for every circuit of one prime, are compiled once into `artifacts/native/obj/<sha256>.o`; the
 * circuit's own translation unit and the linked binary live beside its sources in the circuit's
 * artifact directory.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { FIELD_P } from "../crypto/field.ts";
import { desError } from "../errors.ts";
import { exitStatus, type ProcessResult, runProcess } from "../util/proc.ts";
import { ARTIFACTS, REPO_ROOT } from "./circom.ts";

/**
 * g++ flags. The circuit's own translation unit gets -O1: the verifier's is 32 MB of C++, about
 * 6 minutes and 3.6 GB at -O1 (docs/circuits.md, "Native witness generators"; -O3, circom's default, not
 * tried at that size). The runtime gets circom's -O3. Asserts stay on: they are how the generated
 * code reports a failed `===` or `assert`.
 */
const CXX = "g++";
const CXXFLAGS = ["-std=c++11", "-I.", "-Wno-address-of-packed-member"];
const RUNTIME_OPT = "-O3";
const CIRCUIT_OPT = "-O1";
const RUNTIME_FILES = ["main.cpp", "calcwit.cpp", "fr.cpp"];

export interface NativeToolchain {
  ok: boolean;
  /** Why not, when not ok. */
  reason?: string;
}

let toolchain: NativeToolchain | undefined;

/** Whether g++, GMP and nlohmann/json can build circom's C++ output (checked once per process). */
export function nativeToolchain(): NativeToolchain {
  if (toolchain) return toolchain;
  if (process.env.DES_NATIVE_WITNESS === "0") {
    toolchain = { ok: false, reason: "disabled by DES_NATIVE_WITNESS=0" };
    return toolchain;
  }
  const probe = spawnSync(CXX, ["-std=c++11", "-fsyntax-only", "-x", "c++", "-"], {
    input: "#include <gmp.h>\n#include <nlohmann/json.hpp>\nint main() { return 0; }\n",
    encoding: "utf8",
  });
  if (probe.error) toolchain = { ok: false, reason: `${CXX} not found (${probe.error.message})` };
  else if (probe.status !== 0)
    toolchain = {
      ok: false,
      reason: `${CXX} cannot build with GMP and nlohmann/json (run \`make native-deps\`): ${probe.stderr.split("\n")[0]}`,
    };
  else toolchain = { ok: true };
  return toolchain;
}

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  const r = await runProcess(cmd, args, { cwd });
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed (${exitStatus(r)}):\n${r.output.slice(-4000)}`);
}

export interface NativeWitness {
  /** The witness generator: `<bin> <input.json> <out.wtns>`; reads `<bin>.dat`. */
  bin: string;
  buildSeconds: number;
}

/** One g++ run: `g++ ...pre <output> ...post`, the output written to a temporary name first. */
interface Step {
  pre: string[];
  out: string;
  post: string[];
}
const stepArgs = (s: Step, tmp: string) => [...s.pre, tmp, ...s.post];

/**
 * circom's fr.cpp with the Montgomery multiplication of native/witness/fr_mont.inc spliced in
 * (Fr_rawMMul, Fr_rawMMul1, Fr_rawFromMontgomery: the same results, a verifier witness 1.3× faster)
 * and its exact products in front of three multiplication cases (the same elements, 8–10% more;
 * docs/circuits.md, "Native witness generators"), written beside it as `fr-des.cpp`; its name, or
 * "fr.cpp" when the file is not the expected one (another circom version) or
 * DES_WITNESS_FR=portable asks for circom's own code. The splice keeps the portable body under
 * `#else` for compilers without unsigned __int128.
 */
export function runtimeFr(cppDir: string): string {
  if (process.env.DES_WITNESS_FR === "portable") return "fr.cpp";
  return splicedRuntime(cppDir, "fr.cpp", spliceMontgomery);
}

/**
 * circom's runtime file `file` with `splice` applied, written beside it as `<name>-des.cpp` (kept
 * when its content is already that); its name, or `file` when the splice does not fit.
 */
function splicedRuntime(cppDir: string, file: string, splice: (src: string) => string | undefined): string {
  const patched = splice(readFileSync(join(cppDir, file), "utf8"));
  if (patched === undefined) return file;
  const name = file.replace(/\.cpp$/, "-des.cpp");
  const out = join(cppDir, name);
  if (!existsSync(out) || readFileSync(out, "utf8") !== patched) {
    writeFileSync(`${out}.tmp-${process.pid}`, patched);
    renameSync(`${out}.tmp-${process.pid}`, out);
  }
  return name;
}

/**
 * The functions spliced: "replace" puts the body in place of the portable one (kept under #else),
 * "prefix" puts it before the portable body (a fast path that returns when it applies), "always"
 * likewise but for every compiler (Fr_copy's check for the pause of a two-stage witness,
 * native/witness/main_pause.inc).
 */
const MONT_BODIES: [signature: string, body: string, mode: "replace" | "prefix" | "always"][] = [
  [
    "void Fr_rawMMul(FrRawElement pRawResult, const FrRawElement pRawA, const FrRawElement pRawB)",
    "des_mont_mul(pRawResult, pRawA, pRawB);",
    "replace",
  ],
  [
    "void Fr_rawMMul1(FrRawElement pRawResult, const FrRawElement pRawA, uint64_t pRawB)",
    "const uint64_t b[4] = {pRawB, 0, 0, 0};\n    des_mont_mul(pRawResult, pRawA, b);",
    "replace",
  ],
  [
    "void Fr_rawFromMontgomery(FrRawElement pRawResult, const FrRawElement pRawA)",
    "static const uint64_t one[4] = {1, 0, 0, 0};\n    des_mont_mul(pRawResult, pRawA, one);",
    "replace",
  ],
  [
    "void Fr_copy(PFrElement r, const PFrElement a)",
    "if (__builtin_expect(a == des_pause_src, 0)) des_pause_hook();",
    "always",
  ],
  [
    "static inline void mul_l1nl2n(PFrElement r, PFrElement a, PFrElement b)",
    "if (des_exact_mul(r->longVal, a->longVal, b->longVal)) {\n        r->type = Fr_LONG;\n        return;\n    }",
    "prefix",
  ],
  [
    "static inline void mul_l1ns2n(PFrElement r, PFrElement a, PFrElement b)",
    "if (des_exact_mul_short(r->longVal, a->longVal, b->shortVal)) {\n        r->type = Fr_LONG;\n        return;\n    }",
    "prefix",
  ],
  [
    "static inline void mul_s1nl2n(PFrElement r, PFrElement a, PFrElement b)",
    "if (des_exact_mul_short(r->longVal, b->longVal, a->shortVal)) {\n        r->type = Fr_LONG;\n        return;\n    }",
    "prefix",
  ],
];

/** fr.cpp with MONT_BODIES spliced in (portable code kept), or undefined if it does not fit. */
export function spliceMontgomery(src: string): string | undefined {
  const np = /^static uint64_t\s+Fr_np\s*=\s*0xc2e1f593efffffff;\n/m.exec(src);
  if (!np || !src.includes("static uint64_t     Fr_rawq[] = { 0x43e1f593f0000001,")) return undefined;
  const mont = readFileSync(join(REPO_ROOT, "native", "witness", "fr_mont.inc"), "utf8");
  let out = `${src.slice(0, np.index + np[0].length)}\n#ifdef __SIZEOF_INT128__\n${mont}#endif\n${PAUSE_GLOBALS}${src.slice(np.index + np[0].length)}`;
  for (const [sig, body, mode] of MONT_BODIES) {
    const at = out.indexOf(`\n${sig}\n{\n`);
    if (at < 0 || out.indexOf(`\n${sig}\n`, at + 1) >= 0) return undefined;
    const open = at + sig.length + 4;
    const end = out.indexOf("\n}\n", open);
    if (end < 0) return undefined;
    const portable = out.slice(open, end + 1);
    const spliced =
      mode === "replace"
        ? `#ifdef __SIZEOF_INT128__\n    ${body}\n#else\n${portable}#endif\n`
        : mode === "prefix"
          ? `#ifdef __SIZEOF_INT128__\n    ${body}\n#endif\n${portable}`
          : `    ${body}\n${portable}`;
    out = `${out.slice(0, open)}${spliced}${out.slice(end + 1)}`;
  }
  return out;
}

/** fr.cpp's definitions for the pause of a two-stage witness (set by main_pause.inc). */
const PAUSE_GLOBALS =
  "\n// des-prover: the pause of a two-stage witness (native/witness/main_pause.inc)\n" +
  "FrElement *des_pause_src = nullptr;\nvoid (*des_pause_hook)() = nullptr;\n";

/**
 * circom's main.cpp with native/witness/main_pause.inc inserted before `main` and called first
 * in it (the `--pause-at` mode; the usual two-argument call is unchanged), written beside it as
 * `main-des.cpp`; its name, or "main.cpp" when the file is not the expected one or fr.cpp is not
 * spliced (the pause is caught in the spliced Fr_copy).
 */
export function runtimeMain(cppDir: string): string {
  if (runtimeFr(cppDir) === "fr.cpp") return "main.cpp";
  return splicedRuntime(cppDir, "main.cpp", splicePause);
}

/** main.cpp with main_pause.inc spliced in, or undefined if it does not fit. */
export function splicePause(src: string): string | undefined {
  const sig = "\nint main (int argc, char *argv[]) {\n";
  const at = src.indexOf(sig);
  if (at < 0 || src.indexOf(sig, at + 1) >= 0) return undefined;
  for (const needed of [
    "void writeBinWitness(Circom_CalcWit *ctx, std::string wtnsFileName)",
    "void loadJson(Circom_CalcWit *ctx, std::string filename)",
    "Circom_Circuit* loadCircuit(std::string const &datFileName)",
  ])
    if (!src.includes(needed)) return undefined;
  const inc = readFileSync(join(REPO_ROOT, "native", "witness", "main_pause.inc"), "utf8");
  const body = at + sig.length;
  return `${src.slice(0, at)}\n${inc}${sig}  { const int s = des_pause_main(argc, argv); if (s >= 0) return s; }\n${src.slice(body)}`;
}

/**
 * Whether the generator `bin` can compute its witness in two stages around the main component's
 * input `signal` (native/witness/main_pause.inc): it links the spliced runtime (its stamp names
 * main-des), and the main component's generated code reads the signal only as the source of a
 * plain Fr_copy (a copy into a subcomponent's input), where the pause is caught; any other read
 * (an expression, an array copy) could use the placeholder before the pause, and the answer is
 * no. The scan of the circuit's C++ (tens of MB) is kept in `<bin>.pause-<signal>`.
 */
export function pauseSupport(bin: string, signal: string): boolean {
  if (!existsSync(bin) || !existsSync(`${bin}.runtime`)) return false;
  if (!readFileSync(`${bin}.runtime`, "utf8").includes("main-des-")) return false;
  const memo = `${bin}.pause-${signal}`;
  if (existsSync(memo)) return readFileSync(memo, "utf8") === "yes";
  const ok = mainReadsOnlyByCopy(dirname(bin), basename(bin), signal);
  writeFileSync(memo, ok ? "yes" : "no");
  return ok;
}

/** "\n" and the start of `file`, read in 4 MiB steps until it holds `marker` (or the whole file). */
function headUntil(file: string, marker: string): Buffer {
  const fd = openSync(file, "r");
  try {
    const parts = [Buffer.from("\n")];
    for (;;) {
      const b = Buffer.alloc(4 << 20);
      const n = readSync(fd, b, 0, b.length, null);
      if (n > 0) parts.push(b.subarray(0, n));
      const text = Buffer.concat(parts);
      if (n <= 0 || text.includes(marker)) return text;
    }
  } finally {
    closeSync(fd);
  }
}

/** The scan of pauseSupport: the main template's reads of `main.<signal>` are all plain Fr_copy's. */
export function mainReadsOnlyByCopy(cppDir: string, name: string, signal: string): boolean {
  // bytes, not strings: the files are tens of MB, and only their ASCII markers are searched
  // its line: "<signal id>,<wire>,<component>,main.<signal>", among the main component's own
  // signals, which come first (read in 4 MiB steps until found)
  const symText = headUntil(join(dirname(cppDir), `${name}.sym`), `,main.${signal}\n`);
  const at = symText.indexOf(`,main.${signal}\n`);
  if (at < 0) return false;
  const id = Number(
    symText
      .subarray(symText.lastIndexOf("\n", at) + 1, at)
      .toString("latin1")
      .split(",")[0],
  );
  if (!(id > 0)) return false;
  const cpp = readFileSync(join(cppDir, `${name}.cpp`));
  // void run(Circom_CalcWit* ctx){ T_create(1,0,ctx,"main",0); T_run(0,ctx); }: main's signals start at 1
  const runAt = cpp.lastIndexOf("\nvoid run(Circom_CalcWit* ctx){\n");
  const m =
    runAt < 0
      ? null
      : /^\nvoid run\(Circom_CalcWit\* ctx\)\{\n(\w+)_create\(1,0,ctx,"main",0\);\n\1_run\(0,ctx\);\n\}/.exec(
          cpp.subarray(runAt).toString("latin1"),
        );
  if (!m) return false;
  const start = cpp.indexOf(`\nvoid ${m[1]}_run(uint ctx_index,Circom_CalcWit* ctx){\n`);
  if (start < 0) return false;
  const end = cpp.indexOf("\n}\n\nvoid ", start);
  const body = cpp.subarray(start, end < 0 ? undefined : end).toString("latin1");
  const ref = `signalValues[mySignalStart + ${id - 1}]`;
  const copy = `\nFr_copy(aux_dest,&${ref});\n`;
  let reads = 0;
  for (let at = body.indexOf(ref); at >= 0; at = body.indexOf(ref, at + 1)) {
    const line = body.lastIndexOf("\n", at);
    if (body.slice(line, line + copy.length) !== copy) return false;
    reads++;
  }
  return reads > 0;
}

/**
 * The build of one generator: its binary, the g++ steps still to run, in order, and the runtime
 * stamp: the names of the runtime objects it links (by content hash), kept in `<bin>.runtime`. A
 * binary whose stamp differs (a runtime change, such as the Montgomery splice) is relinked; the
 * circuit's own object is kept, so that takes seconds, not the circuit's g++ minutes.
 */
function buildPlan(cppDir: string, name: string): { bin: string; steps: Step[]; stamp: string } {
  const bin = join(cppDir, name);
  const objDir = join(ARTIFACTS, "native", "obj");
  mkdirSync(objDir, { recursive: true });
  const steps: Step[] = [];
  const objects: string[] = [];
  for (const file of RUNTIME_FILES) {
    const f = file === "fr.cpp" ? runtimeFr(cppDir) : file === "main.cpp" ? runtimeMain(cppDir) : file;
    const h = createHash("sha256")
      .update(JSON.stringify([CXX, CXXFLAGS, RUNTIME_OPT]))
      .update(readFileSync(join(cppDir, f)))
      // the runtime includes these headers; fr.hpp and circom.hpp depend on the prime only
      .update(readFileSync(join(cppDir, "calcwit.hpp")))
      .update(readFileSync(join(cppDir, "circom.hpp")))
      .update(readFileSync(join(cppDir, "fr.hpp")))
      .digest("hex")
      .slice(0, 24);
    const obj = join(objDir, `${f.replace(/\.cpp$/, "")}-${h}.o`);
    if (!existsSync(obj)) steps.push({ pre: [...CXXFLAGS, RUNTIME_OPT, "-c", f, "-o"], out: obj, post: [] });
    objects.push(obj);
  }
  const own = join(cppDir, `${name}.o`);
  if (!existsSync(own))
    steps.push({ pre: [...CXXFLAGS, CIRCUIT_OPT, "-c", `${name}.cpp`, "-o"], out: own, post: [] });
  steps.push({ pre: ["-o"], out: bin, post: [own, ...objects, "-lgmp"] });
  return { bin, steps, stamp: objects.map((o) => basename(o)).join(",") };
}

/** Whether an existing binary links the current runtime objects. */
function linksCurrentRuntime(bin: string, stamp: string): boolean {
  return existsSync(`${bin}.runtime`) && readFileSync(`${bin}.runtime`, "utf8") === stamp;
}

/**
 * Builds (or reuses) the native witness generator of a circuit compiled with C++ output:
 * `cppDir` is circom's `<name>_cpp` directory.
 */
export async function buildNativeWitness(dir: string, name: string): Promise<NativeWitness> {
  // g++ runs in the directory: its output paths must not be relative to the caller's
  const cppDir = resolve(dir);
  const bin = join(cppDir, name);
  const tc = nativeToolchain();
  // without the toolchain, an existing binary (whatever its runtime) is still the circuit's generator
  if (existsSync(bin) && !tc.ok) return { bin, buildSeconds: 0 };
  if (!tc.ok) throw new Error(`native witness generator unavailable: ${tc.reason}`);
  const t0 = performance.now();
  const plan = buildPlan(cppDir, name);
  if (existsSync(bin) && linksCurrentRuntime(bin, plan.stamp)) return { bin, buildSeconds: 0 };
  for (const step of plan.steps) {
    const tmp = `${step.out}.tmp-${process.pid}`;
    await run(CXX, stepArgs(step, tmp), cppDir);
    renameSync(tmp, step.out);
  }
  writeFileSync(`${bin}.runtime`, plan.stamp);
  return { bin, buildSeconds: (performance.now() - t0) / 1000 };
}

/**
 * Starts the build of a native witness generator in a low-priority (nice 10) background process
 * that may outlive this one, and returns at once: the binary appears, atomically, when it is done
 * (`<bin>.build.log` keeps g++'s output). Callers use the WebAssembly generator until then, so a
 * first run does not wait minutes of g++ before its first witness. One build per binary at a time
 * (`<bin>.building` holds the builder's pid), and one background build of this process at a time
 * (the others wait in line). Returns the binary if it already exists; one linked with an older
 * runtime is returned too (its witnesses are the same) while its relink runs in the background.
 */
export function startNativeWitnessBuild(cppDir: string, name: string): string | undefined {
  const bin = join(cppDir, name);
  const have = existsSync(bin) ? bin : undefined;
  if (!nativeToolchain().ok) return have;
  // a binary on an older runtime computes the same witness: used while it is relinked
  if (have && linksCurrentRuntime(bin, buildPlan(cppDir, name).stamp)) return bin;
  const lock = `${bin}.building`;
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, "utf8"));
    try {
      if (pid > 0) {
        process.kill(pid, 0);
        return have; // a live builder
      }
    } catch {
      // stale lock: its builder died
    }
  }
  if (queued.has(bin)) return have;
  queued.add(bin);
  backlog.push({ bin, start: () => spawnBuild(cppDir, name, bin, lock) });
  pumpBuilds();
  return have;
}

/**
 * Background builds of this process run one at a time (a verifier's g++ takes ≈ 3.6 GB and a core
 * for ≈ 6 min): started all at once, the builds of a multi-level first run shared the cores and
 * memory until none finished (seen: seven at once, none done after 90 min). Queued builds that
 * have not started when this process exits are started again by the next run that needs them.
 */
const MAX_BACKGROUND_BUILDS = 1;
/** Binaries waiting or building in this process. */
const queued = new Set<string>();
const backlog: { bin: string; start: () => ChildProcess }[] = [];
let building = 0;

function pumpBuilds(): void {
  while (building < MAX_BACKGROUND_BUILDS && backlog.length) {
    building++;
    const next = backlog.shift()!;
    const child = next.start();
    child.on("exit", () => {
      building--;
      queued.delete(next.bin);
      pumpBuilds();
    });
    child.on("error", () => {}); // reported by its exit; the binary simply does not appear
  }
}

/** Background builds started or waiting in this process (for tests and reports). */
export function backgroundBuilds(): { running: number; waiting: number } {
  return { running: building, waiting: backlog.length };
}

function spawnBuild(cppDir: string, name: string, bin: string, lock: string): ChildProcess {
  const q = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
  const plan = buildPlan(cppDir, name);
  const lines = plan.steps.map((step) => {
    const tmp = `${step.out}.tmp-$$`;
    return `${CXX} ${stepArgs(step, tmp)
      .map((a) => (a === tmp ? `"${tmp}"` : q(a)))
      .join(" ")} && mv -f "${tmp}" ${q(step.out)}`;
  });
  lines.push(`printf %s ${q(plan.stamp)} > ${q(`${bin}.runtime`)}`);
  const script = `trap 'rm -f ${q(lock)}' EXIT\ncd ${q(cppDir)} || exit 1\n${lines.map((l) => `${l} || exit 1`).join("\n")}\n`;
  const logFd = openSync(`${bin}.build.log`, "w");
  // not detached: a new session gets its own scheduler autogroup, where nice means nothing against
  // this process's work (seen: two "nice" g++ took 64% of a core each beside a 2^22 setup);
  // unref'd, so this process can exit before the build ends
  const child = spawn("nice", ["-n", "10", "sh", "-c", script], { stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  writeFileSync(lock, String(child.pid ?? 0));
  child.unref();
  return child;
}

/**
 * Computes a witness with a native generator and writes it to `out` (.wtns). A failed constraint
 * or assert in the circuit aborts the generator; its message is in the thrown error.
 */
export async function nativeWitness(bin: string, input: unknown, out: string): Promise<{ seconds: number }> {
  const t0 = performance.now();
  const inputFile = `${out}.input.json`;
  const tmp = `${out}.tmp-${process.pid}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(inputFile, JSON.stringify(input));
  try {
    const r = await runProcess(bin, [inputFile, tmp], { maxOutput: 16_000 });
    if (r.code !== 0) throw generatorFailed(bin, r);
    renameSync(tmp, out);
  } finally {
    rmSync(inputFile, { force: true });
    rmSync(tmp, { force: true });
  }
  return { seconds: (performance.now() - t0) / 1000 };
}

/**
 * WITNESS_FAILED for a generator that exited with an error: its first three lines of output
 * (circom's message for a failed constraint or assert), without the abort's noise.
 */
function generatorFailed(bin: string, r: ProcessResult): Error {
  const first = r.output
    .split("\n")
    .map((l) => l.trim().replace(/^terminate called after throwing .*$/, ""))
    .filter((l) => l && l !== "paused" && !l.includes("Aborted"))
    .slice(0, 3)
    .join("; ");
  return desError("WITNESS_FAILED", `native witness generator failed (${exitStatus(r)}): ${first}`, { bin });
}

/** A two-stage witness in progress (startPausedWitness). */
export interface PausedWitness {
  /** The partial witness (every wire computed before the pause holds its final value). */
  partial: string;
  /** Seconds to the pause. */
  seconds: number;
  /** Gives the paused signal its value; resolves when `out` is written, with the seconds since. */
  resume(value: bigint): Promise<{ seconds: number }>;
  /** Stops the generator (a no-op once it has exited). */
  abort(): void;
}

/**
 * Starts a native generator in its two-stage mode (native/witness/main_pause.inc; only for
 * binaries pauseSupport accepts): it computes `input`'s witness up to the first read of the main
 * input `signal`, writes `partial`, and resolves; `resume(v)` runs the rest with signal = v and
 * writes `out`. The input's own value for `signal` is never read. A failed constraint before the
 * pause rejects here, after it in `resume`, as nativeWitness does (WITNESS_FAILED).
 */
export async function startPausedWitness(
  bin: string,
  input: unknown,
  out: string,
  opts: { signal: string; partial: string },
): Promise<PausedWitness> {
  const t0 = performance.now();
  const inputFile = `${out}.input.json`;
  const tmp = `${out}.tmp-${process.pid}`;
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(inputFile, JSON.stringify(input));
  const child = spawn(bin, [inputFile, tmp, "--pause-at", opts.signal, opts.partial], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let paused = false;
  let onPause: (() => void) | undefined;
  const collect = (d: Buffer) => {
    if (output.length < 16_000) output += d;
  };
  child.stdout.on("data", (d: Buffer) => {
    collect(d);
    if (!paused && output.includes("paused\n")) {
      paused = true;
      onPause?.();
    }
  });
  child.stderr.on("data", collect);
  child.stdin.on("error", () => {}); // a generator that died: reported by its exit
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res, rej) => {
    child.on("error", rej);
    child.on("close", (code, signal) => res({ code, signal }));
  });
  const cleanup = () => {
    rmSync(inputFile, { force: true });
    rmSync(tmp, { force: true });
  };
  const failure = (r: { code: number | null; signal: NodeJS.Signals | null }) =>
    generatorFailed(bin, { ...r, output });
  const atPause = await Promise.race([
    new Promise<"paused">((res) => {
      onPause = () => res("paused");
      if (paused) res("paused");
    }),
    exited,
  ]).catch((e: Error) => {
    cleanup();
    throw e;
  });
  if (atPause !== "paused") {
    cleanup();
    throw failure(atPause);
  }
  const tPause = performance.now();
  const abort = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    cleanup();
  };
  return {
    partial: opts.partial,
    seconds: (tPause - t0) / 1000,
    async resume(value) {
      if (value < 0n || value >= FIELD_P) {
        abort();
        throw desError("USAGE", `--pause-at ${opts.signal}: ${value} is not a field element`);
      }
      const t1 = performance.now();
      child.stdin.end(`${value}\n`);
      const r = await exited;
      try {
        if (r.code !== 0) throw failure(r);
        renameSync(tmp, out);
      } finally {
        cleanup();
      }
      return { seconds: (performance.now() - t1) / 1000 };
    },
    abort,
  };
}
