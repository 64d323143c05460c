#!/usr/bin/env node
/*
 * Runs circom2 (circom compiled to WebAssembly, from npm) like its cli.js, with one fix: its WASI
 * shim receives the module's i32 arguments as signed JavaScript numbers, so once the compiler's
 * memory grows past 2 GiB every pointer above 2^31 arrives negative and the first file operation
 * fails ("Start offset -2082435472 is outside the bounds of the buffer"; seen compiling the
 * Groth16 verifier). WASI preview 1 has no signed i32 parameters (pointers, lengths, descriptors,
 * flags; offsets and timestamps are i64, i.e. BigInt), so every number argument is reinterpreted
 * as unsigned (x >>> 0) before the shim sees it. With that the compiler can use its full 4 GiB.
 */
const fs = require("node:fs");
const path = require("node:path");
const { CircomRunner, bindings } = require("circom2/index.js");

function preopensFull() {
  const preopens = {};
  let cwd = process.cwd();
  for (;;) {
    const seg = path.relative(process.cwd(), cwd) || ".";
    preopens[seg] = seg;
    const next = path.dirname(cwd);
    if (next === cwd) break;
    cwd = next;
  }
  return preopens;
}

async function main() {
  const args = process.argv.slice(2).map((k) => (k.startsWith("-") ? k : path.relative(process.cwd(), k)));
  const circom = new CircomRunner({
    args,
    env: process.env,
    preopens: preopensFull(),
    bindings: {
      ...bindings,
      exit(code) {
        process.exit(code);
      },
      kill(signal) {
        process.kill(process.pid, signal);
      },
      fs,
    },
  });
  const imports = circom.wasi.wasiImport;
  for (const key of Object.keys(imports)) {
    const f = imports[key];
    imports[key] = (...a) => f(...a.map((x) => (typeof x === "number" ? x >>> 0 : x)));
  }
  await circom.execute(fs.readFileSync(require.resolve("circom2/circom.wasm")));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
