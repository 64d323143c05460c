/**
 * Native witness generators (src/build/native.ts): circom's C++ output built with g++ and GMP must
 * compute the same witness as the WebAssembly generator, byte for byte (at field boundaries too),
 * and must reject what the circuit rejects, with circom's message, as a typed error. The toolchain
 * (g++, libgmp-dev, nlohmann-json3-dev) is installed by `make native-deps`, which `make test` runs.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { readWtns } from "../src/aggregate/link.ts";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import { buildNativeWitness, nativeToolchain, nativeWitness } from "../src/build/native.ts";
import { isDesError } from "../src/errors.ts";
import { releaseSnarkjs } from "../src/setup/index.ts";

const P = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const N = 3;
const work = mkdtempSync(join(tmpdir(), "des-native-"));
let circuit: CompiledCircuit;
let bin: string;

before(async () => {
  circuit = await compileCircuit(
    { name: "native-probe", file: "circuits/test/native.circom", template: "NativeProbe", params: [N] },
    { cpp: true },
  );
  assert.ok(circuit.cpp, "compiled with cpp: the circuit has its C++ sources");
  bin = (await buildNativeWitness(circuit.cpp, circuit.name)).bin;
});

after(async () => {
  await releaseSnarkjs();
  rmSync(work, { recursive: true, force: true });
});

const input = (a: bigint[][], b: bigint) => ({
  a: a.map((row) => row.map(String)),
  b: String(b),
});

async function both(inp: Record<string, unknown>, tag: string): Promise<[Buffer, Buffer]> {
  const w = join(work, `${tag}.wasm.wtns`);
  const n = join(work, `${tag}.native.wtns`);
  await snarkjs.wtns.calculate(inp, circuit.wasm, w);
  await nativeWitness(bin, inp, n);
  return [readFileSync(w), readFileSync(n)];
}

describe("native witness generator", () => {
  test("the toolchain is there (make native-deps)", () => {
    const tc = nativeToolchain();
    assert.ok(tc.ok, tc.reason);
  });

  test("same witness as WebAssembly, byte for byte", async () => {
    const [w, n] = await both(
      input(
        [
          [2n, 3n],
          [5n, 7n],
          [11n, 13n],
        ],
        (1n << 64n) - 1n,
      ),
      "plain",
    );
    assert.equal(n.length, w.length);
    assert.ok(n.equals(w), "witness files differ");
  });

  test("field boundaries: r − 1 and 0 give the same witness as WebAssembly", async () => {
    const [w, n] = await both(
      input(
        [
          [P - 1n, P - 1n],
          [0n, P - 1n],
          [1n, 0n],
        ],
        0n,
      ),
      "boundary",
    );
    assert.ok(n.equals(w), "witness files differ");
    // out = (r−1)² + 0 + 0 + 0 = 1
    assert.equal(readWtns(join(work, "boundary.native.wtns"))[1], 1n);
  });

  test("a failed constraint (b = 2^64 does not fit Num2Bits(64)) is a WITNESS_FAILED error naming the template", async () => {
    await assert.rejects(
      wasmFails(
        input(
          [
            [1n, 1n],
            [1n, 1n],
            [1n, 1n],
          ],
          1n << 64n,
        ),
      ),
    );
    await assert.rejects(
      nativeWitness(
        bin,
        input(
          [
            [1n, 1n],
            [1n, 1n],
            [1n, 1n],
          ],
          1n << 64n,
        ),
        join(work, "bad.wtns"),
      ),
      (e: unknown) => isDesError(e, "WITNESS_FAILED") && /Num2Bits/.test((e as Error).message),
    );
  });

  test("a missing input is refused", async () => {
    await assert.rejects(
      nativeWitness(bin, { a: [["1", "1"]], b: "1" }, join(work, "short.wtns")),
      (e: unknown) => isDesError(e, "WITNESS_FAILED") && /Not enough values/.test((e as Error).message),
    );
  });

  test("a cached generator is reused", async () => {
    const again = await buildNativeWitness(circuit.cpp!, circuit.name);
    assert.equal(again.bin, bin);
    assert.equal(again.buildSeconds, 0);
  });
});

function wasmFails(inp: Record<string, unknown>): Promise<unknown> {
  return snarkjs.wtns.calculate(inp, circuit.wasm, join(work, "bad.wasm.wtns"));
}
