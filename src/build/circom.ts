/**
 * Compiles Circom circuits with circom2 (circom 2.2.3 in WebAssembly, from npm) into
 * `artifacts/circuits/<name>-<hash>/`, cached by a content hash of every source file the circuit
 * includes, its template arguments and the compiler flags. A changed gadget rebuilds exactly the
 * circuits that include it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { exitStatus, runProcess } from "../util/proc.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const ARTIFACTS = process.env.DES_ARTIFACTS
  ? resolve(process.env.DES_ARTIFACTS)
  : join(REPO_ROOT, "artifacts");
const NODE_MODULES = join(REPO_ROOT, "node_modules");

export interface CircuitSpec {
  /** Artifact name, e.g. "column-tiny". */
  name: string;
  /** Circom file holding the template, relative to the repository root. */
  file: string;
  template: string;
  /** Template parameters: numbers, or arrays of numbers (rendered as circom array literals). */
  params: readonly (number | bigint | readonly number[])[];
  /** Input signals made public (besides outputs). */
  publicInputs?: readonly string[];
}

export interface CompileOptions {
  /** circom simplification level; 1 is circom's default. */
  O?: 0 | 1 | 2;
  /**
   * Also emit circom's C++ witness generator sources (`--c --no_asm`, into `<name>_cpp/`), for a
   * native witness generator (native.ts). They describe the same constraint system, so they are
   * not part of the cache key: a circuit compiled without them gets them added on demand.
   */
  cpp?: boolean;
  /** Print compiler output. */
  verbose?: boolean;
}

export interface CompiledCircuit {
  name: string;
  hash: string;
  dir: string;
  r1cs: string;
  wasm: string;
  sym: string;
  /** circom's C++ output directory, when compiled with `cpp`. */
  cpp?: string;
  /** From the r1cs header. */
  constraints: number;
  wires: number;
  publicSignals: number;
  /** From the compiler's report. */
  nonLinear: number;
  linear: number;
  compileSeconds: number;
}

/** Every .circom file a source includes, transitively (resolved like circom: own dir, then -l dirs). */
export function includeClosure(file: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    const src = readFileSync(f, "utf8");
    for (const m of src.matchAll(/^\s*include\s+"([^"]+)"\s*;/gm)) {
      const inc = m[1]!;
      const candidates = [resolve(dirname(f), inc), resolve(NODE_MODULES, inc), resolve(REPO_ROOT, inc)];
      const hit = candidates.find((c) => existsSync(c));
      if (!hit) throw new Error(`${relative(REPO_ROOT, f)}: cannot resolve include "${inc}"`);
      visit(hit);
    }
  };
  visit(resolve(REPO_ROOT, file));
  return [...seen].sort();
}

/** A template parameter as circom source (a scalar's text is also its part of the compile hash). */
const renderParam = (p: number | bigint | readonly number[]): string =>
  typeof p === "object" ? `[${p.join(", ")}]` : String(p);

/** circom2 runs under WASI with relative preopens only: includes must be relative paths. */
function mainSource(spec: CircuitSpec, mainDir: string): string {
  const pub = spec.publicInputs?.length ? ` {public [${spec.publicInputs.join(", ")}]}` : "";
  return [
    "pragma circom 2.1.0;",
    `include "${relative(mainDir, resolve(REPO_ROOT, spec.file))}";`,
    `component main${pub} = ${spec.template}(${spec.params.map(renderParam).join(", ")});`,
    "",
  ].join("\n");
}

export function circuitHash(spec: CircuitSpec, opts: CompileOptions = {}): string {
  const h = createHash("sha256");
  h.update(
    JSON.stringify({ t: spec.template, p: spec.params.map(renderParam), pub: spec.publicInputs ?? [] }),
  );
  // `cpp: false` for every circuit: the C++ sources are an addition (see CompileOptions.cpp)
  h.update(JSON.stringify({ O: opts.O ?? 1, cpp: false, compiler: "circom2@0.2.23" }));
  for (const f of includeClosure(spec.file)) {
    h.update(relative(REPO_ROOT, f));
    h.update(readFileSync(f));
  }
  return h.digest("hex").slice(0, 16);
}

/** Reads nWires, nPublic (outputs + public inputs) and nConstraints from an r1cs file's header. */
export function r1csHeader(file: string): { wires: number; publicSignals: number; constraints: number } {
  const buf = readFileSync(file);
  let off = 12; // magic, version, nSections
  while (off < buf.length) {
    const type = buf.readUInt32LE(off);
    const size = Number(buf.readBigUInt64LE(off + 4));
    off += 12;
    if (type === 1) {
      const n8 = buf.readUInt32LE(off);
      const p = off + 4 + n8;
      return {
        wires: buf.readUInt32LE(p),
        publicSignals: buf.readUInt32LE(p + 4) + buf.readUInt32LE(p + 8),
        constraints: buf.readUInt32LE(p + 24),
      };
    }
    off += size;
  }
  throw new Error(`${file}: no r1cs header section`);
}

async function runCompiler(args: string[], verbose: boolean): Promise<string> {
  // circom2's cli.js, with its WASI shim fixed for memories over 2 GiB (see circom2-run.cjs).
  const cli = join(dirname(fileURLToPath(import.meta.url)), "circom2-run.cjs");
  const r = await runProcess(process.execPath, [cli, ...args], { cwd: REPO_ROOT, echo: verbose });
  if (r.code !== 0) throw new Error(`circom2 failed (${exitStatus(r)}):\n${r.output.slice(-4000)}`);
  return r.output;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const stripAnsi = (s: string) => s.replace(ANSI, "");

/** Compiles in flight in this process, by artifact directory and C++ output. */
const inFlight = new Map<string, Promise<CompiledCircuit>>();

/**
 * Compiles (or reuses) a circuit. Concurrent calls for one circuit in a process share one compile
 * (they would write the same temporary directory).
 */
export function compileCircuit(spec: CircuitSpec, opts: CompileOptions = {}): Promise<CompiledCircuit> {
  const key = `${spec.name}-${circuitHash(spec, opts)}:${opts.cpp ? "cpp" : ""}`;
  let p = inFlight.get(key);
  if (!p) {
    p = compileOnce(spec, opts).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  return p;
}

async function compileOnce(spec: CircuitSpec, opts: CompileOptions): Promise<CompiledCircuit> {
  const hash = circuitHash(spec, opts);
  const dir = join(ARTIFACTS, "circuits", `${spec.name}-${hash}`);
  const metaFile = join(dir, "meta.json");
  const paths = {
    dir,
    r1cs: join(dir, `${spec.name}.r1cs`),
    wasm: join(dir, `${spec.name}_js`, `${spec.name}.wasm`),
    sym: join(dir, `${spec.name}.sym`),
  };
  const cppDir = join(dir, `${spec.name}_cpp`);
  const withCpp = (c: CompiledCircuit): CompiledCircuit => (existsSync(cppDir) ? { ...c, cpp: cppDir } : c);
  // meta.json holds no paths, so the artifacts directory can move.
  if (existsSync(metaFile)) {
    const cached = { ...(JSON.parse(readFileSync(metaFile, "utf8")) as CompiledCircuit), ...paths };
    if (opts.cpp && !existsSync(cppDir)) await addCpp(spec, dir, opts);
    return withCpp(cached);
  }

  const tmp = `${dir}.tmp-${process.pid}`;
  const t0 = performance.now();
  const out = await compileInto(
    spec,
    tmp,
    ["--r1cs", "--wasm", "--sym", ...(opts.cpp ? CPP_FLAGS : [])],
    opts,
  );
  const compileSeconds = (performance.now() - t0) / 1000;
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? Number.NaN);
  const head = r1csHeader(join(tmp, `${spec.name}.r1cs`));
  const meta: Omit<CompiledCircuit, keyof typeof paths> = {
    name: spec.name,
    hash,
    ...head,
    nonLinear: num(/non-linear constraints: (\d+)/),
    linear: num(/(?:^|\n)linear constraints: (\d+)/),
    compileSeconds,
  };
  writeFileSync(join(tmp, "meta.json"), JSON.stringify(meta, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return withCpp({ ...meta, ...paths });
}

const CPP_FLAGS = ["--c", "--no_asm"];

/**
 * One circom2 run of `spec` into a fresh directory `tmp` (a sibling of the artifact directory, so
 * the main file's relative includes resolve) with the given output flags; its report, without
 * colours. `tmp` is removed if the compiler fails.
 */
async function compileInto(
  spec: CircuitSpec,
  tmp: string,
  outputs: readonly string[],
  opts: CompileOptions,
): Promise<string> {
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const main = join(tmp, `${spec.name}.circom`);
  writeFileSync(main, mainSource(spec, tmp));
  try {
    return stripAnsi(
      await runCompiler(
        [main, ...outputs, `--O${opts.O ?? 1}`, "-l", NODE_MODULES, "-o", tmp],
        !!opts.verbose,
      ),
    );
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Adds the C++ sources to a cached circuit: a compile run with only `--c` (as long as the first). */
async function addCpp(spec: CircuitSpec, dir: string, opts: CompileOptions): Promise<void> {
  const tmp = `${dir}.cpp-tmp-${process.pid}`;
  try {
    await compileInto(spec, tmp, CPP_FLAGS, opts);
    renameSync(join(tmp, `${spec.name}_cpp`), join(dir, `${spec.name}_cpp`));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
