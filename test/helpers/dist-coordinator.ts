/**
 * The coordinator of test/distributed.test.ts as its own process (so that a test can kill it):
 * `des prove --redis` with the stand-in child verifier of the aggregation tests (node keys in the
 * test's own key directory). Args: BLOCK OUT REDIS KEYS_DIR [PREFIX]. Prints the report as JSON on
 * stdout; a DesError exits 1 with its code and details as JSON on stderr.
 */
import { standInBackend } from "../../src/aggregate/standin.ts";
import { loadBlock } from "../../src/block/schema.ts";
import { loadCrypto } from "../../src/crypto/poseidon.ts";
import { proveDistributed } from "../../src/dist/coordinator.ts";
import { isDesError } from "../../src/errors.ts";
import { Budget } from "../../src/pool/budget.ts";
import { getProfile } from "../../src/profiles.ts";
import { releaseSnarkjs } from "../../src/setup/index.ts";

const [blockFile, out, redis, keysDir, prefix] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string?,
];
await loadCrypto();
try {
  const r = await proveDistributed(loadBlock(blockFile), {
    profile: getProfile("tiny"),
    workers: 1,
    outDir: out,
    redis,
    prefix: prefix ?? "des",
    attempts: 2,
    pollMs: 200,
    aggregate: {
      backend: standInBackend(100),
      budget: new Budget({ memoryMiB: 2000, cores: 2 }),
      provePeakMiB: 150,
      buildPeakMiB: 100,
      setup: { keysDir },
    },
  });
  process.stdout.write(`${JSON.stringify(r)}\n`);
  await releaseSnarkjs();
  process.exit(0);
} catch (e) {
  if (isDesError(e)) {
    process.stderr.write(`${JSON.stringify({ code: e.code, message: e.message, details: e.details })}\n`);
    await releaseSnarkjs();
    process.exit(1);
  }
  throw e;
}
