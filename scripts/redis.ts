/**
 * `make redis`: a redis-server on 127.0.0.1 (noeviction, no persistence) in a temporary directory,
 * until Ctrl-C or SIGTERM. Usage: scripts/redis.ts [--port N] (default 6379).
 */
import { parseArgs } from "node:util";
import { startRedisServer } from "../src/dist/redis.ts";

const { values } = parseArgs({ options: { port: { type: "string", default: "6379" } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`make redis: REDIS_PORT must be a TCP port, got ${values.port}`);
  process.exit(2);
}
const s = await startRedisServer({ port });
console.log(`redis-server on ${s.url} (maxmemory-policy noeviction, no persistence); Ctrl-C stops it`);
const stop = () => void s.stop().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
