/**
 * The in-circuit Groth16 verifier (circuits/groth16_verifier.circom, issue #7) and its hint builder
 * (src/bn254/groth16.ts), on real snarkjs proofs of the project's circuits
 * (test/fixtures/groth16-{column,state-update}-tiny.*, development setup).
 *
 * The hint builder's model is checked in TypeScript first (fast). Then the verifier is compiled in
 * its transcript form for the column key and in its committed lookup form (RC = 0, CM = 1) for a
 * committed child's key (test/fixtures/groth16-committed-range.*, scripts/make-committed-fixture.ts)
 * (--O1, side by side, about 11 and 13 minutes, cached under artifacts/), and witnesses are
 * computed in a pool of two worker threads: a valid proof must pass every check; each tampered
 * proof must fail, and fail in the check that exists for it. circom's strict witness generator stops at the first failed `===` and names the
 * chain of template instances and lines; the verifier template's line tells which of its
 * numbered sections (curve checks, G2 check, residue identity) rejected the witness. The
 * tampered proofs get every hint an honest prover would compute for them (slopes, T, the
 * fixed-base sums) and c = w = 1 where no residue exists, so exactly the check under test is left
 * to fail.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { groth16VerifierBackend } from "../src/aggregate/build.ts";
import { columnNodeSpec, columnValues, GLUE_COMPILE_OPTIONS, glueBindings } from "../src/aggregate/glue.ts";
import { linkWitness, readWtns } from "../src/aggregate/link.ts";
import { columnLeafSide, columnNodeHash, joinColumns } from "../src/aggregate/statement.ts";
import {
  type CommittedChildProof,
  committedRhoScalar,
  evalFixedLinesForms,
  evalFixedLinesForms4,
  fixedBaseMul,
  fixedLinesForms,
  fixedLinesForms4,
  G2_GEN,
  GLV_ADDS,
  GLV_BETA,
  GLV_LAMBDA,
  glvMul,
  glvMulDigits,
  MSM_WINDOWS,
  mobius,
  monomials4,
  slopeHint,
  type VerifierConstants,
  verifierConstants,
  verifierInput,
  verifierTrace,
  xDiffInvHint,
} from "../src/bn254/groth16.ts";
import { ffToG2, g1In, toLimbs } from "../src/bn254/limbs.ts";
import {
  evalFixedLine,
  fq12Mul,
  fqInv,
  type G1Affine,
  type G2Affine,
  g1,
  g2,
  NoResidueError,
  type SnarkjsProof,
  type SnarkjsVkey,
  TWIST_B,
} from "../src/bn254/pairing.ts";
import { type Fq2, fq2, modp, P, powmod, R } from "../src/bn254/tower.ts";
import { compileVerifier, parseCommittedVkey, parseGroth16Vkey } from "../src/bn254/verifier-build.ts";
import { compileCircuit } from "../src/build/circom.ts";
import type { CircuitInput } from "../src/circuits/wasm-witness.ts";
import type { ColumnPublics } from "../src/crypto/hash.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import type { DesError } from "../src/errors.ts";
import { createPool } from "../src/pool/pool.ts";
import type { WitnessOutcome } from "../workers/witness.ts";
import type { WtnsTask } from "../workers/wtns.ts";
import { compileGadgetTest, useBn128 } from "./helpers/bn128.ts";
import { CircuitHarness } from "./helpers/circuit.ts";

const modr = (v: bigint) => ((v % R) + R) % R;

interface Fixture {
  vkey: SnarkjsVkey;
  proofs: { proof: SnarkjsProof; publicSignals: string[] }[];
}
const fixture = (name: string): Fixture => ({
  vkey: JSON.parse(readFileSync(`test/fixtures/groth16-${name}.vkey.json`, "utf8")),
  proofs: Object.values(
    JSON.parse(readFileSync(`test/fixtures/groth16-${name}.proofs.json`, "utf8")).proofs as Record<
      string,
      { proof: SnarkjsProof; publicSignals: string[] }
    >,
  ),
});
const column = fixture("column-tiny");
const stateUpdate = fixture("state-update-tiny");
/** A child proved with one commitment: its key (with [σ]₂), proof (A, B, C, D, P) and statement x. */
const committed = {
  vkey: parseCommittedVkey(
    JSON.parse(readFileSync("test/fixtures/groth16-committed-range.vkey.json", "utf8")),
  ),
  ...(Object.values(
    JSON.parse(readFileSync("test/fixtures/groth16-committed-range.proofs.json", "utf8")).proofs,
  )[0] as { proof: CommittedChildProof; statement: string }),
};

const G1_GEN: G1Affine = [1n, 2n];
const g1Json = (p: G1Affine) => [p[0].toString(), p[1].toString(), "1"];
const g2Json = (p: G2Affine) => [
  [p[0][0].toString(), p[0][1].toString()],
  [p[1][0].toString(), p[1][1].toString()],
  ["1", "0"],
];
const pointA = (pr: SnarkjsProof): G1Affine => [BigInt(pr.pi_a[0]!), BigInt(pr.pi_a[1]!)];

const sqrtFq = (a: bigint): bigint | null => {
  const s = powmod(modp(a), (P + 1n) / 4n, P);
  return modp(s * s - a) === 0n ? s : null;
};
/** A square root in Fq2 = Fq[u]/(u² + 1), or null. */
function sqrtFq2(a: Fq2): Fq2 | null {
  const n = sqrtFq(a[0] * a[0] + a[1] * a[1]);
  if (n === null) return null;
  for (const t of [n, modp(-n)]) {
    const x0 = sqrtFq(modp((a[0] + t) * fqInv(2n)));
    if (x0 === null || x0 === 0n) continue;
    const x: Fq2 = [x0, modp(a[1] * fqInv(2n * x0))];
    if (fq2.eq(fq2.mul(x, x), a)) return x;
  }
  return null;
}
/** A point of the twist E′(Fq2) outside G2 (the cofactor 2p − r is large: almost every point). */
function twistPointOutsideG2(): G2Affine {
  for (let k = 1n; ; k++) {
    const x: Fq2 = [k, 1n];
    const y = sqrtFq2(fq2.add(fq2.mul(fq2.mul(x, x), x), TWIST_B));
    if (y === null) continue;
    const q: G2Affine = [x, y];
    if (g2.mul(q, R) !== null) return q;
  }
}

describe("groth16 verifier: hint builder", () => {
  let k: VerifierConstants;
  before(() => {
    k = verifierConstants(column.vkey);
  });

  test("the constant-line forms evaluate to the product of the two normalised lines", () => {
    const L = g1.mul(G1_GEN, 12345n)!;
    const C = g1.mul(G1_GEN, 67890n)!;
    const [XL, YL, XC, YC] = [L[0] * fqInv(L[1]), fqInv(L[1]), C[0] * fqInv(C[1]), fqInv(C[1])].map((v) =>
      modp(v),
    );
    const m = [XL!, XC!, YL!, YC!, XL! * XC!, YL! * YC!, XL! * YC!, XC! * YL!].map((v) => modp(v));
    for (const s of [0, 1, 40, 86, 87]) {
      const lg = k.negGammaLines[s]!;
      const ld = k.negDeltaLines[s]!;
      const scale = (f: ReturnType<typeof evalFixedLine>, y: bigint) => f.map((c) => fq2.scale(c, fqInv(y)));
      const want = fq12Mul(scale(evalFixedLine(lg, L), L[1]), scale(evalFixedLine(ld, C), C[1]));
      assert.deepEqual(evalFixedLinesForms(fixedLinesForms(lg, ld), m), want, `step ${s}`);
    }
  });

  test("the multilinear table form gives back every table entry", () => {
    const vals = Array.from({ length: 256 }, (_, j) => BigInt(j * j + 7));
    const co = mobius(vals);
    for (const j of [0, 1, 2, 3, 128, 255]) {
      let v = 0n;
      for (let mask = 0; mask < 256; mask++) if ((mask & j) === mask) v += co[mask]!;
      assert.equal(v, vals[j]);
    }
  });

  test("the fixed-base windows compute IC0 + x·IC1 for 0, 1, r − 1 and a random x", () => {
    for (const x of [0n, 1n, R - 1n, 0x1234567890abcdef1234567890abcdefn]) {
      const want = g1.add(k.ic0, g1.mul(k.ic1, x));
      assert.ok(g1.eq(fixedBaseMul(k, x).l, want), `x = ${x}`);
      assert.equal(fixedBaseMul(k, x).adds.length, MSM_WINDOWS);
    }
  });

  test("verification keys are validated: one public input, BN254, decimal coordinates", () => {
    assert.equal(parseGroth16Vkey(column.vkey).nPublic, 1);
    const two = { ...column.vkey, nPublic: 2 };
    assert.throws(
      () => parseGroth16Vkey(two, "k.json"),
      (e: DesError) => e.code === "INVALID_VKEY" && /nPublic/.test(e.message),
    );
    const bad = structuredClone(column.vkey) as unknown as { vk_alpha_1: string[] };
    bad.vk_alpha_1[0] = "0x12";
    assert.throws(
      () => parseGroth16Vkey(bad),
      (e: DesError) => e.code === "INVALID_VKEY" && /vk_alpha_1\.0|vk_alpha_1\[0\]/.test(e.message),
    );
  });

  test("valid proofs have a residue witness; tampered ones have none", () => {
    for (const { proof, publicSignals } of column.proofs) {
      assert.ok(verifierTrace(k, proof, publicSignals[0]!).residue);
      assert.throws(() => verifierTrace(k, proof, BigInt(publicSignals[0]!) + 1n), NoResidueError);
      const a2 = g1.add(pointA(proof), G1_GEN)!;
      const t = verifierTrace(k, { ...proof, pi_a: g1Json(a2) }, publicSignals[0]!, { allowInvalid: true });
      assert.equal(t.residue, null);
    }
    const su = stateUpdate.proofs[0]!;
    assert.throws(() => verifierTrace(k, su.proof, su.publicSignals[0]!), NoResidueError);
  });
});

describe("groth16 verifier: the committed child's model (CM = 1)", () => {
  const curve = useBn128();
  let k: VerifierConstants;
  const x = () => BigInt(committed.statement);
  before(async () => {
    await loadCrypto();
    k = verifierConstants(committed.vkey);
  });

  test("GLV: β is a cube root of unity in Fq, λ one in Fr, φ(P) = (β·x, y) = [λ]P; [1]₂ is ffjavascript's G2 generator", () => {
    assert.equal(powmod(GLV_BETA, 3n, P), 1n);
    assert.notEqual(GLV_BETA, 1n);
    assert.equal(modr(GLV_LAMBDA * GLV_LAMBDA + GLV_LAMBDA + 1n), 0n);
    for (const s of [1n, 7n, R - 2n]) {
      const p = g1.mul(G1_GEN, s)!;
      assert.deepEqual(g1.mul(p, GLV_LAMBDA), [modp(GLV_BETA * p[0]), p[1]]);
    }
    const c = curve() as unknown as Parameters<typeof ffToG2>[0] & { G2: { g: Uint8Array } };
    assert.deepEqual(ffToG2(c, c.G2.g), G2_GEN);
  });

  test("committed keys are validated: [σ]₂ present, affine, on the twist and in G2", () => {
    const bad = (sigma: unknown, re: RegExp) =>
      assert.throws(
        () => parseCommittedVkey({ ...committed.vkey, sigma_2: sigma }, "k.json"),
        (e: DesError) => e.code === "INVALID_VKEY" && /sigma_2/.test(e.message) && re.test(e.message),
      );
    assert.deepEqual(parseCommittedVkey(committed.vkey).sigma_2, committed.vkey.sigma_2);
    bad(undefined, /./);
    const s = committed.vkey.sigma_2;
    bad([s[0], [String(BigInt(s[1]![0]!) + 1n), s[1]![1]], s[2]], /not a point of G2/);
    bad(g2Json(twistPointOutsideG2()), /not a point of G2/);
    bad([s[0], s[1], ["0", "0"]], /affine/);
    // a plain key is not a committed one
    assert.throws(
      () => parseCommittedVkey(column.vkey),
      (e: DesError) => e.code === "INVALID_VKEY",
    );
  });

  test("ρ·P by the circuit's schedule equals [(2^65 + ρ₁) + λ·ρ₂]·P, never meeting an equal x", () => {
    const p = g1.mul(G1_GEN, 0xabcdefn)!;
    for (const rho of [0n, (1n << 128n) - 1n, 0x5555_5555_5555_5555_aaaa_aaaa_aaaa_aaaan, R - 1n]) {
      const g = glvMul(p, rho);
      assert.equal(g.adds.length, GLV_ADDS);
      assert.ok(g1.eq(g.out, g1.mul(p, committedRhoScalar(rho))), `ρ = ${rho}`);
    }
    // distinct halves give distinct scalars (the lattice of a + λb ≡ 0 has no short vector)
    const seen = new Set<bigint>();
    for (let i = 0n; i < 64n; i++) seen.add(committedRhoScalar((i << 64n) | (i * 0x9e3779b97f4a7c15n)));
    assert.equal(seen.size, 64);
  });

  test("the four-line forms evaluate to the product of the four normalised lines", () => {
    const cc = k.committed!;
    const pts = [12345n, 67890n, 13579n, 24680n].map((s) => g1.mul(G1_GEN, s)!);
    const norm = pts.map((p) => [modp(p[0] * fqInv(p[1])), fqInv(p[1])] as [bigint, bigint]);
    const m = monomials4(norm);
    const scale = (f: ReturnType<typeof evalFixedLine>, y: bigint) => f.map((c) => fq2.scale(c, fqInv(y)));
    for (const s of [0, 1, 40, 86, 87]) {
      const ls = [k.negGammaLines[s]!, k.negDeltaLines[s]!, cc.oneLines[s]!, cc.negSigmaLines[s]!];
      const want = ls
        .map((l, i) => scale(evalFixedLine(l, pts[i]!), pts[i]![1]))
        .reduce((a, b) => fq12Mul(a, b));
      assert.deepEqual(evalFixedLinesForms4(fixedLinesForms4(ls), m), want, `step ${s}`);
    }
  });

  test("a committed proof has a residue witness; a moved D, a P not σ·D and another statement have none", () => {
    const pr = committed.proof;
    assert.ok(verifierTrace(k, pr, x()).residue);
    const plusG = (p: readonly string[]) => g1Json(g1.add([BigInt(p[0]!), BigInt(p[1]!)], G1_GEN)!);
    assert.throws(() => verifierTrace(k, { ...pr, D: plusG(pr.D) }, x()), NoResidueError);
    assert.throws(() => verifierTrace(k, { ...pr, P: plusG(pr.P) }, x()), NoResidueError);
    assert.throws(() => verifierTrace(k, pr, x() + 1n), NoResidueError);
    // a committed key needs D and P
    assert.throws(() => verifierTrace(k, column.proofs[0]!.proof, x()), /committed proofs/);
  });
});

describe("GLV multiplication gadget (DG1GlvMul, TestGlvMul with 6 bits per half)", () => {
  const NB = 6;
  let c: CircuitHarness;
  const pt = g1.mul(G1_GEN, 123456789n)!;
  const b1 = [1, 0, 0, 1, 1, 0];
  const b2 = [0, 0, 1, 1, 0, 1];
  const g = glvMulDigits(
    pt,
    b1.map((b) => 2 * b - 1),
    b2.map((b) => 2 * b - 1),
  );
  const input = (o: Record<string, unknown> = {}): CircuitInput => ({
    p: g1In(pt),
    b1: b1.map(String),
    b2: b2.map(String),
    lambda: g.adds.map(slopeHint),
    xInv: g.adds.map(xDiffInvHint),
    expect: g1In(g.out),
    ...o,
  });
  before(async () => {
    c = await CircuitHarness.load(
      await compileGadgetTest("circuits/lib/bn254/test_deferred.circom", "TestGlvMul", [43, 6, NB]),
    );
  });

  test("accepts the reference multiple [(2^7 + ρ₁) + λ·ρ₂]·P", () => {
    const s = (bs: number[]) => bs.reduce((a, b, i) => a + BigInt(2 * b - 1) * (1n << BigInt(i)), 0n);
    assert.ok(g1.eq(g.out, g1.mul(pt, modr((1n << 7n) + s(b1) + GLV_LAMBDA * s(b2)))));
    c.expectPass(input());
  });

  test("rejects a wrong slope or inverse hint (the batch check) and another result (the equality)", () => {
    const lambda = g.adds.map(slopeHint);
    lambda[7]![0] = (BigInt(lambda[7]![0]!) ^ 1n).toString();
    c.expectFail(input({ lambda }), /main\.bc\[/);
    const xInv = g.adds.map(xDiffInvHint);
    xInv[12]![2] = (BigInt(xInv[12]![2]!) + 1n).toString();
    c.expectFail(input({ xInv }), /main\.bc\[/);
    c.expectFail(input({ expect: g1In(g1.add(g.out, G1_GEN)!) }), /main\.(g\.|expect)/);
  });

  test("rejects a point moved off P with P's hints, and a non-bit digit", () => {
    c.expectFail(input({ p: g1In(g1.add(pt, G1_GEN)!) }), /main\.(bc\[|g\.|expect)/);
    c.expectFail(input({ b1: ["2", ...b1.slice(1).map(String)] }), /main\.b1\[0\]/);
  });
});

/** Limb-product coefficients of a·b minus the limbs of r: an obligation e with e(2^43) = a·b − r. */
function obligation(a: bigint, b: bigint, r: bigint): bigint[] {
  const la = toLimbs(a);
  const lb = toLimbs(b);
  const e = Array<bigint>(11).fill(0n);
  la.forEach((x, i) => {
    lb.forEach((y, j) => {
      e[i + j] = e[i + j]! + x * y;
    });
  });
  toLimbs(r).forEach((x, i) => {
    e[i] = e[i]! - x;
  });
  return e;
}

describe("deferred reduction checks (TestDeferredBatch)", () => {
  let c: CircuitHarness;
  const NOB = 6;
  const rnd = (i: number) => modp(BigInt(`0x${createHash("sha256").update(`t${i}`).digest("hex")}`));
  const valid = (): bigint[][] =>
    Array.from({ length: NOB }, (_, k) =>
      obligation(rnd(2 * k), rnd(2 * k + 1), modp(rnd(2 * k) * rnd(2 * k + 1))),
    );
  const input = (e: bigint[][]) => ({ e: e.map((row) => row.map((v) => modr(v))) });
  before(async () => {
    c = await CircuitHarness.load(
      await compileGadgetTest("circuits/lib/bn254/test_deferred.circom", "TestDeferredBatch", [43, 6, NOB]),
    );
  });

  test("accepts obligations that are 0 mod p, including non-zero multiples of p and a non-canonical r", () => {
    c.expectPass(input(valid()));
    const e = valid();
    e[2] = toLimbs(P).concat(Array(5).fill(0n)); // p ≡ 0
    const a = rnd(100);
    e[4] = obligation(a, 1n, a + P < 2n ** 254n ? a + P : a); // r = a + p: reduced form, not canonical
    c.expectPass(input(e));
  });

  for (const k of [0, 3, NOB - 1]) {
    test(`rejects one obligation off by 1 (obligation ${k})`, () => {
      const e = valid();
      e[k]![0] = e[k]![0]! + 1n;
      c.expectFail(input(e), /main\.bc\./);
    });
  }

  test("rejects an obligation off by p − 1 spread over the limbs, and one off by 2^43 in a high coefficient", () => {
    const e = valid();
    const d = toLimbs(P - 1n);
    d.forEach((x, i) => {
      e[1]![i] = e[1]![i]! + x;
    });
    c.expectFail(input(e), /main\.bc\./);
    const f = valid();
    f[5]![10] = f[5]![10]! + 1n;
    c.expectFail(input(f), /main\.bc\./);
  });
});

/**
 * Line ranges of the verifier template's numbered sections ("// 1. …" to "// 6. …"; 6 holds both
 * forms' challenges and batch checks).
 */
function sections(): Map<number, [number, number]> {
  const lines = readFileSync("circuits/groth16_verifier.circom", "utf8").split("\n");
  const start = lines.findIndex((l) => l.startsWith("template Groth16Verifier("));
  const marks: [number, number][] = [];
  lines.forEach((l, i) => {
    const m = /^ {4}\/\/ (\d)\. /.exec(l);
    if (i > start && m) marks.push([Number(m[1]), i + 1]);
  });
  const out = new Map<number, [number, number]>();
  marks.forEach(([n, from], i) => {
    out.set(n, [from, i + 1 < marks.length ? marks[i + 1]![1] - 1 : lines.length]);
  });
  return out;
}

/**
 * The Groth16Verifier line in a strict failure's message.
 */
function failingLine(o: WitnessOutcome): number {
  const m = /Groth16Verifier_\d+ line: (\d+)/.exec(o.messages.join("\n"));
  assert.ok(m, `no Groth16Verifier frame in: ${o.messages.join(" | ")}`);
  return Number(m[1]);
}

/** The text of the Groth16Verifier line a strict failure names. */
function failingLineText(o: WitnessOutcome): string {
  return readFileSync("circuits/groth16_verifier.circom", "utf8").split("\n")[failingLine(o) - 1]!;
}

/**
 * The valid input with one addition step's x-difference inverse replaced by another value: the
 * hint enters only its deferred obligation (x_Q − x_T)·xInv − 1, so the batch check must catch it.
 */
function withWrongInverse(input: CircuitInput): CircuitInput {
  const xInv = structuredClone(input.xInv) as string[][][];
  xInv[5]![0]![0] = (BigInt(xInv[5]![0]![0]!) ^ 1n).toString();
  return { ...input, xInv };
}

/** The valid input with one slope of the committed check's ρ·P off (seen only by the batch check). */
function withWrongGlvSlope(input: CircuitInput): CircuitInput {
  const glvLambda = structuredClone(input.glvLambda) as string[][][];
  glvLambda[0]![40]![0] = (BigInt(glvLambda[0]![40]![0]!) ^ 1n).toString();
  return { ...input, glvLambda };
}

describe("groth16 verifier circuit", { timeout: 60 * 60_000 }, () => {
  const pool = createPool({ task: "witness.ts", threads: 2 });
  const runs = new Map<string, Promise<WitnessOutcome>>();
  const sec = sections();

  before(async () => {
    await loadCrypto();
    const good = column.proofs[0]!;
    const proof = good.proof;
    const x = good.publicSignals[0]!;
    const input = (kk: VerifierConstants, pr: SnarkjsProof, pub: string | bigint): CircuitInput =>
      verifierInput(verifierTrace(kk, pr, pub, { allowInvalid: true })) as CircuitInput;
    const su = stateUpdate.proofs[0]!;
    const xs = su.publicSignals[0]!;
    const cm = committed.proof;
    const xm = committed.statement;
    const seed = String(BigInt("0x2c05a1b8d3e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f"));
    const lookup = (inp: CircuitInput): CircuitInput => ({ ...inp, seed });
    const plusG = (p: readonly string[]) => g1Json(g1.add([BigInt(p[0]!), BigInt(p[1]!)], G1_GEN)!);
    const start = (wasm: string, jobs: [string, CircuitInput][]) => {
      for (const [name, inp] of jobs)
        runs.set(name, pool.run({ wasm, input: inp }) as Promise<WitnessOutcome>);
    };
    // Two compiler processes side by side (one per core): the transcript form for the column key,
    // the committed lookup form for the committed child's key; each form's witnesses start as soon
    // as it is compiled. Checks 1–5 are shared by the forms: the tampered proofs run on the
    // committed lookup form (the smaller witness, and the only form with D and P); the transcript
    // form keeps a proof for another key and its own batch check.
    await Promise.all([
      compileVerifier(column.vkey).then((colV) => {
        const kc = colV.build.keys[0]!;
        start(colV.wasm, [
          ["other key", input(kc, su.proof, xs)],
          ["wrong inverse hint", withWrongInverse(input(kc, proof, x))],
        ]);
      }),
      compileVerifier(committed.vkey, {}, "lookup").then((cmL) => {
        const km = cmL.build.keys[0]!;
        const tampered = (edit: Partial<CommittedChildProof>, pub: string | bigint = xm) =>
          lookup(input(km, { ...cm, ...edit } as SnarkjsProof, pub));
        start(cmL.wasm, [
          ["lookup: committed", lookup(input(km, cm, xm))],
          ["lookup: A replaced", tampered({ pi_a: g1Json(g1.add(pointA(cm), G1_GEN)!) })],
          ["lookup: wrong public input", tampered({}, BigInt(xm) + 1n)],
          ["lookup: D moved", tampered({ D: plusG(cm.D) })],
          ["lookup: P not σ·D", tampered({ P: plusG(cm.P) })],
          ["lookup: B outside G2", tampered({ pi_b: g2Json(twistPointOutsideG2()) })],
          [
            "lookup: P off the curve",
            tampered({ P: g1Json([BigInt(cm.P[0]!), modp(BigInt(cm.P[1]!) + 1n)]) }),
          ],
          ["lookup: wrong inverse hint", lookup(withWrongInverse(input(km, cm, xm)))],
          ["lookup: wrong GLV hint", lookup(withWrongGlvSlope(input(km, cm, xm)))],
        ]);
      }),
    ]);
  });
  after(async () => {
    await Promise.allSettled(runs.values());
    await pool.destroy();
  });

  const rejects = (name: string, section: number, what: string) =>
    test(`rejects: ${name} (${what})`, async () => {
      const o = await runs.get(name)!;
      assert.equal(o.ok, false, `${name} was accepted`);
      const line = failingLine(o);
      const [from, to] = sec.get(section)!;
      assert.ok(
        line >= from && line <= to,
        `${name}: failed at line ${line}, expected section ${section} (${from}–${to})`,
      );
    });

  // The transcript form accepts real column proofs in the next suite (the node's two children,
  // computed strictly with the same compiled form): no third honest witness here.
  rejects("other key", 5, "a state-update proof against the column key: residue identity");
  rejects("wrong inverse hint", 6, "one addition step's (x_Q − x_T)⁻¹ off: deferred batch check");

  // The committed lookup form (RC = 0, CM = 1), a committed child's key: the same checks 1–5 with
  // the child's D and P (x' = Poseidon(x, H(D)), L' = L + D, the knowledge check raised to ρ in the
  // same Miller loop), range checks by lookup and challenges from the seed; accepted for any seed
  // (the honest chunks and multiplicities satisfy every lookup), rejected where it must be.
  // (seed 0 is verifier-committed.test.ts's first witness pass, computed strictly)
  for (const name of ["lookup: committed"])
    test(`accepts a real committed proof in the lookup form (${name})`, async () => {
      const o = await runs.get(name)!;
      assert.ok(o.ok, o.messages.join(" | "));
      assert.ok(o.wires > 500_000);
    });
  rejects("lookup: A replaced", 5, "another valid G1 point: residue identity");
  rejects("lookup: wrong public input", 5, "x + 1: x' and L' change, residue identity");
  rejects("lookup: D moved", 5, "D + G: H(D), x' and L' change, residue identity");
  rejects("lookup: P not σ·D", 5, "P + G: the knowledge check (raised to ρ), residue identity");
  rejects("lookup: B outside G2", 4, "on the twist, outside G2: subgroup check");
  rejects("lookup: P off the curve", 2, "the committed child's curve check of P");
  test("rejects in the lookup form: one wrong inverse hint fails the batch check drawn from the seed", async () => {
    const o = await runs.get("lookup: wrong inverse hint")!;
    assert.equal(o.ok, false);
    assert.match(failingLineText(o), /post_bc\[t\]/);
  });
  // the wrong slope moves the sum it makes, so ρ·P is another point: its normaliser (the honest
  // one's) fails first, in section 2; the batch check would reject the slope too
  test("rejects in the lookup form: one wrong slope of ρ·P (ρ·P's normaliser no longer fits)", async () => {
    const o = await runs.get("lookup: wrong GLV hint")!;
    assert.equal(o.ok, false);
    assert.match(failingLineText(o), /nR\[t\]\.xy <== norm\[2 \+ t\]/);
  });
});

/**
 * An aggregator node at witness level with real child proofs: the column node's glue
 * (circuits/aggregator.circom) linked with two column-key verifiers (src/aggregate/link.ts), over
 * the two column proofs of a real block (test/fixtures/aggregate-columns-tiny.json). The proof of
 * the whole node (3.9M constraints, ≈ 5 min) is `make prove`'s; here every part's witness is
 * computed strictly (a failed check throws) and linked.
 */
describe("aggregator node over two real column proofs (linked witness)", { timeout: 30 * 60_000 }, () => {
  interface Leaf {
    name: string;
    publics: Record<keyof ColumnPublics, string>;
    publicSignal: string;
    proof: SnarkjsProof;
  }
  const fx = JSON.parse(readFileSync("test/fixtures/aggregate-columns-tiny.json", "utf8")) as {
    columns: Leaf[];
  };
  const publics = (l: Leaf): ColumnPublics => ({
    r0: BigInt(l.publics.r0),
    txDigest: BigInt(l.publics.txDigest),
    writeDigest: BigInt(l.publics.writeDigest),
    fingerprint: BigInt(l.publics.fingerprint),
    txFingerprint: BigInt(l.publics.txFingerprint),
    gamma: BigInt(l.publics.gamma),
  });
  const [L, Rt] = fx.columns as [Leaf, Leaf];
  const work = mkdtempSync(join(tmpdir(), "des-agg-node-"));
  const pool = createPool({ task: "wtns.ts", threads: 2 });
  // WebAssembly witnesses, as above: the native generator (≈ 6 min of g++ per key) is tested on
  // small circuits in native-witness.test.ts and on this verifier by `make bench-verifier`
  const backend = groth16VerifierBackend({ native: false });
  let verifier: Awaited<ReturnType<typeof backend.compile>>;
  let glue: Awaited<ReturnType<typeof compileCircuit>>;
  let bind: number[];
  const badProof = { ...Rt.proof, pi_a: g1Json(g1.add(pointA(Rt.proof), G1_GEN)!) };
  let badRun: Promise<unknown>;
  const childWtns = (leaf: Leaf, proof: SnarkjsProof, out: string) =>
    pool.run({
      wasm: verifier.wasm,
      input: verifier.input(proof, leaf.publicSignal),
      out,
    } satisfies WtnsTask);
  const glueInput = (l: Leaf, r: Leaf, edit: (v: string[][]) => void = () => {}) => {
    const v = [
      columnValues({ kind: "leaf", publics: publics(l) }),
      columnValues({ kind: "leaf", publics: publics(r) }),
    ];
    edit(v);
    return { xL: l.publicSignal, xR: r.publicSignal, l: v[0]!, r: v[1]! };
  };

  before(async () => {
    await loadCrypto();
    verifier = await backend.compile(column.vkey);
    glue = await compileCircuit(columnNodeSpec("leaf"), GLUE_COMPILE_OPTIONS);
    bind = glueBindings(glue.sym, ["xL", "xR"]);
    // the tampered child's witness runs beside the two honest ones (three jobs, two threads)
    badRun = pool.run({
      wasm: verifier.wasm,
      input: verifierInput(
        verifierTrace(verifierConstants(column.vkey), badProof, Rt.publicSignal, { allowInvalid: true }),
      ),
      out: join(work, "bad.wtns"),
    } satisfies WtnsTask);
    badRun.catch(() => {});
    await Promise.all([
      childWtns(L, L.proof, join(work, "l.wtns")),
      childWtns(Rt, Rt.proof, join(work, "r.wtns")),
    ]);
  });
  after(async () => {
    await pool.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  test("accepts the pair: both verifier parts pass, bind to the glue's xL/xR, and the node states the reference hash", async () => {
    await snarkjs.wtns.calculate(glueInput(L, Rt), glue.wasm, join(work, "glue.wtns"));
    const { nWitness } = linkWitness(
      join(work, "glue.wtns"),
      [
        { wtns: join(work, "l.wtns"), bind: [bind[0]!] },
        { wtns: join(work, "r.wtns"), bind: [bind[1]!] },
      ],
      join(work, "node.wtns"),
    );
    assert.ok(nWitness > 3_900_000);
    const w = readWtns(join(work, "glue.wtns"));
    assert.equal(w[1], columnNodeHash(joinColumns(columnLeafSide(publics(L)), columnLeafSide(publics(Rt)))));
  });

  test("rejects a tampered child proof: its verifier part fails", async () => {
    // the honest hint builder refuses (no residue witness exists); the hints it would compute
    // anyway (c = w = 1) must then be rejected by the circuit itself
    assert.throws(() => verifier.input(badProof, Rt.publicSignal), NoResidueError);
    await assert.rejects(badRun, /Assert Failed|Error in template/);
  });

  test("rejects child statements the real proofs do not state: another R0, fingerprint, tx fingerprint or γ", async () => {
    for (const k of [0, 3, 4, 5]) {
      const input = glueInput(L, Rt, (v) => {
        v[1]![k] = String(BigInt(v[1]![k]!) + 1n);
      });
      await assert.rejects(
        snarkjs.wtns.calculate(input, glue.wasm, join(work, "bad-glue.wtns")),
        /Assert Failed|Error/,
      );
    }
  });

  test("swapped children: the node states another digest, so γ fails at the block root", () => {
    const honest = joinColumns(columnLeafSide(publics(L)), columnLeafSide(publics(Rt)));
    const swapped = joinColumns(columnLeafSide(publics(Rt)), columnLeafSide(publics(L)));
    assert.notEqual(swapped.dig, honest.dig);
    assert.equal(swapped.gamma, honest.gamma);
  });
});
