/**
 * `des export-verifier` and src/aggregate/solidity.ts: the exported contract is snarkjs's own,
 * compiles with solc (its JavaScript build), deploys in a real EVM (@ethereumjs/evm, BN254
 * precompiles 0x06/0x07/0x08) and its verifyProof accepts a real Groth16 proof with its one public
 * signal and rejects a tampered proof or signal.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { Common, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM, type EVM } from "@ethereumjs/evm";
import { Account, type Address, bytesToHex, createAddressFromString, hexToBytes } from "@ethereumjs/util";
import * as snarkjs from "snarkjs";
import solc from "solc";
import type { BlockProofJSON } from "../src/aggregate/blockproof.ts";
import {
  encodeVerifyProof,
  formatCalldata,
  proofToCalldata,
  type SolidityCalldata,
  VERIFIER_CONTRACT,
  VERIFY_PROOF_SELECTOR,
  VERIFY_PROOF_SIGNATURE,
  vkeyToSolidity,
  zkeyToSolidity,
} from "../src/aggregate/solidity.ts";
import { compileCircuit } from "../src/build/circom.ts";
import { nativeProve, proverToolchain } from "../src/build/prover.ts";
import { isDesError } from "../src/errors.ts";
import { vkeyHash } from "../src/prove/bundle.ts";
import { releaseSnarkjs, type SetupResult, setupCircuit } from "../src/setup/index.ts";

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), "des-export-verifier-test-"));
const CIRCUIT = "export-verifier-test-glue";
const EVM_VERSION = "cancun";

let key: SetupResult;
let vkey: snarkjs.VerificationKey;
let proof: snarkjs.Groth16Proof;
let nativeProof: snarkjs.Groth16Proof | undefined;
let publicSignal: string;
let source: string;
let evm: EVM;
let caller: Address;
let verifier: Address;
let solcMethods: Record<string, string>;

/** `des …` from the repository root: exit code, stdout, stderr. */
async function des(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run("./bin/des", args, { maxBuffer: 1 << 24 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

function compileSolidity(src: string): { bytecode: string; methods: Record<string, string> } {
  const input = {
    language: "Solidity",
    sources: { "Verifier.sol": { content: src } },
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["evm.bytecode.object", "evm.methodIdentifiers"] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts: Record<
      string,
      Record<string, { evm: { bytecode: { object: string }; methodIdentifiers: Record<string, string> } }>
    >;
  };
  const errors = (out.errors ?? []).filter((e) => e.severity === "error");
  assert.equal(errors.length, 0, errors.map((e) => e.formattedMessage).join("\n"));
  const c = out.contracts["Verifier.sol"]?.[VERIFIER_CONTRACT];
  assert.ok(c, `solc output has no contract ${VERIFIER_CONTRACT}`);
  return { bytecode: c.evm.bytecode.object, methods: c.evm.methodIdentifiers };
}

/** Calls the deployed verifier with raw transaction data. */
async function call(data: string): Promise<{ ok: boolean | "revert"; gas: bigint }> {
  const r = await evm.runCall({
    caller,
    to: verifier,
    data: hexToBytes(data as `0x${string}`),
    gasLimit: 10_000_000n,
  });
  if (r.execResult.exceptionError) return { ok: "revert", gas: r.execResult.executionGasUsed };
  const ret = bytesToHex(r.execResult.returnValue);
  assert.equal(ret.length, 2 + 64, `verifyProof returned ${ret}`);
  return { ok: BigInt(ret) === 1n, gas: r.execResult.executionGasUsed };
}

const verifyProof = (cd: SolidityCalldata) => call(encodeVerifyProof(cd));

/** Intrinsic gas of a transaction carrying `data` (21000 + 16 per non-zero byte, 4 per zero byte). */
function intrinsicGas(data: string): bigint {
  let g = 21_000n;
  for (const b of hexToBytes(data as `0x${string}`)) g += b === 0 ? 4n : 16n;
  return g;
}

const plusOne = (w: string) => `0x${(BigInt(w) + 1n).toString(16).padStart(64, "0")}`;

before(async () => {
  const glue = await compileCircuit({
    name: CIRCUIT,
    file: "circuits/test/link.circom",
    template: "LinkGlue",
    params: [],
  });
  assert.equal(glue.publicSignals, 1, "LinkGlue has exactly one public signal");
  key = await setupCircuit(glue, { keysDir: join(work, "keys"), log: () => {} });
  vkey = JSON.parse(readFileSync(key.vkey, "utf8")) as snarkjs.VerificationKey;
  const wtns = join(work, "glue.wtns");
  await snarkjs.wtns.calculate({ xL: 3, xR: 5 }, glue.wasm, wtns);
  const r = await snarkjs.groth16.prove(key.zkey, wtns);
  assert.equal(r.publicSignals.length, 1);
  proof = r.proof;
  publicSignal = r.publicSignals[0]!;
  assert.ok(await snarkjs.groth16.verify(vkey, [publicSignal], proof), "snarkjs accepts the proof");
  if (proverToolchain().ok) {
    const n = await nativeProve(key.zkey, wtns);
    assert.deepEqual(n.publicSignals, [publicSignal]);
    nativeProof = n.proof;
  }

  source = vkeyToSolidity(vkey);
  const compiled = compileSolidity(source);
  solcMethods = compiled.methods;

  evm = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) });
  caller = createAddressFromString("0x00000000000000000000000000000000000000ee");
  await evm.stateManager.putAccount(caller, new Account(0n, 10n ** 20n));
  const deploy = await evm.runCall({
    caller,
    data: hexToBytes(`0x${compiled.bytecode}`),
    gasLimit: 10_000_000n,
  });
  assert.equal(deploy.execResult.exceptionError, undefined, "deployment succeeds");
  assert.ok(deploy.createdAddress, "deployment creates a contract");
  verifier = deploy.createdAddress;
  const code = await evm.stateManager.getCode(verifier);
  assert.ok(code.length > 0, "the contract has code");
  console.log(
    `deployed ${VERIFIER_CONTRACT}: ${code.length} bytes of code, ${deploy.execResult.executionGasUsed} gas`,
  );
});

after(async () => {
  await releaseSnarkjs();
  rmSync(work, { recursive: true, force: true });
});

describe("the Solidity verifier", () => {
  test("is the contract snarkjs's own exporter writes from the zkey", async () => {
    assert.equal(source, await zkeyToSolidity(key.zkey));
    assert.match(source, /contract Groth16Verifier/);
    assert.match(source, /uint\[1\] calldata _pubSignals/);
  });

  test("verifyProof's selector is the one solc computes", () => {
    assert.equal(solcMethods[VERIFY_PROOF_SIGNATURE], VERIFY_PROOF_SELECTOR);
  });

  test("calldata is formatted as snarkjs's soliditycalldata (b's pairs swapped)", async () => {
    const cd = proofToCalldata(proof, publicSignal);
    assert.equal(formatCalldata(cd), await snarkjs.groth16.exportSolidityCallData(proof, [publicSignal]));
    assert.equal(BigInt(cd.b[0][0]), BigInt(proof.pi_b[0]![1]!));
    assert.equal(BigInt(cd.b[0][1]), BigInt(proof.pi_b[0]![0]!));
    assert.equal(BigInt(cd.input[0]), BigInt(publicSignal));
    assert.equal(encodeVerifyProof(cd).length, 2 + 8 + 9 * 64);
  });

  test("an invalid key is refused (INVALID_VKEY)", () => {
    const bad = {
      ...vkey,
      IC: [
        ["1", "2", "1"],
        ["3; } contract X {", "4", "1"],
      ],
    };
    assert.throws(
      () => vkeyToSolidity(bad),
      (e) => isDesError(e, "INVALID_VKEY"),
    );
    assert.throws(
      () => vkeyToSolidity({ ...vkey, nPublic: 2 }),
      (e) => isDesError(e, "INVALID_VKEY"),
    );
  });
});

describe("verifyProof in the EVM", () => {
  test("accepts a proof of the native prover for the same key", { skip: !proverToolchain().ok }, async () => {
    const r = await call(encodeVerifyProof(proofToCalldata(nativeProof!, publicSignal)));
    assert.equal(r.ok, true);
    const wrong = await call(
      encodeVerifyProof(proofToCalldata(nativeProof!, String(BigInt(publicSignal) + 1n))),
    );
    assert.notEqual(wrong.ok, true);
  });

  test("accepts the valid proof", async () => {
    const cd = proofToCalldata(proof, publicSignal);
    const data = encodeVerifyProof(cd);
    const r = await call(data);
    assert.equal(r.ok, true);
    console.log(
      `verifyProof: ${r.gas} gas of execution, ${r.gas + intrinsicGas(data)} gas as a transaction ` +
        `(+ ${intrinsicGas(data)} intrinsic)`,
    );
  });

  test("rejects a proof with one coordinate changed", async () => {
    const cd = proofToCalldata(proof, publicSignal);
    const tampered: SolidityCalldata[] = [
      { ...cd, a: [plusOne(cd.a[0]), cd.a[1]] },
      { ...cd, b: [cd.b[0], [cd.b[1][0], plusOne(cd.b[1][1])]] },
      { ...cd, c: [cd.c[0], plusOne(cd.c[1])] },
    ];
    for (const t of tampered) assert.notEqual((await verifyProof(t)).ok, true);
  });

  test("rejects a proof with another valid point (A and C swapped)", async () => {
    const cd = proofToCalldata(proof, publicSignal);
    assert.notEqual((await verifyProof({ ...cd, a: cd.c, c: cd.a })).ok, true);
  });

  test("rejects a tampered public signal", async () => {
    const cd = proofToCalldata(proof, publicSignal);
    assert.notEqual((await verifyProof({ ...cd, input: [plusOne(cd.input[0])] })).ok, true);
    assert.notEqual((await verifyProof({ ...cd, input: [`0x${"0".repeat(64)}`] })).ok, true);
    // the signal plus the scalar field's modulus: the same residue, refused by the range check
    const r = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
    const alias = proofToCalldata(proof, BigInt(publicSignal) + r);
    assert.equal((await verifyProof(alias)).ok, false);
  });
});

describe("des export-verifier", () => {
  test("--vkey FILE --out FILE writes the contract", async () => {
    const out = join(work, "cli", "Verifier.sol");
    const r = await des("export-verifier", "--vkey", key.vkey, "--out", out);
    assert.equal(r.code, 0, r.stderr);
    const sol = readFileSync(out, "utf8");
    assert.match(sol, /function verifyProof\(/);
    assert.equal(sol, source);
  });

  test("without --out the contract goes to standard output", async () => {
    const r = await des("export-verifier", "--vkey", key.vkey);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, source);
  });

  test("a missing file exits 1 (FILE_NOT_FOUND)", async () => {
    const r = await des("export-verifier", "--vkey", join(work, "nope.json"));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /FILE_NOT_FOUND/);
    const r2 = await des("export-verifier", join(work, "nope.proof.json"));
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /FILE_NOT_FOUND/);
  });

  test("usage errors exit 2", async () => {
    for (const args of [
      ["--bogus"],
      [],
      ["--vkey"],
      ["a.json", "b.json"],
      ["--vkey", key.vkey, "--calldata", "x"],
    ]) {
      const r = await des("export-verifier", ...args);
      assert.equal(r.code, 2, `des export-verifier ${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, /USAGE/);
    }
  });

  describe("with a block proof", () => {
    let bpFile: string;
    let vkeysDir: string;
    before(() => {
      const bp: BlockProofJSON = {
        format: "des-block-proof",
        version: 2,
        development: true,
        notice: "test",
        header: {
          version: "2",
          chainId: "1",
          number: "7",
          parent: "0",
          r0: "1",
          r1: "2",
          txCommitment: "3",
          txCount: "4",
        },
        circuit: CIRCUIT,
        vkeyHash: vkeyHash(vkey),
        publicSignal,
        proof: proof as BlockProofJSON["proof"],
      };
      bpFile = join(work, "block.proof.json");
      writeFileSync(bpFile, JSON.stringify(bp));
      vkeysDir = join(work, "vkeys");
      mkdirSync(vkeysDir, { recursive: true });
      writeFileSync(join(vkeysDir, `${CIRCUIT}.json`), JSON.stringify(vkey));
    });

    test("writes the contract and the calldata, which verifies in the EVM", async () => {
      const out = join(work, "bp", "Verifier.sol");
      const cdFile = join(work, "bp", "calldata.json");
      const r = await des(
        "export-verifier",
        bpFile,
        "--vkey",
        join(vkeysDir, `${CIRCUIT}.json`),
        "--out",
        out,
        "--calldata",
        cdFile,
      );
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(out, "utf8"), source);
      const cd = JSON.parse(readFileSync(cdFile, "utf8")) as SolidityCalldata & { data: string };
      assert.deepEqual({ a: cd.a, b: cd.b, c: cd.c, input: cd.input }, proofToCalldata(proof, publicSignal));
      assert.equal((await call(cd.data)).ok, true);
    });

    test("prints the calldata after a contract written with --out", async () => {
      const manifest = join(work, "trusted.json");
      writeFileSync(
        manifest,
        JSON.stringify({
          format: "des-trusted-keys",
          version: 1,
          keys: [{ circuit: CIRCUIT, sha256: vkeyHash(vkey), development: true, vkey }],
        }),
      );
      const r = await des("export-verifier", bpFile, "--trusted", manifest, "--out", join(work, "bp2.sol"));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.trim(), await snarkjs.groth16.exportSolidityCallData(proof, [publicSignal]));
    });

    test("a key other than the one the proof names exits 1 (VERIFICATION_FAILED)", async () => {
      const other = { ...vkey, IC: (vkey.IC as string[][]).slice().reverse() };
      const f = join(work, "other-vkey.json");
      writeFileSync(f, JSON.stringify(other));
      const r = await des("export-verifier", bpFile, "--vkey", f);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /VERIFICATION_FAILED/);
    });

    test("a key the proof names, given with --vkey, is accepted", async () => {
      const r = await des("export-verifier", bpFile, "--vkey", key.vkey, "--out", join(work, "bp3.sol"));
      assert.equal(r.code, 0, r.stderr);
    });
  });
});

/**
 * The real block proof of `make prove` in the EVM (opt-in: DES_BLOCK_PROOF=out/block.proof.json,
 * keys from DES_VKEYS, default the proof's directory's vkeys/; `make prove-evm` sets both): its
 * root key's contract accepts it and rejects it with the public signal changed.
 */
const BLOCK_PROOF = process.env.DES_BLOCK_PROOF;
describe("the block proof of make prove in the EVM", { skip: !BLOCK_PROOF && "set DES_BLOCK_PROOF" }, () => {
  test("its root key's contract accepts it; a changed header hash is rejected", async () => {
    const bp = JSON.parse(readFileSync(BLOCK_PROOF!, "utf8")) as BlockProofJSON;
    const dir = process.env.DES_VKEYS ?? join(BLOCK_PROOF!, "..", "vkeys");
    const vk = JSON.parse(readFileSync(join(dir, `${bp.circuit}.json`), "utf8"));
    assert.equal(vkeyHash(vk), bp.vkeyHash);
    const compiled = compileSolidity(vkeyToSolidity(vk));
    const chain = await createEVM({ common: new Common({ chain: Mainnet, hardfork: Hardfork.Cancun }) });
    const from = createAddressFromString("0x00000000000000000000000000000000000000ef");
    await chain.stateManager.putAccount(from, new Account(0n, 10n ** 20n));
    const deploy = await chain.runCall({
      caller: from,
      data: hexToBytes(`0x${compiled.bytecode}`),
      gasLimit: 10_000_000n,
    });
    assert.equal(deploy.execResult.exceptionError, undefined);
    const callWith = async (cd: SolidityCalldata) => {
      const r = await chain.runCall({
        caller: from,
        to: deploy.createdAddress!,
        data: hexToBytes(encodeVerifyProof(cd) as `0x${string}`),
        gasLimit: 10_000_000n,
      });
      return {
        ok: !r.execResult.exceptionError && BigInt(bytesToHex(r.execResult.returnValue)) === 1n,
        gas: r.execResult.executionGasUsed,
      };
    };
    const cd = proofToCalldata(bp.proof, bp.publicSignal);
    const good = await callWith(cd);
    assert.equal(good.ok, true);
    console.log(`block proof ${bp.circuit}: verifyProof ${good.gas} gas of execution`);
    assert.equal((await callWith({ ...cd, input: [plusOne(cd.input[0])] })).ok, false);
  });
});
