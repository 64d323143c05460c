/**
 * Prover benchmark (`make bench-prover`): the same zkey and witness proved by snarkjs (0.7.6, its
 * default threads) and by the native prover (src/build/prover.ts, all cores), one after the other
 * in one run, for the column leaf, the state-update leaf and one aggregation node of the tiny
 * profile. Each snarkjs proof runs in a child process that reports its wall time and peak RSS
 * (process.resourceUsage().maxRSS); the native prover reports its own (getrusage) with the
 * ABC / FFT / MSM split. Every proof is checked with snarkjs's verifier.
 *
 * The inputs come from a `des prove` of samples/independent-4.json into artifacts/bench/prover-run
 * with DES_KEEP_WITNESS=1 (its node witnesses kept); a later run reuses it.
 * Prints a table; writes artifacts/bench/prover.json.
 * Usage: npx tsx bench/prover.ts [--repeat N] [--no-node] [--msm-compare]
 *   --repeat N      leaf proofs per prover (median reported; default 3). Nodes: one each.
 *   --msm-compare   also time the native prover with Jacobian bucket accumulation (--msm jacobian)
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ARTIFACTS, REPO_ROOT } from "../src/build/circom.ts";
import { buildNativeProver, type NativeProveStats, nativeProve } from "../src/build/prover.ts";
import { table, toJSON } from "../src/cli/command.ts";

const { values } = parseArgs({
  options: {
    child: { type: "string" },
    zkey: { type: "string" },
    wtns: { type: "string" },
    out: { type: "string" },
    repeat: { type: "string" },
    "no-node": { type: "boolean" },
    "msm-compare": { type: "boolean" },
  },
});

interface ChildResult {
  seconds: number;
  maxRssMiB: number;
}

// ---------------------------------------------------------------- child: one snarkjs proof
if (values.child === "snarkjs") {
  const snarkjs = await import("snarkjs");
  const t0 = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.prove(values.zkey!, values.wtns!);
  const seconds = (performance.now() - t0) / 1000;
  writeFileSync(values.out!, JSON.stringify({ proof, publicSignals }));
  const res: ChildResult = { seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`\n@@RESULT ${JSON.stringify(res)}\n`);
  process.exit(0);
}

function snarkjsChild(zkey: string, wtns: string, out: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const args = [new URL(import.meta.url).pathname, "--child", "snarkjs", "--zkey", zkey, "--wtns", wtns, "--out", out];
    const p = spawn(process.execPath, [...process.execArgv, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    p.stdout.on("data", (d) => {
      text += d;
    });
    p.on("error", reject);
    p.on("close", (code) => {
      const m = /@@RESULT (.*)/.exec(text);
      if (code !== 0 || !m) reject(new Error(`snarkjs child failed (exit ${code}):\n${text.slice(-2000)}`));
      else resolve(JSON.parse(m[1]!) as ChildResult);
    });
  });
}

// ---------------------------------------------------------------- inputs
const repeat = Math.max(1, Number(values.repeat ?? 3));
const runDir = join(ARTIFACTS, "bench", "prover-run");
const sample = "samples/independent-4.json";
const needNode = !values["no-node"];
const nodeWitnesses = () =>
  existsSync(join(runDir, "aggregate"))
    ? readdirSync(join(runDir, "aggregate")).filter((f) => f.endsWith(".witness.json"))
    : [];
if (!existsSync(join(runDir, "leaves.json")) || (needNode && nodeWitnesses().length === 0)) {
  process.stderr.write(`== des prove ${sample} (witnesses kept) into ${runDir}\n`);
  rmSync(join(runDir, "aggregate"), { recursive: true, force: true });
  const r = spawnSync(
    join(REPO_ROOT, "bin", "des"),
    ["prove", sample, "--out", runDir, ...(needNode ? [] : ["--no-aggregate"])],
    { stdio: "inherit", env: { ...process.env, DES_KEEP_WITNESS: "1" } },
  );
  if (r.status !== 0) throw new Error(`des prove failed (exit ${r.status})`);
}

const work = mkdtempSync(join(tmpdir(), "des-bench-prover-"));
interface Case {
  name: string;
  zkey: string;
  wtns: string;
}
const cases: Case[] = [];
{
  // leaves: witnesses recomputed from the stored inputs with the circuits' WebAssembly generators
  const snarkjs = await import("snarkjs");
  const { circuitsForProfile, compileProjectCircuit } = await import("../src/circuits/registry.ts");
  const { PROFILES } = await import("../src/profiles.ts");
  const { setupCircuit } = await import("../src/setup/index.ts");
  const profile = PROFILES.tiny;
  for (const { kind, spec } of circuitsForProfile(profile)) {
    const c = await compileProjectCircuit(spec);
    const keys = await setupCircuit(c, { log: () => {} });
    const input = join(runDir, "inputs", `${kind === "column" ? "column" : "state"}-0.json`);
    const wtns = join(work, `${kind}.wtns`);
    await snarkjs.wtns.calculate(JSON.parse(readFileSync(input, "utf8")), c.wasm, wtns);
    cases.push({ name: `${kind} leaf (${c.constraints} constraints)`, zkey: keys.zkey, wtns });
  }
  if (needNode) {
    const f = nodeWitnesses().sort()[0]!;
    const w = JSON.parse(readFileSync(join(runDir, "aggregate", f), "utf8")) as { zkey: string; wtns: string };
    cases.push({ name: `node ${f.replace(/\.witness\.json$/, "")}`, zkey: w.zkey, wtns: join(runDir, "aggregate", w.wtns) });
  }
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  if (g.curve_bn128) await g.curve_bn128.terminate();
}

// ---------------------------------------------------------------- measurements
const snarkjsMod = await import("snarkjs");
const verify = async (zkey: string, proof: unknown, pub: unknown) => {
  const vk = await snarkjsMod.zKey.exportVerificationKey(zkey);
  return snarkjsMod.groth16.verify(vk, pub as string[], proof as never);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Row {
  name: string;
  zkeyMiB: number;
  domain: number;
  snarkjs: { seconds: number; maxRssMiB: number };
  native: NativeProveStats & { wallSeconds: number };
  jacobian?: NativeProveStats & { wallSeconds: number };
  speedup: number;
  verified: { snarkjs: boolean; native: boolean };
}
const rows: Row[] = [];
const { bin } = await buildNativeProver();
try {
  for (const c of cases) {
    const reps = c.name.startsWith("node") ? 1 : repeat;
    process.stderr.write(`== ${c.name}\n`);
    const sj: ChildResult[] = [];
    let sjOk = true;
    for (let i = 0; i < reps; i++) {
      const out = join(work, "snarkjs.json");
      sj.push(await snarkjsChild(c.zkey, c.wtns, out));
      const p = JSON.parse(readFileSync(out, "utf8"));
      sjOk &&= await verify(c.zkey, p.proof, p.publicSignals);
      process.stderr.write(`   snarkjs ${sj[i]!.seconds.toFixed(2)} s, ${sj[i]!.maxRssMiB.toFixed(0)} MiB\n`);
    }
    const nat: (NativeProveStats & { wallSeconds: number })[] = [];
    let natOk = true;
    for (let i = 0; i < reps; i++) {
      const r = await nativeProve(c.zkey, c.wtns, { bin });
      natOk &&= await verify(c.zkey, r.proof, r.publicSignals);
      nat.push({ ...r.stats, wallSeconds: r.seconds });
      process.stderr.write(
        `   native  ${r.seconds.toFixed(2)} s, ${r.stats.peakRssMiB} MiB (fft ${r.stats.fftSeconds.toFixed(2)} s, msm ${r.stats.msmSeconds.toFixed(2)} s)\n`,
      );
    }
    let jac: (NativeProveStats & { wallSeconds: number }) | undefined;
    if (values["msm-compare"]) {
      const r = await nativeProve(c.zkey, c.wtns, { bin, msm: "jacobian" });
      natOk &&= await verify(c.zkey, r.proof, r.publicSignals);
      jac = { ...r.stats, wallSeconds: r.seconds };
      process.stderr.write(`   native (jacobian buckets) ${r.seconds.toFixed(2)} s, msm ${r.stats.msmSeconds.toFixed(2)} s\n`);
    }
    const sjSec = median(sj.map((x) => x.seconds));
    const natRow = nat.find((x) => x.wallSeconds === median(nat.map((y) => y.wallSeconds)))!;
    rows.push({
      name: c.name,
      zkeyMiB: statSync(c.zkey).size / 2 ** 20,
      domain: natRow.constraintsDomain,
      snarkjs: { seconds: sjSec, maxRssMiB: Math.max(...sj.map((x) => x.maxRssMiB)) },
      native: natRow,
      jacobian: jac,
      speedup: sjSec / natRow.wallSeconds,
      verified: { snarkjs: sjOk, native: natOk },
    });
    mkdirSync(join(ARTIFACTS, "bench"), { recursive: true });
    writeFileSync(join(ARTIFACTS, "bench", "prover.json"), toJSON({ date: new Date().toISOString(), rows }));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const f = (v: number, d = 1) => +v.toFixed(d);
console.log(
  table(
    [
      "circuit",
      "domain",
      "zkey MiB",
      "snarkjs s",
      "snarkjs MiB",
      "native s",
      "native MiB",
      "speedup",
      "abc s",
      "fft s",
      "msm s",
      ...(values["msm-compare"] ? ["msm s (jacobian)"] : []),
      "verified",
    ],
    rows.map((r) => [
      r.name,
      `2^${Math.log2(r.domain)}`,
      Math.round(r.zkeyMiB),
      f(r.snarkjs.seconds, 2),
      Math.round(r.snarkjs.maxRssMiB),
      f(r.native.wallSeconds, 2),
      Math.round(r.native.peakRssMiB),
      `${f(r.speedup)}×`,
      f(r.native.abcSeconds, 2),
      f(r.native.fftSeconds, 2),
      f(r.native.msmSeconds, 2),
      ...(values["msm-compare"] ? [r.jacobian ? f(r.jacobian.msmSeconds, 2) : "-"] : []),
      r.verified.snarkjs && r.verified.native ? "both" : `snarkjs ${r.verified.snarkjs}, native ${r.verified.native}`,
    ]),
  ),
);
console.log(`wrote ${join(ARTIFACTS, "bench", "prover.json")}`);
if (rows.some((r) => !r.verified.native || !r.verified.snarkjs)) process.exit(1);
