/**
 * R1CS linking (src/aggregate/link.ts): a glue circuit and two parts compiled on their own, joined
 * into one system. The linked witness must satisfy every linked constraint (our checker and
 * snarkjs's), prove and verify with Groth16; a changed part wire must break a constraint of that
 * part; a part whose public value differs from its glue wire, and malformed bindings, are refused.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { glueBindings } from "../src/aggregate/glue.ts";
import { linkR1cs, linkWitness, readWtns } from "../src/aggregate/link.ts";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import { nativeProve, proverToolchain } from "../src/build/prover.ts";
import { checkWitness, loadR1cs } from "../src/circuits/r1cs.ts";
import { loadCrypto, poseidon } from "../src/crypto/poseidon.ts";
import { isDesError } from "../src/errors.ts";
import { readR1csInfo } from "../src/setup/devsetup.ts";
import { releaseSnarkjs, setupCircuit } from "../src/setup/index.ts";

const work = mkdtempSync(join(tmpdir(), "des-link-test-"));
const SQUARINGS = 5;
let glue: CompiledCircuit;
let part: CompiledCircuit;
/** Glue wires of xL and xR: after wire 0 and the one public output, the private inputs in order. */
const BIND = [[2], [3]] as const;

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const partX = (s: bigint) => {
  let t = s % P;
  for (let i = 0; i < SQUARINGS; i++) t = (t * t) % P;
  return poseidon([t]);
};

async function wtns(c: CompiledCircuit, input: Record<string, unknown>, tag: string): Promise<string> {
  const f = join(work, `${tag}.wtns`);
  await snarkjs.wtns.calculate(input, c.wasm, f);
  return f;
}

const rejects = (code: string) => (e: unknown) => isDesError(e) && e.code === code;

before(async () => {
  await loadCrypto();
  glue = await compileCircuit({
    name: "link-test-glue",
    file: "circuits/test/link.circom",
    template: "LinkGlue",
    params: [],
  });
  part = await compileCircuit({
    name: "link-test-part",
    file: "circuits/test/link.circom",
    template: "LinkPart",
    params: [SQUARINGS],
    publicInputs: ["x"],
  });
});

after(async () => {
  await releaseSnarkjs();
  rmSync(work, { recursive: true, force: true });
});

describe("r1cs linking", () => {
  const linked = join(work, "linked.r1cs");
  const linkedW = join(work, "linked.wtns");
  const sL = 12345n;
  const sR = 67890n;

  before(async () => {
    linkR1cs(
      glue.r1cs,
      [
        { r1cs: part.r1cs, bind: BIND[0] },
        { r1cs: part.r1cs, bind: BIND[1] },
      ],
      linked,
    );
    const xL = partX(sL);
    const xR = partX(sR);
    linkWitness(
      await wtns(glue, { xL, xR }, "glue"),
      [
        { wtns: await wtns(part, { x: xL, s: sL }, "partL"), bind: BIND[0] },
        { wtns: await wtns(part, { x: xR, s: sR }, "partR"), bind: BIND[1] },
      ],
      linkedW,
    );
  });

  test("the glue's bound inputs are found by name (.sym): after wire 0 and the public output", () => {
    assert.deepEqual(glueBindings(glue.sym, ["xL", "xR"]), [BIND[0][0], BIND[1][0]]);
    assert.throws(() => glueBindings(glue.sym, ["nope"]), rejects("INVALID_R1CS"));
  });

  test("sizes: the glue's wires, then each part's private wires; all constraints; the glue's public signals", () => {
    const g = readR1csInfo(glue.r1cs);
    const p = readR1csInfo(part.r1cs);
    const l = readR1csInfo(linked);
    assert.equal(g.nPrvIn, 2);
    assert.equal(l.nWires, g.nWires + 2 * (p.nWires - 2));
    assert.equal(l.nConstraints, g.nConstraints + 2 * p.nConstraints);
    assert.equal(l.nPubOut + l.nPubIn, 1);
    assert.equal(readWtns(linkedW).length, l.nWires);
  });

  test("the linked witness satisfies every constraint (our checker and snarkjs wtns check)", async () => {
    assert.deepEqual(checkWitness(loadR1cs(linked), readWtns(linkedW)), []);
    assert.equal(
      await snarkjs.wtns.check(linked, linkedW, { debug() {}, info() {}, warn() {}, error() {} }),
      true,
    );
  });

  test("a Groth16 proof of the linked system verifies; its public signal is the glue's output", async () => {
    const key = await setupCircuit(
      { name: "link-test-linked", r1cs: linked },
      { keysDir: join(work, "keys"), log: () => {} },
    );
    const vk = JSON.parse(readFileSync(key.vkey, "utf8"));
    const { proof, publicSignals } = await snarkjs.groth16.prove(key.zkey, linkedW);
    assert.deepEqual(publicSignals, [String(poseidon([partX(sL), partX(sR)]))]);
    assert.equal(await snarkjs.groth16.verify(vk, publicSignals, proof), true);
    assert.equal(await snarkjs.groth16.verify(vk, [String(poseidon([partX(sR), partX(sL)]))], proof), false);
    // the native prover's proof of the same linked witness: the same public signal, snarkjs accepts it
    if (proverToolchain().ok) {
      const n = await nativeProve(key.zkey, linkedW, { threads: 2 });
      assert.deepEqual(n.publicSignals, publicSignals);
      assert.equal(await snarkjs.groth16.verify(vk, n.publicSignals, n.proof), true);
      assert.equal(
        await snarkjs.groth16.verify(vk, [String(poseidon([partX(sR), partX(sL)]))], n.proof),
        false,
      );
    }
  });

  test("changing a wire of the right part breaks a constraint of the right part", () => {
    const r1cs = loadR1cs(linked);
    const g = readR1csInfo(glue.r1cs);
    const p = readR1csInfo(part.r1cs);
    const w = readWtns(linkedW);
    const at = g.nWires + (p.nWires - 2) + 1; // the right part's second private wire
    w[at] = (w[at]! + 1n) % P;
    const v = checkWitness(r1cs, w);
    assert.ok(v.length > 0);
    for (const { index } of v) assert.ok(index >= g.nConstraints + p.nConstraints, `constraint ${index}`);
    // the glue's wire a part is bound to: breaks the glue's hash and the part's x check
    const w2 = readWtns(linkedW);
    w2[BIND[1][0]] = (w2[BIND[1][0]]! + 1n) % P;
    const v2 = checkWitness(r1cs, w2, 1000).map((x) => x.index);
    assert.ok(v2.some((i) => i < g.nConstraints));
    assert.ok(v2.some((i) => i >= g.nConstraints + p.nConstraints));
  });

  test("a part whose public value is not its glue wire's is refused (WITNESS_MISMATCH)", async () => {
    const other = await wtns(part, { x: partX(5n), s: 5n }, "other");
    assert.throws(
      () =>
        linkWitness(
          join(work, "glue.wtns"),
          [
            { wtns: join(work, "partL.wtns"), bind: BIND[0] },
            { wtns: other, bind: BIND[1] },
          ],
          join(work, "bad.wtns"),
        ),
      (e: unknown) => rejects("WITNESS_MISMATCH")(e) && /part 1/.test((e as Error).message),
    );
  });

  test("bindings must cover each part's public wires and name glue wires other than wire 0", () => {
    const out = join(work, "bad.r1cs");
    for (const bind of [[], [2, 3], [0], [9999]]) {
      assert.throws(
        () => linkR1cs(glue.r1cs, [{ r1cs: part.r1cs, bind }], out),
        rejects("INVALID_R1CS"),
        String(bind),
      );
    }
    writeFileSync(join(work, "junk.r1cs"), "not an r1cs file");
    assert.throws(() => linkR1cs(join(work, "junk.r1cs"), [], out), rejects("INVALID_R1CS"));
  });
});
