import { availableParallelism, totalmem } from "node:os";
import { z } from "zod";
import { connectRedis } from "../dist/redis.ts";
import { startWorker } from "../dist/worker.ts";
import { desError } from "../errors.ts";
import { releaseSnarkjs } from "../setup/index.ts";
import { type Command, intFlag, parseFlags } from "./command.ts";

const Flags = z.object({
  redis: z.string().min(1),
  cores: intFlag(1, 1024).optional(),
  "memory-mib": intFlag(256, 1 << 24).optional(),
  store: z.string().min(1).optional(),
  cache: z.string().min(1).optional(),
  id: z
    .string()
    .regex(/^[A-Za-z0-9._@-]{1,100}$/, "letters, digits and . _ @ - only")
    .optional(),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, _ and - only")
    .default("des"),
});

const help = `usage: des worker --redis URL [--cores N] [--memory-mib M] [--store DIR] [--cache DIR]
                  [--id NAME] [--prefix P]

A prover for distributed block proofs (des prove --redis): takes leaf and node jobs from the
BullMQ queues in Redis whose declared cores and memory fit this worker's, proves them, and
returns the proofs. Proving keys and witness generators are fetched by sha256 from --store DIR
(a directory shared with the coordinator) or over HTTP from the coordinator, checked against
their hash and cached in --cache DIR. A killed worker's job is taken by another worker once its
lock expires; SIGTERM (or Ctrl-C) finishes the jobs held and exits.

  --redis URL       redis://[user:password@]host:port[/db] or rediss:// (TLS)
  --cores N         cores this worker may use (default: all, ${availableParallelism()} here)
  --memory-mib M    memory this worker may use, MiB (default 85% of RAM)
  --store DIR       the coordinator's shared artifact store (des prove --store DIR)
  --cache DIR       where fetched artifacts are kept (default artifacts/worker-cache)
  --id NAME         this worker's name in job logs and faults (default host-pid)
  --prefix P        Redis key prefix of the deployment (default des)

Environment: DES_ARTIFACT_TOKEN, the bearer token of the coordinator's artifact server;
DES_WORKER_LOCK_MS, the BullMQ lock duration (default 30000).

Exit codes: 0 stopped by a signal; 1 Redis unreachable; 2 usage error.`;

export const workerCommand: Command = {
  name: "worker",
  summary: "prove jobs of distributed block proofs from Redis (BullMQ)",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        redis: { type: "string" },
        cores: { type: "string" },
        "memory-mib": { type: "string" },
        store: { type: "string" },
        cache: { type: "string" },
        id: { type: "string" },
        prefix: { type: "string" },
      },
      Flags,
      { min: 0, max: 0, names: "no positional arguments" },
      help,
    );
    if (!parsed) return 0;
    const { flags } = parsed;
    const lockMs = process.env.DES_WORKER_LOCK_MS ? Number(process.env.DES_WORKER_LOCK_MS) : undefined;
    if (lockMs !== undefined && !(Number.isInteger(lockMs) && lockMs >= 1000))
      throw desError(
        "USAGE",
        `DES_WORKER_LOCK_MS must be an integer ≥ 1000, got ${process.env.DES_WORKER_LOCK_MS}`,
      );
    (await connectRedis(flags.redis)).disconnect();
    const w = await startWorker({
      redis: flags.redis,
      cores: flags.cores ?? availableParallelism(),
      memoryMiB: flags["memory-mib"] ?? Math.floor((totalmem() / 2 ** 20) * 0.85),
      store: flags.store,
      cache: flags.cache,
      id: flags.id,
      prefix: flags.prefix,
      token: process.env.DES_ARTIFACT_TOKEN,
      lockMs,
      // test hooks (test/distributed.test.ts): a worker that returns tampered proofs, or works slowly
      tamper: process.env.DES_WORKER_TAMPER?.split(",").filter(Boolean),
      delayMs: process.env.DES_WORKER_DELAY_MS ? Number(process.env.DES_WORKER_DELAY_MS) : undefined,
    });
    await new Promise<void>((resolve) => {
      const stop = (sig: string) => {
        process.stderr.write(`worker ${w.id}: ${sig}: finishing held jobs, then exiting\n`);
        resolve();
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
    await w.stop();
    await releaseSnarkjs();
    process.stderr.write(`worker ${w.id}: stopped after ${w.done} job(s)\n`);
    // every job is finished and every connection closed; handles left by libraries (ffjavascript's
    // curve threads) must not keep a stopped worker alive
    process.exit(0);
  },
};
