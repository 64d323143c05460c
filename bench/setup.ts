/**
 * Setup benchmark: development setup (`des setup`, src/setup) vs snarkjs's own path on synthetic
 * circuits of 2^k − 3 multiplication constraints (circuits/bench/chain.circom: every signal in A, B
 * and C, so every key element is a full-size scalar). Each measurement runs in a child process, which
 * reports its wall time and peak RSS (process.resourceUsage().maxRSS, worker threads included).
 * Baseline (snarkjs 0.7.6, per size): powersoftau new + contribute, prepare phase2, groth16 setup
 * (= zkey new), each timed separately.
 * Prints a table and ratios; writes artifacts/bench/setup.json.
 * Usage: npx tsx bench/setup.ts [--sizes 14,16,18,20] [--baseline 14,16] [--threads N] [--synthetic]
 * (--synthetic writes the chain's r1cs directly instead of compiling it: needed from 2^20 up)
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ARTIFACTS, compileCircuit } from "../src/build/circom.ts";
import { table, toJSON } from "../src/cli/command.ts";
import { writeChainR1cs } from "./synthetic-r1cs.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string" },
    baseline: { type: "string" },
    threads: { type: "string" },
    child: { type: "string" },
    r1cs: { type: "string" },
    synthetic: { type: "boolean" },
    dir: { type: "string" },
    power: { type: "string" },
  },
});

interface ChildResult {
  seconds: number;
  maxRssMiB: number;
  detail?: Record<string, unknown>;
}

const mib = () => process.resourceUsage().maxRSS / 1024;

// ---------------------------------------------------------------- children
if (values.child) {
  const t0 = performance.now();
  let detail: Record<string, unknown> = {};
  if (values.child === "dev") {
    const { setupCircuit, releaseSnarkjs } = await import("../src/setup/index.ts");
    const r = await setupCircuit(
      { name: "bench", r1cs: values.r1cs! },
      { force: true, keysDir: values.dir!, threads: values.threads ? Number(values.threads) : undefined, log: () => {} },
    );
    const { readFileSync } = await import("node:fs");
    const meta = JSON.parse(readFileSync(join(r.dir, "setup.json"), "utf8"));
    detail = { timings: meta.timings, zkeyBytes: meta.zkeyBytes, nVars: meta.nVars, domainSize: meta.domainSize };
    await releaseSnarkjs();
  } else {
    const snarkjs = await import("snarkjs");
    const dir = values.dir!;
    const power = Number(values.power);
    const curve = await snarkjs.curves.getCurveFromName("bn128");
    const step = values.child;
    if (step === "ptau") {
      await snarkjs.powersOfTau.newAccumulator(curve, power, join(dir, "pot0.ptau"));
      await snarkjs.powersOfTau.contribute(join(dir, "pot0.ptau"), join(dir, "pot1.ptau"), "bench", "bench entropy");
    } else if (step === "prepare") {
      await snarkjs.powersOfTau.preparePhase2(join(dir, "pot1.ptau"), join(dir, "final.ptau"));
    } else if (step === "zkey") {
      const r = await snarkjs.zKey.newZKey(values.r1cs!, join(dir, "final.ptau"), join(dir, "circuit.zkey"));
      if (!(r instanceof Uint8Array)) throw new Error("snarkjs zkey new failed");
    }
    await curve.terminate();
  }
  const res: ChildResult = { seconds: (performance.now() - t0) / 1000, maxRssMiB: mib(), detail };
  process.stdout.write(`\n@@RESULT ${JSON.stringify(res)}\n`);
  process.exit(0);
}

function child(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
    });
    p.on("error", reject);
    p.on("close", (code) => {
      const m = /@@RESULT (.*)/.exec(out);
      if (code !== 0 || !m) reject(new Error(`child ${args.join(" ")} failed (exit ${code}):\n${out.slice(-2000)}`));
      else resolve(JSON.parse(m[1]!) as ChildResult);
    });
  });
}

// ---------------------------------------------------------------- driver
const list = (s: string | undefined, d: number[]) =>
  s === undefined ? d : s.split(",").filter(Boolean).map(Number);
const sizes = list(values.sizes, [14, 16, 18, 20]);
const baseline = new Set(list(values.baseline, [14, 16]));
const threadArgs = values.threads ? ["--threads", values.threads] : [];

interface Row {
  power: number;
  constraints: number;
  compileSeconds: number;
  dev: ChildResult;
  snarkjs?: { ptau: ChildResult; prepare: ChildResult; zkey: ChildResult };
}
const rows: Row[] = [];
const outFile = join(ARTIFACTS, "bench", "setup.json");
mkdirSync(join(ARTIFACTS, "bench"), { recursive: true });
const save = (extra: Record<string, unknown> = {}) =>
  writeFileSync(outFile, toJSON({ date: new Date().toISOString(), threads: values.threads ?? "all", rows, ...extra }));
const work = mkdtempSync(join(tmpdir(), "des-bench-setup-"));
try {
  // development setups first (fast), then snarkjs's path where asked (slow)
  const compiled = new Map<number, { r1cs: string; constraints: number; compileSeconds: number }>();
  for (const k of sizes) {
    let c: { r1cs: string; constraints: number; compileSeconds: number };
    if (values.synthetic) {
      // the same chain written straight to an r1cs file: circom2 (WebAssembly) needs over 10 minutes
      // to compile it at 2^20; N = 2^k − 2 leaves room for snarkjs's 2 public-input rows
      const r1cs = join(work, `chain-${k}.r1cs`);
      const t = performance.now();
      const r = writeChainR1cs(r1cs, 2 ** k - 2);
      c = { r1cs, constraints: r.constraints, compileSeconds: (performance.now() - t) / 1000 };
      process.stderr.write(`== 2^${k}: synthetic r1cs, ${r.constraints} constraints\n`);
    } else {
      // compiled at --O0 (no simplification; the chain has nothing to simplify but the 3 linear
      // wire copies), so N = 2^k − 6 keeps constraints + public rows within 2^k
      const N = 2 ** k - 6;
      process.stderr.write(`== 2^${k}: compiling Chain(${N})\n`);
      c = await compileCircuit(
        { name: `bench-chain-${k}`, file: "circuits/bench/chain.circom", template: "Chain", params: [N], publicInputs: ["a"] },
        { O: 0 },
      );
    }
    compiled.set(k, c);
    process.stderr.write(`== 2^${k}: development setup\n`);
    const dev = await child(["--child", "dev", "--r1cs", c.r1cs, "--dir", join(work, `keys-${k}`), ...threadArgs]);
    rmSync(join(work, `keys-${k}`), { recursive: true, force: true });
    process.stderr.write(`   ${dev.seconds.toFixed(1)} s, ${dev.maxRssMiB.toFixed(0)} MiB\n`);
    rows.push({ power: k, constraints: c.constraints, compileSeconds: c.compileSeconds, dev });
    save();
  }
  for (const row of rows) {
    const k = row.power;
    if (!baseline.has(k)) continue;
    const d = join(work, `snarkjs-${k}`);
    mkdirSync(d, { recursive: true });
    const base = ["--dir", d, "--power", String(k), "--r1cs", compiled.get(k)!.r1cs];
    process.stderr.write(`== 2^${k}: snarkjs powersoftau new + contribute\n`);
    const ptau = await child(["--child", "ptau", ...base]);
    process.stderr.write(`   ${ptau.seconds.toFixed(1)} s\n== 2^${k}: snarkjs powersoftau prepare phase2\n`);
    const prepare = await child(["--child", "prepare", ...base]);
    process.stderr.write(`   ${prepare.seconds.toFixed(1)} s\n== 2^${k}: snarkjs groth16 setup (zkey new)\n`);
    const zkey = await child(["--child", "zkey", ...base]);
    process.stderr.write(`   ${zkey.seconds.toFixed(1)} s\n`);
    rmSync(d, { recursive: true, force: true });
    row.snarkjs = { ptau, prepare, zkey };
    save();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

const f1 = (v: number) => +v.toFixed(1);
console.log(
  table(
    ["2^k", "constraints", "dev s", "dev MiB", "snarkjs ptau s", "prepare s", "setup s", "snarkjs MiB", "speedup (prep+setup)", "speedup (all)"],
    rows.map((r) => {
      const s = r.snarkjs;
      const ps = s ? s.prepare.seconds + s.zkey.seconds : Number.NaN;
      const all = s ? ps + s.ptau.seconds : Number.NaN;
      return [
        r.power,
        r.constraints,
        f1(r.dev.seconds),
        Math.round(r.dev.maxRssMiB),
        s ? f1(s.ptau.seconds) : "-",
        s ? f1(s.prepare.seconds) : "-",
        s ? f1(s.zkey.seconds) : "-",
        s ? Math.round(Math.max(s.ptau.maxRssMiB, s.prepare.maxRssMiB, s.zkey.maxRssMiB)) : "-",
        s ? `${f1(ps / r.dev.seconds)}×` : "-",
        s ? `${f1(all / r.dev.seconds)}×` : "-",
      ];
    }),
  ),
);
// extrapolation to 2^22: linear fit through the two largest sizes (the work is linear in the number
// of points; fixed costs such as window tables and the runtime are absorbed by the intercept)
const last = rows[rows.length - 1]!;
const prev = rows.length > 1 ? rows[rows.length - 2]! : undefined;
const fit = (f: (r: Row) => number) => {
  if (!prev) return f(last) * 2 ** (22 - last.power);
  const slope = (f(last) - f(prev)) / (2 ** last.power - 2 ** prev.power);
  return f(last) + slope * (2 ** 22 - 2 ** last.power);
};
const extrapolation = {
  from: prev ? [prev.power, last.power] : [last.power],
  seconds: fit((r) => r.dev.seconds),
  maxRssMiB: fit((r) => r.dev.maxRssMiB),
  note: "linear fit on the synthetic Chain circuit (nVars ≈ constraints); the aggregator circuit does not exist yet",
};
console.log(
  `extrapolated 2^22 (linear fit from 2^${extrapolation.from.join(', 2^')}): ~${(extrapolation.seconds / 60).toFixed(1)} min, ~${(extrapolation.maxRssMiB / 1024).toFixed(1)} GiB peak RSS`,
);
save({ extrapolation });
console.log(`wrote ${outFile}`);
