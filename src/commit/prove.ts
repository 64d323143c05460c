/**
 * Prover of Groth16 with one commitment (docs/circuits.md, "Inner nodes as Groth16 with one
 * commitment"), on the native prover's commands:
 *   1. the witness with the challenge seed 0: the committed wires a_J (private inputs that do not
 *      depend on the seed) are already final;
 *   2. D = Σ a_j·K_j and P = Σ a_j·σK_j (`des-groth16 msm-g1`);
 *   3. the witness again with seed = H(D) (src/commit/verify.ts), checked to commit the same a_J;
 *   4. A, B, C (`des-groth16 prove`) with the zkey whose committed wires' C points are the point
 *      at infinity (the development setup's `commitment` option), so C leaves the J terms out.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readWtnsBytes } from "../aggregate/link.ts";
import { R } from "../bn254/tower.ts";
import { buildNativeProver, type NativeProveStats, nativeProve } from "../build/prover.ts";
import { readLE, writeLE } from "../circuits/r1cs.ts";
import type { CircuitInput, WasmWitnessCalculator } from "../circuits/wasm-witness.ts";
import { desError } from "../errors.ts";
import { BinWriter } from "../util/binfile.ts";
import { runProcess } from "../util/proc.ts";
import type { CommitmentKey } from "./key.ts";
import { type CommittedProof, commitmentHash } from "./verify.ts";

/** Scalars as the native prover reads them: 32 bytes little-endian, standard form, below r. */
function scalarFile(values: readonly bigint[]): Buffer {
  const b = Buffer.alloc(values.length * 32);
  values.forEach((v, i) => {
    if (v < 0n || v >= R) throw desError("USAGE", `scalar ${i} is not below r`);
    writeLE(b, i * 32, 32, v);
  });
  return b;
}

/** A BN254 witness file (iden3 "wtns" version 2: n8, prime, count; then the values), as link.ts writes one. */
export function writeWtns(file: string, witness: readonly bigint[]): void {
  const prime = Buffer.alloc(32);
  writeLE(prime, 0, 32, R);
  const fd = openSync(file, "w");
  try {
    const o = new BinWriter(fd, "wtns", 2, 2);
    o.begin(1);
    o.u32(32);
    o.write(prime);
    o.u32(witness.length);
    o.end();
    o.begin(2);
    o.write(scalarFile(witness));
    o.end();
  } finally {
    closeSync(fd);
  }
}

async function msmG1(bin: string, points: string, scalars: string, out: string): Promise<[bigint, bigint]> {
  const r = await runProcess(bin, ["msm-g1", points, scalars, out], { maxOutput: 1 << 14 });
  if (r.code !== 0) throw desError("PROVER_FAULT", `commitment multiexp failed: ${r.output.slice(-1000)}`);
  const j = JSON.parse(readFileSync(out, "utf8")) as string[];
  if (j[2] !== "1")
    throw desError("PROVER_FAULT", "the commitment is the point at infinity (all committed values 0)");
  return [BigInt(j[0]!), BigInt(j[1]!)];
}

export interface CommittedProveResult {
  proof: CommittedProof;
  /** x' = Poseidon(x, H(D)), the circuit's public output. */
  publicSignals: string[];
  /** H(D). */
  seed: bigint;
  /** Seconds of the stages: both witness passes, the two commitment multiexps, the proof. */
  seconds: { witness: number; commit: number; prove: number };
  /** The native prover's own figures for A, B, C (peak RSS included). */
  stats: NativeProveStats;
}

/**
 * Proves `input` (without the seed) for a circuit whose private input `seedSignal` carries H(D).
 * `calc` computes the circuit's witness; `zkey` and `ck` come from one development setup.
 */
export function proveCommitted(opts: {
  calc: WasmWitnessCalculator;
  input: CircuitInput;
  seedSignal: string;
  zkey: string;
  ck: CommitmentKey;
  bin?: string;
  threads?: number;
}): Promise<CommittedProveResult> {
  return proveCommittedWith({
    ...opts,
    witness: async (seed) => opts.calc.calculate({ ...opts.input, [opts.seedSignal]: String(seed) }).witness,
  });
}

/** The committed wires' values of a witness file, as the scalar file of the commitment's multiexps. */
function committedScalars(wtns: string, wires: readonly number[]): Buffer {
  const w = readWtnsBytes(wtns);
  if (w.n8 !== 32) throw desError("USAGE", `${wtns}: a BN254 witness has 32-byte values, not ${w.n8}`);
  const out = Buffer.alloc(wires.length * 32);
  const rTop = R >> 192n;
  wires.forEach((j, i) => {
    if (j >= w.nWitness)
      throw desError("USAGE", `${wtns}: committed wire ${j} beyond its ${w.nWitness} wires`);
    w.values.copy(out, i * 32, j * 32, j * 32 + 32);
    // below r: the top 64-bit word decides unless it equals r's
    const top = out.readBigUInt64LE(i * 32 + 24);
    if (top > rTop || (top === rTop && readLE(out, i * 32, 32) >= R))
      throw desError("USAGE", `${wtns}: wire ${j} is not below r`);
  });
  return out;
}

/**
 * Proves with a witness function of the seed (a linked node's witness: its glue and parts, each
 * computed with the seed): witness(0n) gives the committed values, witness(H(D)) the proof's
 * witness, which must agree with the first on every committed wire.
 */
export async function proveCommittedWith(opts: {
  /**
   * The witness for a seed: its values, or a .wtns file (read as bytes: the committed wires are
   * copied, not parsed, and the file of the second seed is proven as it is).
   */
  witness: (seed: bigint) => Promise<readonly bigint[] | { wtns: string }>;
  /** The keys: promises when the first witness may start before their setup has ended. */
  zkey: string | Promise<string>;
  ck: CommitmentKey | Promise<CommitmentKey>;
  bin?: string;
  threads?: number;
  /**
   * Runs the commitment's multiexps ("commit") and the proof ("prove") under the caller's
   * scheduler (an aggregation's Budget); the witness function claims its own. Default: at once.
   * The stages' seconds are timed inside it.
   */
  stage?: <T>(stage: "commit" | "prove", fn: () => Promise<T>) => Promise<T>;
}): Promise<CommittedProveResult> {
  const stage = opts.stage ?? ((_s, fn) => fn());
  const bin = opts.bin ?? (await buildNativeProver()).bin;
  const work = mkdtempSync(join(tmpdir(), "des-commit-prove-"));
  try {
    const secs = { witness: 0, commit: 0, prove: 0 };
    let t = performance.now();
    const lap = (k: keyof typeof secs) => {
      const now = performance.now();
      secs[k] += (now - t) / 1000;
      t = now;
    };
    const w0 = await opts.witness(0n);
    lap("witness");
    const ck = await opts.ck;
    const scalars = (w: readonly bigint[] | { wtns: string }) =>
      "wtns" in w ? committedScalars(w.wtns, ck.wires) : scalarFile(ck.wires.map((j) => w[j]!));
    const aJ = scalars(w0);
    const sc = join(work, "aJ.bin");
    writeFileSync(sc, aJ);
    const [D, P] = await stage("commit", async () => {
      t = performance.now();
      const d = await msmG1(bin, ck.kFile, sc, join(work, "D.json"));
      const p = await msmG1(bin, ck.skFile, sc, join(work, "P.json"));
      lap("commit");
      return [d, p] as const;
    });
    const seed = commitmentHash(D);
    t = performance.now();
    const w1 = await opts.witness(seed);
    lap("witness");
    const aJ1 = scalars(w1);
    if (!aJ1.equals(aJ)) {
      const i = ck.wires.findIndex(
        (_, k) => !aJ1.subarray(k * 32, k * 32 + 32).equals(aJ.subarray(k * 32, k * 32 + 32)),
      );
      throw desError(
        "PROVER_FAULT",
        `committed wire ${ck.wires[i]} changed with the seed: it must not depend on it`,
      );
    }
    let wtns: string;
    if ("wtns" in w1) wtns = w1.wtns;
    else {
      wtns = join(work, "w.wtns");
      writeWtns(wtns, w1);
    }
    const zkey = await opts.zkey;
    const r = await stage("prove", async () => {
      t = performance.now();
      const res = await nativeProve(zkey, wtns, { bin, threads: opts.threads });
      lap("prove");
      return res;
    });
    const g1 = (p: [bigint, bigint]): [string, string, "1"] => [String(p[0]), String(p[1]), "1"];
    const pi = r.proof as unknown as { pi_a: string[]; pi_b: string[][]; pi_c: string[] };
    return {
      proof: {
        protocol: "groth16-commit-1",
        pi_a: [pi.pi_a[0]!, pi.pi_a[1]!, "1"],
        pi_b: [
          [pi.pi_b[0]![0]!, pi.pi_b[0]![1]!],
          [pi.pi_b[1]![0]!, pi.pi_b[1]![1]!],
          ["1", "0"],
        ],
        pi_c: [pi.pi_c[0]!, pi.pi_c[1]!, "1"],
        D: g1(D),
        P: g1(P),
      },
      publicSignals: r.publicSignals,
      seed,
      seconds: secs,
      stats: r.stats,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
