import { z } from "zod";
import { checkExtends, loadBlockProof, verifyBlockProof } from "../aggregate/blockproof.ts";
import { aggregationBudget } from "../aggregate/prove.ts";
import { type Block, loadBlock } from "../block/schema.ts";
import { loadCrypto } from "../crypto/poseidon.ts";
import { proveDistributed } from "../dist/coordinator.ts";
import { desError } from "../errors.ts";
import { getProfile, PROFILES } from "../profiles.ts";
import { proveBlock } from "../prove/pipeline.ts";
import { chooseKey, trustSetFromFlags } from "../prove/trust.ts";
import { releaseSnarkjs } from "../setup/index.ts";
import { type Command, intFlag, parseFlags, profileFlag, table, toJSON } from "./command.ts";

const Flags = z
  .object({
    workers: intFlag(1, 64).default(2),
    out: z.string().min(1).default("out"),
    profile: profileFlag.default("tiny"),
    retries: intFlag(0, 10).default(2),
    "no-aggregate": z.boolean().default(false),
    "circuits-only": z.boolean().default(false),
    nodes: z.enum(["committed", "plain"]).optional(),
    "memory-mib": intFlag(1024, 1 << 22).optional(),
    "max-columns": intFlag(1, 1 << 16).optional(),
    parent: z.string().min(1).optional(),
    trusted: z.string().min(1).optional(),
    vkey: z.string().min(1).optional(),
    json: z.boolean().default(false),
    redis: z.string().min(1).optional(),
    store: z.string().min(1).optional(),
    serve: z
      .string()
      .regex(/^[A-Za-z0-9.:[\]-]+:\d{1,5}$/, "HOST:PORT")
      .optional(),
    advertise: z.string().url().optional(),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, "letters, digits, _ and - only")
      .default("des"),
  })
  .refine((f) => f.redis !== undefined || (!f.store && !f.serve && !f.advertise), {
    message: "--store, --serve and --advertise belong to a distributed run (--redis URL)",
    path: ["redis"],
  })
  .refine((f) => !(f.redis && f.nodes === "committed"), {
    message: "a distributed run proves plain nodes: --nodes committed is local",
    path: ["nodes"],
  })
  .refine((f) => !(f.redis && f["circuits-only"]), {
    message: "--circuits-only builds circuits on this machine: run it without --redis",
    path: ["circuits-only"],
  })
  .refine((f) => !(f["no-aggregate"] && f["circuits-only"]), {
    message:
      "--circuits-only builds the aggregation's circuits, --no-aggregate skips the aggregation: choose one",
    path: ["circuits-only"],
  });

const help = `usage: des prove <block.json> [--workers N] [--out DIR] [--profile P] [--retries R]
                 [--no-aggregate | --circuits-only] [--nodes committed|plain]
                 [--memory-mib M] [--max-columns K]
                 [--parent FILE [--trusted FILE | --vkey FILE]] [--json]
                 [--redis URL [--store DIR] [--serve HOST:PORT [--advertise URL]] [--prefix P]]

Validates the block, partitions it into execution columns (or checks its inclusion list), executes
it, derives γ from the tree digests, builds every witness, compiles and sets up the circuits of the
profile (cached), and proves every column and state-update chunk in parallel on a pool of N worker
threads: the leaf bundle DIR/leaves.json (format des-block-bundle v2), proofs as they finish in
DIR/proofs/. Then aggregates them: a tree of nodes that verify two child proofs in-circuit each,
proved as soon as their children exist within a memory budget, ending in the block proof
DIR/block.proof.json (one Groth16 proof + header; node proofs in DIR/aggregate/). A rerun reuses
every stored proof. Verification keys go to DIR/vkeys/. The first run for a tree shape compiles and
sets up its node circuits (about 15 minutes per level; cached).

  --workers N       worker threads for leaf proofs and verifier witnesses (default 2)
  --out DIR         output directory (default out)
  --profile P       circuit profile: ${Object.keys(PROFILES).join(", ")} (default tiny; the block's depth must match)
  --retries R       extra attempts for a leaf proof whose worker crashed or timed out (default 2)
  --no-aggregate    stop after the leaf bundle
  --circuits-only   after the leaf bundle, build and set up every node circuit of the block's tree
                    shape (cached for later runs), and prove no node
  --nodes MODE      committed (default where the native prover builds): every node is Groth16 with
                    one commitment over lookup-form verifiers (2^21 nodes), and the block proof is
                    one plain Groth16 proof of the committed root (2^22); plain: every node is plain
                    Groth16 over transcript-form verifiers (2^22 nodes). Either block proof is a
                    plain Groth16 proof of the header hash (docs/aggregation.md)
  --memory-mib M    memory budget of the aggregation's tasks (default 85% of RAM)
  --max-columns K   refuse a block that needs more than K execution columns, before executing or
                    proving it (TOO_MANY_COLUMNS, the builder's fault): a block's proving cost is
                    bounded by its column count (des columns reports it)
  --parent FILE     the previous block's proof: verified first (against this machine's trusted
                    roots, --trusted FILE or --vkey FILE), and the block must extend it: same chain
                    id, parent = its header hash, number + 1, pre-state root = its R1
                    (CHAIN_MISMATCH names the field otherwise)
  --json            print the report as JSON

Distributed (docs/distributed.md): with --redis URL this process is the coordinator; every leaf and
node proof is a BullMQ job (the tree is one flow) taken by \`des worker\` processes on any machine.
Job ids are content hashes, so a rerun (or a restart after a crash) reuses every finished job.
Every returned proof is verified here before it is used; the output files are a local run's.
  --redis URL       redis://[user:password@]host:port[/db] or rediss://; maxmemory-policy must be
                    noeviction (refused otherwise)
  --store DIR       publish proving keys and generators to this shared directory (content-addressed)
  --serve HOST:PORT serve them over HTTP for workers to pull (default 127.0.0.1 on a free port when
                    no --store is given); DES_ARTIFACT_TOKEN sets a bearer token
  --advertise URL   the URL workers reach the server at (default http://HOST:PORT)
  --prefix P        Redis key prefix of the deployment (default des)

Exit codes: 0 proved; 1 invalid block (BLOCK_FAULT names the column and transaction) or prover
fault (PROVER_FAULT; finished proofs are kept); 2 usage error.`;

export const proveCommand: Command = {
  name: "prove",
  summary: "prove a block: column and state-update proofs in parallel → block bundle",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        workers: { type: "string", short: "w" },
        out: { type: "string", short: "o" },
        profile: { type: "string" },
        retries: { type: "string" },
        "no-aggregate": { type: "boolean" },
        "circuits-only": { type: "boolean" },
        nodes: { type: "string" },
        "memory-mib": { type: "string" },
        "max-columns": { type: "string" },
        redis: { type: "string" },
        store: { type: "string" },
        serve: { type: "string" },
        advertise: { type: "string" },
        prefix: { type: "string" },
        parent: { type: "string" },
        trusted: { type: "string" },
        vkey: { type: "string" },
        json: { type: "boolean" },
      },
      Flags,
      { min: 1, max: 1, names: "one block file" },
      help,
    );
    if (!parsed) return 0;
    const { flags, positionals } = parsed;
    await loadCrypto();
    const block = loadBlock(positionals[0]!);
    if (flags.parent === undefined && (flags.trusted || flags.vkey))
      throw desError("USAGE", "--trusted and --vkey choose the keys --parent FILE is verified against");
    const crashOnce = process.env.DES_INJECT_CRASH?.split(",").filter(Boolean);
    try {
      if (flags.parent !== undefined) {
        const parent = loadBlockProof(flags.parent);
        checkExtends(block, parent.header);
        await verifyBlockProof(parent, chooseKey(trustSetFromFlags(flags), parent));
      }
      if (flags.redis !== undefined) return await distributed(block, flags);
      const r = await proveBlock(block, {
        profile: getProfile(flags.profile),
        workers: flags.workers,
        outDir: flags.out,
        retries: flags.retries,
        maxColumns: flags["max-columns"],
        ...(crashOnce ? { crashOnce } : {}),
        aggregate: flags["no-aggregate"]
          ? false
          : {
              circuitsOnly: flags["circuits-only"],
              budget: aggregationBudget(flags["memory-mib"]),
              ...(flags.nodes ? { nodes: flags.nodes } : {}),
            },
      });
      if (flags.json) {
        const u = process.resourceUsage();
        const resources = {
          maxRssMb: Math.round(u.maxRSS / 1024),
          cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6,
        };
        console.log(toJSON({ ...r, resources }));
        return 0;
      }
      console.log(
        table(
          ["proof", "circuit", "constraints", "witness ms", "prove ms", "worker", "attempts"],
          r.proofs.map((p) => [
            p.name,
            p.circuit,
            p.constraints,
            p.witnessMs,
            p.proveMs,
            p.worker,
            p.attempts,
          ]),
        ),
      );
      const a = r.aggregation;
      const built = r.aggregationCircuits;
      if (built)
        console.log(
          table(
            ["circuit", "constraints", "keys", "build s"],
            built.circuits.map((c) => [
              c.name,
              c.constraints,
              c.cached ? "cached" : "built",
              c.buildSeconds.toFixed(0),
            ]),
          ),
        );
      if (a)
        console.log(
          table(
            ["node", "level", "witness s", "prove s", "reused"],
            a.nodes.map((n) => [
              n.name,
              n.level,
              n.witnessSeconds.toFixed(1),
              n.proveSeconds.toFixed(1),
              n.reused ? "yes" : "",
            ]),
          ),
        );
      console.log(
        `wrote ${r.bundle}: ${r.columns} column proofs + ${r.stateUpdates} state-update proofs` +
          (a
            ? `; ${a.blockProof}: block proof over ${a.nodes.length} aggregator nodes (${a.wallSeconds.toFixed(0)} s, circuits ready after ${a.buildSeconds.toFixed(0)} s)`
            : "") +
          (built
            ? `; ${built.circuits.length} aggregation circuits ready (${built.wallSeconds.toFixed(0)} s), no node proved`
            : "") +
          ` in ${(r.wallMs / 1000).toFixed(1)} s${r.development ? " — development setup — not for production" : ""}`,
      );
      return 0;
    } finally {
      await releaseSnarkjs();
    }
  },
};

/** `des prove --redis`: this process coordinates; `des worker` processes prove. */
async function distributed(block: Block, flags: z.infer<typeof Flags>): Promise<number> {
  const serve = flags.serve
    ? (() => {
        const i = flags.serve.lastIndexOf(":");
        return {
          host: flags.serve.slice(0, i).replace(/^\[|\]$/g, ""),
          port: Number(flags.serve.slice(i + 1)),
          ...(flags.advertise ? { advertise: flags.advertise } : {}),
        };
      })()
    : undefined;
  const r = await proveDistributed(block, {
    profile: getProfile(flags.profile),
    workers: flags.workers,
    outDir: flags.out,
    maxColumns: flags["max-columns"],
    redis: flags.redis!,
    prefix: flags.prefix,
    store: flags.store,
    ...(serve ? { serve } : {}),
    attempts: flags.retries + 1,
    aggregate: flags["no-aggregate"] ? false : { budget: aggregationBudget(flags["memory-mib"]) },
  });
  if (flags.json) {
    console.log(toJSON(r));
    return 0;
  }
  console.log(
    table(
      ["job", "level", "worker", "attempts", "witness ms", "prove ms", "reused"],
      r.jobs.map((j) => [
        j.name,
        j.level,
        j.worker,
        j.attempts,
        j.witnessMs,
        j.proveMs,
        j.reused ? "yes" : "",
      ]),
    ),
  );
  const workers = new Set(r.jobs.filter((j) => !j.reused).map((j) => j.worker));
  console.log(
    `wrote ${r.bundle}${r.blockProof ? ` and ${r.blockProof}` : ""}: ${r.jobs.length} jobs ` +
      `(${r.jobs.filter((j) => j.reused).length} reused) by ${workers.size} worker(s) in ${(r.wallMs / 1000).toFixed(1)} s ` +
      `(prepare ${(r.phases.prepareMs / 1000).toFixed(1)} s, jobs ${(r.phases.proveMs / 1000).toFixed(1)} s)` +
      (r.development ? " — development setup — not for production" : ""),
  );
  return 0;
}
