/**
 * Native witness generators (src/build/native.ts): circom's C++ output built with g++ and GMP must
 * compute the same witness as the WebAssembly generator, byte for byte (at field boundaries too),
 * and must reject what the circuit rejects, with circom's message, as a typed error. The toolchain
 * (g++, libgmp-dev, nlohmann-json3-dev) is installed by `make native-deps`, which `make test` runs.
 */
import assert from "node:assert/strict";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import * as snarkjs from "snarkjs";
import { readWtns } from "../src/aggregate/link.ts";
import { type CompiledCircuit, compileCircuit } from "../src/build/circom.ts";
import {
  backgroundBuilds,
  buildNativeWitness,
  mainReadsOnlyByCopy,
  nativeToolchain,
  nativeWitness,
  pauseSupport,
  runtimeFr,
  spliceMontgomery,
  startNativeWitnessBuild,
  startPausedWitness,
} from "../src/build/native.ts";
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

/** A reduction input d[11] (FqReduce(43, 6, 11, 97, 516, ·)) from a real verifier witness. */
const REAL_D = [
  "21888242871839275222246405745257275088548364400415807971022356697003987567386",
  "429670749585231526525417158",
  "21888242871839275222246405745257275088548364400415801071212463617726155620697",
  "84705236100557097877123461",
  "1252571297975685486203213053",
  "905505032148639803696368360",
  "834645291513341126035828422",
  "1421821791552501366592878667",
  "418717250492405452055336413",
  "26132316967629008799354968",
  "21888242871839275222246405745257275088548364400416034104671404262165496429867",
].map(BigInt);

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

  test("the runtime multiplies with native/witness/fr_mont.inc (spliced into this circom's fr.cpp)", () => {
    assert.equal(runtimeFr(circuit.cpp!), "fr-des.cpp", "the splice no longer fits circom's fr.cpp");
    const src = readFileSync(join(circuit.cpp!, "fr-des.cpp"), "utf8");
    for (const f of ["Fr_rawMMul(", "Fr_rawMMul1(", "Fr_rawFromMontgomery("]) {
      const at = src.indexOf(`\nvoid ${f}`);
      const fast = src.slice(at, src.indexOf("#else", at));
      assert.ok(
        at >= 0 && fast.includes("{\n#ifdef __SIZEOF_INT128__\n") && fast.includes("des_mont_mul("),
        f,
      );
    }
    assert.equal(
      spliceMontgomery("void Fr_rawMMul(int)\n{\n}\n"),
      undefined,
      "another fr.cpp keeps the portable code",
    );
  });

  test("random field elements (products reduced by the spliced Montgomery code) give WebAssembly's witness", async () => {
    let s = 0x9e3779b97f4a7c15n;
    const next = () => {
      let x = 0n;
      for (let i = 0; i < 4; i++) {
        s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
        x = (x << 64n) | s;
      }
      return x % P;
    };
    for (let k = 0; k < 4; k++) {
      const a = Array.from({ length: N }, () => [next(), next()]);
      const [w, n] = await both(input(a, next() & ((1n << 64n) - 1n)), `random${k}`);
      assert.ok(n.equals(w), `witness files differ (set ${k})`);
    }
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

  test("exact products of normal-form operands (fr_mont.inc): below q, at 2^254 > q (reduced), times a negative short", async () => {
    const pairs: [bigint, bigint][] = [
      [1n << 40n, (1n << 40n) + 1n], // one limb each
      [(1n << 64n) - 1n, (1n << 64n) - 1n],
      [(1n << 100n) + 3n, (1n << 100n) + 5n], // two + two limbs, product < q
      [1n << 127n, 1n << 127n], // two + two limbs, product 2^254 > q: reduced as before
      [(1n << 190n) + 1n, 1n << 62n], // three + one limbs, product < q
      [1n << 191n, 1n << 63n], // three + one limbs, product 2^254 > q
      [P - 1n, 2n ** 33n], // four limbs: the Montgomery path
      [0n, 1n << 70n],
      [1n << 31n, 1n << 31n], // the smallest normal longs
    ];
    const c = await compileCircuit(
      {
        name: "native-mul-probe",
        file: "circuits/test/native.circom",
        template: "MulProbe",
        params: [pairs.length],
      },
      { cpp: true },
    );
    const b = (await buildNativeWitness(c.cpp!, c.name)).bin;
    const inp = { a: pairs.map(([x]) => String(x)), b: pairs.map(([, y]) => String(y)), c: "2" };
    const w = join(work, "mul.wasm.wtns");
    const n = join(work, "mul.native.wtns");
    await snarkjs.wtns.calculate(inp, c.wasm, w);
    await nativeWitness(b, inp, n);
    assert.ok(readFileSync(n).equals(readFileSync(w)), "witness files differ");
    const wires = readWtns(n);
    const M = pairs.length;
    pairs.forEach(([x, y], i) => {
      assert.equal(wires[1 + i], (x * y) % P, `a·b, pair ${i}`);
      assert.equal(wires[1 + M + i], (((-5n * x) % P) + P) % P, `(c − 7)·a, pair ${i}`);
      assert.equal(wires[1 + 2 * M + i], (((-5n * y) % P) + P) % P, `b·(c − 7), pair ${i}`);
    });
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

  test("non-native reduction hints (negative limbs, integer division) agree with WebAssembly", async () => {
    // d: a reduction's input taken from a real verifier witness (the final Fq12 check of a
    // column-tiny proof), its negation, and both with HASR 1 (remainder output) and 0 (≡ 0 proof)
    const neg = REAL_D.map((v) => (v === 0n ? 0n : P - v));
    for (const hasr of [0, 1]) {
      const c = await compileCircuit(
        {
          name: `native-reduce-probe-${hasr}`,
          file: "circuits/test/native.circom",
          template: "ReduceProbe",
          params: [43, 6, 11, 97, 516, hasr],
        },
        { cpp: true },
      );
      const b = (await buildNativeWitness(c.cpp!, c.name)).bin;
      for (const [tag, d] of [
        ["real", REAL_D],
        ["negated", neg],
      ] as const) {
        const inp = { d: d.map(String) };
        const w = join(work, `reduce-${hasr}-${tag}.wasm.wtns`);
        const n = join(work, `reduce-${hasr}-${tag}.native.wtns`);
        await snarkjs.wtns.calculate(inp, c.wasm, w);
        await nativeWitness(b, inp, n);
        assert.ok(readFileSync(n).equals(readFileSync(w)), `HASR ${hasr}, ${tag}: witness files differ`);
      }
    }
  });

  test("slices of a component-array output: limb by limb agrees; circom 2.2.3 miscopies a whole slice", async () => {
    // why groth16_verifier.circom copies st[NS − 1].fOut into fin limb by limb (same constraints)
    const inp = {
      f: [0, 1, 2].map((i) => [0, 1].map((j) => [0, 1, 2].map((l) => String(i * 100 + j * 10 + l + 2)))),
      y: [0, 1, 2, 3, 4, 5].map((j) => [0, 1, 2].map((l) => String(j * 7 + l + 1))),
    };
    const files: Record<string, [Buffer, Buffer]> = {};
    const r1cs: string[] = [];
    for (const slice of [0, 1]) {
      const c = await compileCircuit(
        {
          name: `native-het-probe-${slice}`,
          file: "circuits/test/native.circom",
          template: "HetProbe",
          params: [5, 3, slice],
        },
        { cpp: true },
      );
      r1cs.push(readFileSync(c.r1cs).toString("hex"));
      const b = (await buildNativeWitness(c.cpp!, c.name)).bin;
      const w = join(work, `het-${slice}.wasm.wtns`);
      const n = join(work, `het-${slice}.native.wtns`);
      await snarkjs.wtns.calculate(inp, c.wasm, w);
      await nativeWitness(b, inp, n);
      files[slice] = [readFileSync(w), readFileSync(n)];
    }
    assert.ok(r1cs[0] === r1cs[1], "both forms compile to the same constraint system");
    assert.ok(files[0]![1].equals(files[0]![0]), "limb by limb: native = WebAssembly");
    assert.ok(files[1]![0].equals(files[0]![0]), "WebAssembly computes both forms alike");
    // If this fails, circom's C++ output copies slices right: the limb-by-limb workaround can go.
    assert.ok(!files[1]![1].equals(files[1]![0]), "whole slice: circom 2.2.3's C++ output differs");
  });

  test("a background build: none at first, one builder at a time, then the same witness natively", async () => {
    // a copy of the circuit's C++ sources without its object file and binary: built from scratch
    const dir = join(work, "background_cpp");
    cpSync(circuit.cpp!, dir, { recursive: true });
    const bgBin = join(dir, circuit.name);
    rmSync(bgBin, { force: true });
    rmSync(`${bgBin}.o`, { force: true });
    assert.equal(startNativeWitnessBuild(dir, circuit.name), undefined, "returns at once, before g++");
    assert.ok(existsSync(`${bgBin}.building`), "the builder holds the lock");
    assert.equal(startNativeWitnessBuild(dir, circuit.name), undefined, "no second builder");
    // another generator waits in line: one background build at a time
    const dir2 = join(work, "background2_cpp");
    cpSync(dir, dir2, { recursive: true });
    rmSync(join(dir2, `${circuit.name}.building`), { force: true });
    const bgBin2 = join(dir2, circuit.name);
    assert.equal(startNativeWitnessBuild(dir2, circuit.name), undefined);
    assert.ok(!existsSync(`${bgBin2}.building`), "the second build has not started");
    assert.deepEqual(backgroundBuilds(), { running: 1, waiting: 1 });
    for (let i = 0; i < 600 && (!existsSync(bgBin) || existsSync(`${bgBin}.building`)); i++)
      await new Promise((r) => setTimeout(r, 250));
    for (let i = 0; i < 600 && !existsSync(bgBin2); i++) await new Promise((r) => setTimeout(r, 250));
    assert.ok(existsSync(bgBin2), "the waiting build ran after the first");
    assert.ok(existsSync(bgBin), `no binary after the build: ${readFileSync(`${bgBin}.build.log`, "utf8")}`);
    assert.ok(!existsSync(`${bgBin}.building`), "the lock is released");
    const inp = input(
      [
        [3n, 4n],
        [5n, 6n],
        [7n, 8n],
      ],
      5n,
    );
    const w = join(work, "bg.wasm.wtns");
    const n = join(work, "bg.native.wtns");
    await snarkjs.wtns.calculate(inp, circuit.wasm, w);
    await nativeWitness(bgBin, inp, n);
    assert.ok(readFileSync(n).equals(readFileSync(w)), "background-built generator = WebAssembly");
    assert.equal(startNativeWitnessBuild(dir, circuit.name), bgBin, "built: returned at once");
  });

  test("a cached generator is reused", async () => {
    const again = await buildNativeWitness(circuit.cpp!, circuit.name);
    assert.equal(again.bin, bin);
    assert.equal(again.buildSeconds, 0);
  });
});

describe("two-stage witness (--pause-at, native/witness/main_pause.inc)", () => {
  const PN = 6;
  let probe: CompiledCircuit;
  let pbin: string;
  /** Wires of the probe by name (its .sym file). */
  let wire: (name: string) => number;
  before(async () => {
    probe = await compileCircuit(
      { name: "pause-probe", file: "circuits/test/native.circom", template: "PauseProbe", params: [PN] },
      { cpp: true },
    );
    pbin = (await buildNativeWitness(probe.cpp!, probe.name)).bin;
    const syms = new Map<string, number>();
    for (const line of readFileSync(probe.sym, "utf8").split("\n")) {
      const f = line.split(",");
      if (f[3]) syms.set(f[3], Number(f[1]));
    }
    wire = (name) => {
      const w = syms.get(name);
      assert.ok(w !== undefined && w > 0, `${name} is a wire`);
      return w;
    };
  });
  const pin = (a: bigint, seed: bigint) => ({ a: String(a), seed: String(seed) });

  test("the probe qualifies (its seed is only copied into PauseTail); a read in an expression does not", async () => {
    assert.equal(pauseSupport(pbin, "seed"), true);
    assert.equal(mainReadsOnlyByCopy(probe.cpp!, probe.name, "a"), false, "a is read by the products");
    const expr = await compileCircuit(
      {
        name: "pause-expr-probe",
        file: "circuits/test/native.circom",
        template: "PauseExprProbe",
        params: [],
      },
      { cpp: true },
    );
    assert.equal(mainReadsOnlyByCopy(expr.cpp!, expr.name, "seed"), false, "seed · sq in the main template");
  });

  test("paused at the seed: the partial witness holds the chain, not the tail; resumed: the witness of the resumed seed", async () => {
    const a = 123456789n;
    const placeholder = 5n;
    const seed = P - 7n;
    const p = await startPausedWitness(pbin, pin(a, placeholder), join(work, "staged.wtns"), {
      signal: "seed",
      partial: join(work, "staged.partial.wtns"),
    });
    const partial = readWtns(p.partial);
    await p.resume(seed);
    const staged = readFileSync(join(work, "staged.wtns"));
    // the same witness as one pass with the seed, natively and in WebAssembly
    await nativeWitness(pbin, pin(a, seed), join(work, "one.native.wtns"));
    await snarkjs.wtns.calculate(pin(a, seed), probe.wasm, join(work, "one.wasm.wtns"));
    assert.ok(staged.equals(readFileSync(join(work, "one.native.wtns"))), "= one native pass with the seed");
    assert.ok(staged.equals(readFileSync(join(work, "one.wasm.wtns"))), "= WebAssembly with the seed");
    const full = readWtns(join(work, "staged.wtns"));
    // before the pause: the chain and the bits are final
    for (let i = 0; i < PN; i++) assert.equal(partial[wire(`main.sq[${i}]`)], full[wire(`main.sq[${i}]`)]);
    assert.equal(partial[wire("main.bits.out[0]")], full[wire("main.bits.out[0]")]);
    // after it: the tail was not computed with the placeholder (nor with the seed)
    await nativeWitness(pbin, pin(a, placeholder), join(work, "placeholder.wtns"));
    const withPlaceholder = readWtns(join(work, "placeholder.wtns"));
    const acc = wire(`main.post.acc[${PN - 2}]`);
    assert.notEqual(partial[acc], withPlaceholder[acc], "the tail did not run before the pause");
    assert.notEqual(partial[acc], full[acc]);
    assert.equal(full[wire("main.seed")], seed);
  });

  test("a failed constraint before the pause rejects at the start; a bad value or a stop loses nothing", async () => {
    await assert.rejects(
      startPausedWitness(pbin, pin(1n << 64n, 0n), join(work, "bad.wtns"), {
        signal: "seed",
        partial: join(work, "bad.partial.wtns"),
      }),
      (e) => isDesError(e) && e.code === "WITNESS_FAILED" && /Num2Bits/.test(e.message),
    );
    assert.ok(!existsSync(join(work, "bad.wtns")));
    const p = await startPausedWitness(pbin, pin(3n, 0n), join(work, "ab.wtns"), {
      signal: "seed",
      partial: join(work, "ab.partial.wtns"),
    });
    await assert.rejects(p.resume(P), (e) => isDesError(e) && e.code === "USAGE");
    assert.ok(!existsSync(join(work, "ab.wtns")), "stopped: no witness");
    const q = await startPausedWitness(pbin, pin(3n, 0n), join(work, "ab2.wtns"), {
      signal: "seed",
      partial: join(work, "ab2.partial.wtns"),
    });
    q.abort();
    q.abort();
    assert.ok(!existsSync(join(work, "ab2.wtns")));
    await assert.rejects(
      startPausedWitness(pbin, pin(3n, 0n), join(work, "nx.wtns"), {
        signal: "nonexistent",
        partial: join(work, "nx.partial.wtns"),
      }),
      (e) => isDesError(e) && e.code === "WITNESS_FAILED" && /not a single input/.test(e.message),
    );
  });
});

function wasmFails(inp: Record<string, unknown>): Promise<unknown> {
  return snarkjs.wtns.calculate(inp, circuit.wasm, join(work, "bad.wasm.wtns"));
}
