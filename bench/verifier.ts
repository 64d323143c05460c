/**
 * In-circuit Groth16 verifier benchmark (issue #7): for one real proof (default: the column-tiny
 * proof and key of test/fixtures/), measures
 *   1. compile   — circom2 --O1 of the verifier for the key (cached under artifacts/; --fresh
 *                  compiles into a temporary artifacts directory so the time and memory are real),
 *   2. witness   — snarkjs's WebAssembly witness calculator on the hints of src/bn254/groth16.ts
 *                  (hint building timed separately),
 *      witness-native — the same witness from circom's C++ output built with g++ (first run
 *                  includes the C++ generation and build), compared byte for byte with stage 2's,
 *   3. setup     — the development setup of the verifier's r1cs (src/setup, dev mode),
 *   4. prove     — snarkjs groth16 prove of one verification (2 threads), then snarkjs verify of it.
 * Each stage runs in its own child process under /usr/bin/time, which reports wall time and the
 * peak RSS of the stage and its children (the compiler is a child of its stage).
 * Prints a table; writes artifacts/bench/verifier.json.
 * Usage: node --import tsx bench/verifier.ts [--vkey FILE --proof FILE] [--fresh] [--stages compile,witness,witness-native,setup,prove]
 *   --proof FILE: {"proof": {...}, "publicSignals": ["…"]} (the first proof of a fixture file also works)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ARTIFACTS } from "../src/build/circom.ts";
import { table, toJSON } from "../src/cli/command.ts";

const { values } = parseArgs({
  options: {
    vkey: { type: "string", default: "test/fixtures/groth16-column-tiny.vkey.json" },
    proof: { type: "string", default: "test/fixtures/groth16-column-tiny.proofs.json" },
    fresh: { type: "boolean" },
    stages: { type: "string", default: "compile,witness,witness-native,setup,prove" },
    child: { type: "string" },
    work: { type: "string" },
  },
});

interface StageResult {
  stage: string;
  seconds: number;
  maxRssMiB: number;
  detail: Record<string, unknown>;
}

function loadProof(file: string): { proof: never; publicSignals: string[] } {
  const j = JSON.parse(readFileSync(file, "utf8"));
  if (j.proof && j.publicSignals) return j;
  const first = Object.values(j.proofs ?? {})[0] as { proof: never; publicSignals: string[] } | undefined;
  if (!first) throw new Error(`${file}: no proof found`);
  return first;
}

// ---------------------------------------------------------------- children
if (values.child) {
  const work = values.work!;
  const t0 = performance.now();
  const detail: Record<string, unknown> = {};
  const { loadGroth16Vkey, compileVerifier } = await import("../src/bn254/verifier-build.ts");
  const vkey = loadGroth16Vkey(values.vkey!);
  const v = await compileVerifier(vkey, { cpp: values.child === "witness-native" });
  if (values.child === "compile") {
    Object.assign(detail, {
      constraints: v.constraints,
      nonLinear: v.nonLinear,
      linear: v.linear,
      wires: v.wires,
      compileSeconds: +v.compileSeconds.toFixed(1),
    });
  } else if (values.child === "witness") {
    const { verifierTrace, verifierInput } = await import("../src/bn254/groth16.ts");
    const snarkjs = await import("snarkjs");
    const { proof, publicSignals } = loadProof(values.proof!);
    const h0 = performance.now();
    const input = verifierInput(verifierTrace(v.build.keys[0]!, proof, publicSignals[0]!));
    detail.hintSeconds = +((performance.now() - h0) / 1000).toFixed(2);
    const w0 = performance.now();
    await snarkjs.wtns.calculate(input, v.wasm, join(work, "verifier.wtns"));
    detail.witnessSeconds = +((performance.now() - w0) / 1000).toFixed(1);
    detail.wires = v.wires;
  } else if (values.child === "witness-native") {
    // the same witness from circom's C++ output built with g++ (src/build/native.ts)
    const { verifierTrace, verifierInput } = await import("../src/bn254/groth16.ts");
    const { buildNativeWitness, nativeWitness } = await import("../src/build/native.ts");
    const { proof, publicSignals } = loadProof(values.proof!);
    const n = await buildNativeWitness(v.cpp!, v.name);
    detail.nativeBuildSeconds = +n.buildSeconds.toFixed(1);
    const input = verifierInput(verifierTrace(v.build.keys[0]!, proof, publicSignals[0]!));
    const out = join(work, "verifier-native.wtns");
    detail.witnessSeconds = +(await nativeWitness(n.bin, input, out)).seconds.toFixed(2);
    const wasmOut = join(work, "verifier.wtns");
    if (existsSync(wasmOut)) detail.identicalToWasm = readFileSync(out).equals(readFileSync(wasmOut));
  } else if (values.child === "setup") {
    const { setupCircuit, releaseSnarkjs } = await import("../src/setup/index.ts");
    const r = await setupCircuit({ name: v.name, r1cs: v.r1cs }, { log: () => {} });
    detail.setupSeconds = +r.buildSeconds.toFixed(1);
    detail.cached = r.cached;
    writeFileSync(join(work, "keys.json"), JSON.stringify({ zkey: r.zkey, vkey: r.vkey }));
    await releaseSnarkjs();
  } else if (values.child === "prove") {
    const snarkjs = await import("snarkjs");
    const keys = JSON.parse(readFileSync(join(work, "keys.json"), "utf8"));
    const p0 = performance.now();
    const { proof, publicSignals } = await snarkjs.groth16.prove(keys.zkey, join(work, "verifier.wtns"));
    detail.proveSeconds = +((performance.now() - p0) / 1000).toFixed(1);
    const v0 = performance.now();
    detail.verified = await snarkjs.groth16.verify(JSON.parse(readFileSync(keys.vkey, "utf8")), publicSignals, proof);
    detail.verifyMs = +(performance.now() - v0).toFixed(0);
    detail.publicSignals = publicSignals;
    const curve = (globalThis as { curve_bn128?: { terminate(): Promise<void> } }).curve_bn128;
    if (curve) await curve.terminate();
  }
  detail.stageSeconds = +((performance.now() - t0) / 1000).toFixed(1);
  console.log(`RESULT ${JSON.stringify(detail)}`);
  process.exit(0);
}

// ---------------------------------------------------------------- parent
const work = join(ARTIFACTS, "bench", "verifier-work");
mkdirSync(work, { recursive: true });
const env = { ...process.env };
let freshDir: string | undefined;
if (values.fresh) {
  freshDir = mkdtempSync(join(tmpdir(), "des-verifier-bench-"));
  env.DES_ARTIFACTS = freshDir;
}
const results: StageResult[] = [];
for (const stage of values.stages!.split(",")) {
  process.stderr.write(`stage ${stage} …\n`);
  const args = [
    "-f",
    "TIME %e %M",
    process.execPath,
    "--import",
    "tsx",
    "bench/verifier.ts",
    "--child",
    stage,
    "--work",
    work,
    "--vkey",
    values.vkey!,
    "--proof",
    values.proof!,
  ];
  const r = spawnSync("/usr/bin/time", args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
  const out = `${r.stdout}\n${r.stderr}`;
  const res = /RESULT (.*)/.exec(out);
  const tm = /TIME ([\d.]+) (\d+)/.exec(out);
  if (r.status !== 0 || !res || !tm) {
    process.stderr.write(out.slice(-4000));
    throw new Error(`stage ${stage} failed (exit ${r.status})`);
  }
  results.push({ stage, seconds: Number(tm[1]), maxRssMiB: Math.round(Number(tm[2]) / 1024), detail: JSON.parse(res[1]!) });
}
if (freshDir) rmSync(freshDir, { recursive: true, force: true });

console.log(
  table(
    ["stage", "wall s", "peak RSS MiB", "detail"],
    results.map((r) => [r.stage, r.seconds, r.maxRssMiB, JSON.stringify(r.detail)]),
  ),
);
mkdirSync(join(ARTIFACTS, "bench"), { recursive: true });
writeFileSync(join(ARTIFACTS, "bench", "verifier.json"), toJSON({ vkey: values.vkey, proof: values.proof, results }));
