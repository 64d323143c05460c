/**
 * One aggregation node in its two forms, in one run (issue #18), over the two real column proofs
 * of test/fixtures/aggregate-columns-tiny.json (column-tiny key):
 *   transcript  ColumnNode glue + two Groth16Verifier parts in the transcript form (RC = 1: bit
 *               range checks, in-circuit transcript), plain Groth16: today's node;
 *   committed   CommittedColumnNode glue + two Groth16Verifier parts in the lookup form (RC = 0:
 *               lookup range checks, challenges from H(D)), Groth16 with one commitment
 *               (src/commit/): a level-1 node over plain column proofs;
 *   inner       CommittedPair glue (circuits/test/committed_child.circom) + two parts of the
 *               committed lookup form (RC = 0, CM = 1: checks 1–3 of a committed child
 *               in-circuit) over a committed child (test/fixtures/groth16-committed-range.*, the
 *               same proof twice), one commitment: the shape of every node above level 1.
 * The committed forms' linked r1cs is reduced as buildNode reduces it (src/aggregate/reduce.ts:
 * the second verifier's copy of the seed's computations merged into the first's, linear
 * constraints eliminated down to the lowest domain within the fill budget, determined wires out
 * of the commitment; DES_BENCH_NO_DETERMINE=1 keeps the determined wires committed, for
 * comparison).
 * Per form: constraints and domain, the development setup (native; cached keys are rebuilt in a
 * work directory), the witness (the two children's verifier witnesses, the glue's and the linking;
 * the committed forms compute it in two stages where the native generators pause at the seed
 * (src/build/native.ts startPausedWitness: to the seed, D, the rest with H(D)), else twice, with
 * seed 0 for D and with H(D)), the proof (native
 * prover: seconds and its peak RSS; the committed forms add the two commitment multiexps), and the
 * verification of the proof. The verifier witnesses are native (circom's C++ generators, the two
 * children side by side, as `des prove` computes them; their g++ builds are timed apart) where the
 * toolchain is there, else WebAssembly one after the other; `--witness wasm` forces WebAssembly.
 * Prints a table with the committed/transcript ratios; writes artifacts/bench/node.json.
 * `--repeat N` computes each form's witness and proof N times on its key (the figures: medians; the
 * range in the table, every run in the JSON): single proofs here vary by several seconds.
 * Usage: node --import tsx bench/node.ts [--forms transcript,committed,inner] [--threads N] [--witness native|wasm] [--repeat N]
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as snarkjs from "snarkjs";
import { columnNodeSpec, columnValues, committedColumnNodeSpec, GLUE_COMPILE_OPTIONS, glueBindings } from "../src/aggregate/glue.ts";
import { reduceCommittedNode } from "../src/aggregate/build.ts";
import { linkR1cs, linkWitness, readWtns } from "../src/aggregate/link.ts";
import { columnLeafSide, columnNodeHash, joinColumns } from "../src/aggregate/statement.ts";
import { type CommittedChildProof, verifierInput, verifierTrace } from "../src/bn254/groth16.ts";
import type { SnarkjsProof } from "../src/bn254/pairing.ts";
import { compileVerifier, parseCommittedVkey, parseGroth16Vkey } from "../src/bn254/verifier-build.ts";
import { ARTIFACTS, compileCircuit } from "../src/build/circom.ts";
import {
  buildNativeWitness,
  nativeToolchain,
  nativeWitness,
  type PausedWitness,
  pauseSupport,
  startPausedWitness,
} from "../src/build/native.ts";
import { buildNativeProver, nativeProve } from "../src/build/prover.ts";
import { type CircuitInput, WasmWitnessCalculator } from "../src/circuits/wasm-witness.ts";
import { readCommitmentKey } from "../src/commit/key.ts";
import { proveCommittedWith, writeWtns } from "../src/commit/prove.ts";
import { type CommittedVkey, committedVkey, verifyCommitted } from "../src/commit/verify.ts";
import { table } from "../src/cli/command.ts";
import type { ColumnPublics } from "../src/crypto/hash.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { devSetup, domainPower, readR1csInfo } from "../src/setup/devsetup.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";

const log = (s: string) => process.stderr.write(`${s}\n`);
const { values } = parseArgs({
  options: {
    forms: { type: "string", default: "transcript,committed,inner" },
    threads: { type: "string" },
    witness: { type: "string" },
    repeat: { type: "string", default: "1" },
  },
});
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat: a positive integer, not ${values.repeat}`);
const threads = values.threads ? Number(values.threads) : undefined;
if (values.witness !== undefined && values.witness !== "native" && values.witness !== "wasm")
  throw new Error(`--witness: native or wasm, not ${values.witness}`);
const toolchain = nativeToolchain();
if (values.witness === "native" && !toolchain.ok) throw new Error(`--witness native: ${toolchain.reason}`);
const native = values.witness ? values.witness === "native" : toolchain.ok;
log(`verifier witnesses: ${native ? "native, the two children side by side" : "WebAssembly, one after the other"}`);

interface Leaf {
  publics: Record<keyof ColumnPublics, string>;
  publicSignal: string;
  proof: SnarkjsProof;
}
const fx = JSON.parse(readFileSync("test/fixtures/aggregate-columns-tiny.json", "utf8")) as { columns: Leaf[] };
const vkey = parseGroth16Vkey(JSON.parse(readFileSync("test/fixtures/groth16-column-tiny.vkey.json", "utf8")));
const [L, R] = fx.columns as [Leaf, Leaf];
const publics = (l: Leaf): ColumnPublics =>
  Object.fromEntries(Object.entries(l.publics).map(([k, v]) => [k, BigInt(v)])) as unknown as ColumnPublics;
const cmVkey = parseCommittedVkey(JSON.parse(readFileSync("test/fixtures/groth16-committed-range.vkey.json", "utf8")));
const cmChild = Object.values(JSON.parse(readFileSync("test/fixtures/groth16-committed-range.proofs.json", "utf8")).proofs)[0] as {
  proof: CommittedChildProof;
  statement: string;
};
const glueValues = { xL: L.publicSignal, xR: R.publicSignal, l: columnValues({ kind: "leaf", publics: publics(L) }), r: columnValues({ kind: "leaf", publics: publics(R) }) };

await loadCrypto();
const bin = (await buildNativeProver()).bin;
const work = join(ARTIFACTS, "bench", "node-work");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const secs = (t0: number) => +((performance.now() - t0) / 1000).toFixed(1);

interface FormResult {
  /** The --forms name (transcript, committed, inner). */
  key: string;
  form: string;
  /** Constraints of one verifier part. */
  verifier: number;
  constraints: number;
  domain: number;
  /** g++ build of the verifier's native witness generator (0: cached or WebAssembly). */
  generatorBuildSeconds: number;
  /** one pass (plain), two passes (seed 0, then H(D)) or two stages (paused at the seed). */
  witnessMode: string;
  setupSeconds: number;
  witnessSeconds: number;
  commitSeconds: number;
  proveSeconds: number;
  proverPeakRssMiB: number;
  verified: boolean;
  /** Every run's witness, commitment and proof seconds (the proof's including the commitment). */
  runs: { witness: number; commit: number; prove: number }[];
}
const median = (xs: number[]) => {
  const t = [...xs].sort((x, y) => x - y);
  return t.length % 2 ? t[(t.length - 1) / 2]! : (t[t.length / 2 - 1]! + t[t.length / 2]!) / 2;
};
const r1 = (x: number) => +x.toFixed(1);
const results: FormResult[] = [];

for (const form of values.forms!.split(",")) {
  if (form !== "transcript" && form !== "committed" && form !== "inner")
    throw new Error(`--forms: transcript, committed or inner, not ${form}`);
  const inner = form === "inner";
  const committed = form !== "transcript";
  const dir = join(work, form);
  mkdirSync(dir, { recursive: true });
  log(`${form}: compile …`);
  const v = await compileVerifier(inner ? cmVkey : vkey, { cpp: native }, committed ? "lookup" : "transcript");
  let generatorBuildSeconds = 0;
  let gen: string | undefined;
  if (native) {
    log(`${form}: native witness generator (g++, ≈ 6 min the first time) …`);
    const g = await buildNativeWitness(v.cpp!, v.name);
    gen = g.bin;
    generatorBuildSeconds = +g.buildSeconds.toFixed(1);
  }
  const glue = await compileCircuit(
    inner
      ? { name: "t-committed-pair", file: "circuits/test/committed_child.circom", template: "CommittedPair", params: [] }
      : committed
        ? committedColumnNodeSpec("leaf")
        : columnNodeSpec("leaf"),
    GLUE_COMPILE_OPTIONS,
  );
  const names = inner ? [["x1", "seed"], ["x2", "seed"]] : committed ? [["xL", "seed"], ["xR", "seed"]] : [["xL"], ["xR"]];
  const binds = names.map((n) => glueBindings(glue.sym, n));
  const r1cs = join(dir, "node.r1cs");
  const linked = committed ? join(dir, "linked.r1cs") : r1cs;
  const link = linkR1cs(glue.r1cs, binds.map((bind) => ({ r1cs: v.r1cs, bind })), linked);
  const info = readR1csInfo(v.r1cs);
  const nPubV = info.nPubOut + info.nPubIn;
  // a committed node's r1cs is reduced as buildNode reduces it (src/aggregate/reduce.ts); J loses
  // the identified, eliminated and determined wires
  let wires: number[] = [];
  let nConstraints = link.nConstraints;
  if (committed) {
    const red = reduceCommittedNode(
      linked,
      r1cs,
      { sym: glue.sym, nPublic: 1 },
      link.bases.map((base) => ({ sym: v.sym, nPublic: nPubV, base })),
      { determine: !process.env.DES_BENCH_NO_DETERMINE },
    );
    rmSync(linked, { force: true });
    wires = red.committed;
    nConstraints = red.after;
    log(
      `${form}: ${red.before} linked constraints; the seed's computations merged (${red.identified.length} wires identified, ${red.dropped} constraints dropped), ${red.eliminated.length} linear ones eliminated, ${red.determined.length} committed wires determined by the others (${red.seconds.toFixed(1)} s)`,
    );
  }
  const domain = domainPower(nConstraints, 1);
  log(`${form}: ${nConstraints} constraints (2^${domain}); setup …`);
  const zkey = join(dir, "node.zkey");
  let t0 = performance.now();
  const vc = native ? undefined : await WasmWitnessCalculator.load(v.wasm);
  const gc = await WasmWitnessCalculator.load(glue.wasm);
  const inputs = inner
    ? [0, 1].map(() => verifierInput(verifierTrace(v.build.keys[0]!, cmChild.proof, cmChild.statement)) as CircuitInput)
    : [L, R].map((c) => verifierInput(verifierTrace(v.build.keys[0]!, c.proof, c.publicSignal)) as CircuitInput);
  const glueIn = inner ? { x1: cmChild.statement, x2: cmChild.statement } : glueValues;
  const witness = async (seed?: bigint) => {
    const s: CircuitInput = seed === undefined ? {} : { seed: String(seed) };
    writeWtns(join(dir, "g.wtns"), gc.calculate({ ...glueIn, ...s }).witness);
    if (gen) {
      const b = gen;
      await Promise.all(inputs.map((inp, i) => nativeWitness(b, { ...inp, ...s }, join(dir, `c${i}.wtns`))));
    } else inputs.forEach((inp, i) => writeWtns(join(dir, `c${i}.wtns`), vc!.calculate({ ...inp, ...s }).witness));
    linkWitness(join(dir, "g.wtns"), binds.map((bind, i) => ({ wtns: join(dir, `c${i}.wtns`), bind })), join(dir, "n.wtns"));
  };
  // a committed form's witness in two stages where its generator pauses at the seed (as `des prove`
  // computes it, src/aggregate/prove.ts pausedLinked): the children once, to the seed, then the rest
  const twoStage = committed && gen !== undefined && pauseSupport(gen, "seed");
  let paused: PausedWitness[] = [];
  const stagedWitness = async (seed: bigint) => {
    const s: CircuitInput = { seed: String(seed) };
    if (seed === 0n)
      paused = await Promise.all(
        inputs.map((inp, i) =>
          startPausedWitness(gen!, { ...inp, ...s }, join(dir, `c${i}.wtns`), {
            signal: "seed",
            partial: join(dir, `c${i}.partial.wtns`),
          }),
        ),
      );
    else await Promise.all(paused.map((p) => p.resume(seed)));
    writeWtns(join(dir, "g.wtns"), gc.calculate({ ...glueIn, ...s }).witness);
    const part = (i: number) => join(dir, seed === 0n ? `c${i}.partial.wtns` : `c${i}.wtns`);
    linkWitness(join(dir, "g.wtns"), binds.map((bind, i) => ({ wtns: part(i), bind })), join(dir, "n.wtns"));
  };
  if (!committed) {
    await devSetup(r1cs, zkey, { native: bin });
    const setupSeconds = secs(t0);
    const runs: FormResult["runs"] = [];
    let p: Awaited<ReturnType<typeof nativeProve>> | undefined;
    for (let k = 0; k < repeat; k++) {
      log(`${form}: witness and proof${repeat > 1 ? ` (${k + 1} of ${repeat})` : ""} …`);
      t0 = performance.now();
      await witness();
      const w = secs(t0);
      p = await nativeProve(zkey, join(dir, "n.wtns"), { bin, threads });
      runs.push({ witness: w, commit: 0, prove: r1(p.seconds) });
    }
    if (!p) throw new Error("no run");
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    const verified = await snarkjs.groth16.verify(vk, p.publicSignals, p.proof as unknown as snarkjs.Groth16Proof);
    results.push({
      key: form,
      form: "transcript (plain Groth16)",
      verifier: v.constraints,
      constraints: link.nConstraints,
      domain,
      generatorBuildSeconds,
      witnessMode: "one pass",
      setupSeconds,
      witnessSeconds: r1(median(runs.map((x) => x.witness))),
      commitSeconds: 0,
      proveSeconds: r1(median(runs.map((x) => x.prove))),
      proverPeakRssMiB: p.stats.peakRssMiB,
      verified,
      runs,
    });
  } else {
    await devSetup(r1cs, zkey, { native: bin, commitment: { wires, dir: join(dir, "ck") } });
    const setupSeconds = secs(t0);
    const ck = readCommitmentKey(join(dir, "ck"));
    log(`${form}: ${wires.length} committed wires; witness (${twoStage ? "two stages" : "two passes"}) and proof …`);
    const runs: FormResult["runs"] = [];
    let r: Awaited<ReturnType<typeof proveCommittedWith>> | undefined;
    for (let k = 0; k < repeat; k++) {
      if (repeat > 1) log(`${form}: run ${k + 1} of ${repeat} …`);
      r = await proveCommittedWith({
        zkey,
        ck,
        bin,
        threads,
        witness: async (seed) => {
          await (twoStage ? stagedWitness(seed) : witness(seed));
          return { wtns: join(dir, "n.wtns") };
        },
      });
      runs.push({ witness: r1(r.seconds.witness), commit: r1(r.seconds.commit), prove: r1(r.seconds.commit + r.seconds.prove) });
    }
    if (!r) throw new Error("no run");
    const curve = await (snarkjs as unknown as { curves: { getCurveFromName(n: string): Promise<object> } }).curves.getCurveFromName("bn128");
    const plain = (await snarkjs.zKey.exportVerificationKey(zkey)) as unknown as Omit<CommittedVkey, "sigma_2">;
    const vk = committedVkey(curve, plain, ck.sigma2);
    const gw = readWtns(join(dir, "g.wtns"));
    // the node's statement: the glue's plain node hash (pub before Poseidon with the seed)
    const stmt = inner
      ? poseidon([BigInt(cmChild.statement), BigInt(cmChild.statement)])
      : columnNodeHash(joinColumns(columnLeafSide(publics(L)), columnLeafSide(publics(R))));
    const verified = (await verifyCommitted(curve, vk, stmt, r.proof)) === undefined && gw[1] === BigInt(r.publicSignals[0]!);
    results.push({
      key: form,
      form: inner ? "inner: committed, over committed children" : "committed (lookups, one commitment)",
      verifier: v.constraints,
      constraints: nConstraints,
      domain,
      generatorBuildSeconds,
      witnessMode: twoStage ? "two stages" : "two passes",
      setupSeconds,
      witnessSeconds: r1(median(runs.map((x) => x.witness))),
      commitSeconds: r1(median(runs.map((x) => x.commit))),
      proveSeconds: r1(median(runs.map((x) => x.prove))),
      proverPeakRssMiB: r.stats.peakRssMiB,
      verified,
      runs,
    });
  }
  log(JSON.stringify(results.at(-1)));
}

const rows = results.map((r) => [
  r.form,
  r.verifier,
  r.constraints,
  `2^${r.domain}`,
  r.setupSeconds,
  `${r.witnessSeconds} (${r.witnessMode})`,
  repeat > 1 ? `${r.proveSeconds} (${Math.min(...r.runs.map((x) => x.prove))}–${Math.max(...r.runs.map((x) => x.prove))})` : r.proveSeconds,
  r.proverPeakRssMiB,
  r.verified ? "yes" : "NO",
]);
const a = results.find((r) => r.key === "transcript");
for (const b of results) {
  if (!a || b === a) continue;
  const ratio = (x: number, y: number) => `${(y / x).toFixed(2)}×`;
  rows.push([
    `${b.key} / transcript`,
    ratio(a.verifier, b.verifier),
    ratio(a.constraints, b.constraints),
    "",
    ratio(a.setupSeconds, b.setupSeconds),
    ratio(a.witnessSeconds, b.witnessSeconds),
    ratio(a.proveSeconds, b.proveSeconds),
    ratio(a.proverPeakRssMiB, b.proverPeakRssMiB),
    "",
  ]);
}
console.log(
  table(
    ["node form", "verifier (each)", "constraints", "domain", "setup s", `witness s (${native ? "native" : "wasm"})`, "prove s", "prover peak MiB", "verified"],
    rows,
  ),
);
writeFileSync(
  join(ARTIFACTS, "bench", "node.json"),
  JSON.stringify({ threads: threads ?? "all", witness: native ? "native" : "wasm", repeat, results }, null, 2),
);
await releaseSnarkjs();
process.exit(0);
