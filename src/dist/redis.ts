/**
 * Redis for the distributed runner: connections as BullMQ needs them, the eviction-policy check,
 * and a real `redis-server` on loopback in a temporary directory (tests, `make redis`,
 * `make prove-distributed`).
 *
 * BullMQ keeps every job, its dependencies and its results in Redis: a key evicted under memory
 * pressure is a job lost mid-proof, so the coordinator refuses any `maxmemory-policy` other than
 * `noeviction` (BullMQ's own requirement).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis, type RedisOptions } from "ioredis";
import { desError } from "../errors.ts";

/**
 * An ioredis connection for a `redis://` or `rediss://` URL (password, user, database and TLS come
 * from the URL, as for any Redis client). BullMQ's workers block on Redis, so retries per request
 * are unlimited; a lost connection is retried with a capped back-off.
 */
export function redisConnection(url: string, extra: RedisOptions = {}): Redis {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw desError("USAGE", `--redis ${url}: not a URL (redis://[user:password@]host:port[/db])`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:")
    throw desError("USAGE", `--redis ${url}: the URL's scheme must be redis:// or rediss://`);
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * times, 5_000),
    lazyConnect: false,
    ...extra,
  });
}

/**
 * Checks that Redis answers at `url` (a named error within `timeoutMs` otherwise, for a clear
 * message on a wrong URL or a server that is down), then returns a long-lived connection that
 * reconnects on its own.
 */
export async function connectRedis(url: string, timeoutMs = 10_000): Promise<Redis> {
  const probe = redisConnection(url, { retryStrategy: () => null });
  let lastError: Error | undefined;
  probe.on("error", (e) => {
    lastError = e;
  });
  try {
    await Promise.race([
      probe.ping(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
  } catch (e) {
    throw desError(
      "REDIS_UNREACHABLE",
      `cannot reach Redis at ${redactUrl(url)}: ${(lastError ?? (e as Error)).message}`,
    );
  } finally {
    probe.disconnect();
  }
  return redisConnection(url);
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** Refuses a Redis whose `maxmemory-policy` may evict keys (BullMQ's jobs would vanish). */
export async function checkEvictionPolicy(redis: Redis): Promise<void> {
  const info = await redis.info("memory");
  const policy = /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
  if (policy !== "noeviction")
    throw desError(
      "UNSAFE_REDIS",
      `Redis runs with maxmemory-policy ${policy ?? "(unknown)"}: BullMQ needs noeviction, or jobs are lost when ` +
        "Redis evicts their keys (set `maxmemory-policy noeviction` in redis.conf or with CONFIG SET)",
      { policy },
    );
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Whether Debian's redis-server is on PATH. */
export function redisServerAvailable(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** A free loopback TCP port (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `redis-server` on 127.0.0.1 with no persistence in a fresh temporary directory, and
 * resolves once it answers PING. `policy` sets maxmemory-policy (tests start one with an eviction
 * policy to see it refused).
 */
export async function startRedisServer(opts: { port?: number; policy?: string } = {}): Promise<RedisServer> {
  if (!redisServerAvailable())
    throw desError(
      "USAGE",
      "redis-server is not installed (make native-deps installs Debian's redis-server)",
    );
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "des-redis-"));
  const child: ChildProcess = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--protected-mode",
      "yes",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--maxmemory-policy",
      opts.policy ?? "noeviction",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const url = `redis://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr.trim()}`);
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on("error", () => {}); // refused until the server listens
    try {
      await r.connect();
      await r.ping();
      r.disconnect();
      break;
    } catch {
      r.disconnect();
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`redis-server did not answer on ${url}: ${stderr.trim()}`);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
