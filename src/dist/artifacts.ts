/**
 * Content-addressed artifacts for the distributed runner. Proving keys (GBs), WebAssembly witness
 * generators and native generators never travel through Redis: a job names each file it needs by
 * sha256, and a worker gets it from a shared directory (the deployment's shared volume, `--store`)
 * or pulls it once over HTTP from the coordinator (`des prove --serve`), checks its hash, and keeps
 * it in its cache. A file whose bytes do not hash to the name it was asked by is never used.
 *
 * A group is files that must sit side by side under their own names: a WebAssembly generator and
 * its witness_calculator.js, a native generator and its .dat. A worker materialises a group as one
 * directory of its cache, named by the hash of the group's list.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { basename, join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { z } from "zod";
import { desError } from "../errors.ts";

export const ArtifactFile = z.object({
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9._-]+$/, "a plain file name"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().nonnegative(),
  exec: z.boolean().optional(),
});
export type ArtifactFile = z.infer<typeof ArtifactFile>;

export const ArtifactGroup = z.object({ files: z.array(ArtifactFile).min(1).max(16) });
export type ArtifactGroup = z.infer<typeof ArtifactGroup>;

/** sha256 of a file, streamed; remembered in `<file>.sha256` while its size and mtime are unchanged. */
export async function fileSha256(file: string): Promise<string> {
  const st = statSync(file);
  const sidecar = `${file}.sha256`;
  try {
    const s = JSON.parse(readFileSync(sidecar, "utf8")) as { size: number; mtimeMs: number; sha256: string };
    if (s.size === st.size && s.mtimeMs === st.mtimeMs && /^[0-9a-f]{64}$/.test(s.sha256)) return s.sha256;
  } catch {
    // none yet
  }
  const h = createHash("sha256");
  await pipeline(createReadStream(file), h);
  const sha256 = h.digest("hex");
  try {
    writeFileSync(sidecar, JSON.stringify({ size: st.size, mtimeMs: st.mtimeMs, sha256 }));
  } catch {
    // a read-only directory: hash again next time
  }
  return sha256;
}

/** The group's own hash: its directory name in a worker's cache. */
export function groupHash(g: ArtifactGroup): string {
  const files = [...g.files].sort((a, b) => a.name.localeCompare(b.name));
  return createHash("sha256")
    .update(JSON.stringify(files.map((f) => [f.name, f.sha256, f.exec === true])))
    .digest("hex")
    .slice(0, 32);
}

/** The coordinator's side: which local file has which hash (what it serves and publishes). */
export class ArtifactIndex {
  private readonly byHash = new Map<string, string>();

  /** A group of local files (each under its own base name). */
  async group(files: readonly (string | { path: string; exec?: boolean })[]): Promise<ArtifactGroup> {
    const out: ArtifactFile[] = [];
    for (const f of files) {
      const path = typeof f === "string" ? f : f.path;
      const sha256 = await fileSha256(path);
      this.byHash.set(sha256, path);
      out.push({
        name: basename(path),
        sha256,
        size: statSync(path).size,
        ...(typeof f !== "string" && f.exec ? { exec: true } : {}),
      });
    }
    return { files: out };
  }

  path(sha256: string): string | undefined {
    return this.byHash.get(sha256);
  }

  get size(): number {
    return this.byHash.size;
  }

  /** Copies (hard-links where it can) every indexed file into a shared store as `<dir>/<sha256>`. */
  publish(dir: string): number {
    mkdirSync(dir, { recursive: true });
    let n = 0;
    for (const [sha, path] of this.byHash) {
      const dest = join(dir, sha);
      if (existsSync(dest)) continue;
      placeFile(path, dest);
      n++;
    }
    return n;
  }
}

/** Hard-links `src` to `dest` (same file system) or copies it, through a temporary name. */
function placeFile(src: string, dest: string): void {
  const tmp = `${dest}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  try {
    linkSync(src, tmp);
  } catch {
    copyFileSync(src, tmp);
  }
  renameSync(tmp, dest);
}

export interface ArtifactServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the index's files at GET /artifact/<sha256> (and nothing else). With a token, a request
 * must carry `Authorization: Bearer <token>`. Binds to `host` (loopback by default).
 */
export function serveArtifacts(
  index: ArtifactIndex,
  opts: { host?: string; port?: number; token?: string; advertise?: string } = {},
): Promise<ArtifactServer> {
  const token = opts.token ? Buffer.from(`Bearer ${opts.token}`) : undefined;
  const server: Server = createServer((req, res) => {
    const m = /^\/artifact\/([0-9a-f]{64})$/.exec(req.url ?? "");
    if (req.method !== "GET" || !m) {
      res.writeHead(404).end();
      return;
    }
    if (token) {
      const got = Buffer.from(req.headers.authorization ?? "");
      if (got.length !== token.length || !timingSafeEqual(got, token)) {
        res.writeHead(401).end();
        return;
      }
    }
    const path = index.path(m[1]!);
    if (!path || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": statSync(path).size });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      const host = opts.advertise ?? `http://${opts.host ?? "127.0.0.1"}:${port}`;
      resolve({
        url: host,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

/** Where a worker gets artifacts: a shared store directory, the coordinator's HTTP server, or both. */
export interface ArtifactSources {
  store?: string;
  url?: string;
  token?: string;
}

/** A worker's cache: files by hash, groups as directories; every file checked against its hash. */
export class ArtifactCache {
  private readonly pending = new Map<string, Promise<string>>();
  private readonly blobs = new Map<string, Promise<string>>();
  fetched = 0;
  constructor(
    readonly dir: string,
    private readonly sources: () => ArtifactSources,
    /** How long an unreachable coordinator is waited for, ms. */
    private readonly waitMs = 120_000,
  ) {}

  /** The group's directory, with every file in place (fetched and checked on first use). */
  materialize(g: ArtifactGroup): Promise<string> {
    const h = groupHash(g);
    let p = this.pending.get(h);
    if (!p) {
      p = this.build(g, h);
      this.pending.set(h, p);
      p.catch(() => this.pending.delete(h));
    }
    return p;
  }

  /** The path of one file of a materialised group. */
  async file(g: ArtifactGroup, name?: string): Promise<string> {
    const dir = await this.materialize(g);
    return join(dir, name ?? g.files[0]!.name);
  }

  private async build(g: ArtifactGroup, h: string): Promise<string> {
    const dir = join(this.dir, "groups", h);
    const done = join(dir, ".complete");
    if (existsSync(done)) return dir;
    mkdirSync(dir, { recursive: true });
    for (const f of g.files) {
      const blob = await this.blob(f);
      const dest = join(dir, f.name);
      if (!existsSync(dest)) placeFile(blob, dest);
      if (f.exec) chmodSync(dest, 0o755);
    }
    writeFileSync(done, "");
    return dir;
  }

  /** One fetch per file at a time (groups share files: witness_calculator.js is the same in all). */
  private blob(f: ArtifactFile): Promise<string> {
    let p = this.blobs.get(f.sha256);
    if (!p) {
      p = this.fetchBlob(f);
      this.blobs.set(f.sha256, p);
      p.catch(() => this.blobs.delete(f.sha256));
    }
    return p;
  }

  private async fetchBlob(f: ArtifactFile): Promise<string> {
    const blobs = join(this.dir, "blobs");
    mkdirSync(blobs, { recursive: true });
    const dest = join(blobs, f.sha256);
    if (existsSync(dest)) return dest;
    const tmp = `${dest}.part-${process.pid}`;
    try {
      // a coordinator that is restarting (its server down, its new URL not yet in Redis): retried
      // with back-off for up to waitMs, reading the sources again each time
      const deadline = Date.now() + this.waitMs;
      for (let delay = 250; ; delay = Math.min(2 * delay, 5_000)) {
        try {
          const got = await this.fetchOnce(f, tmp);
          if (got !== f.sha256)
            throw desError(
              "PROVER_FAULT",
              `artifact ${f.name}: its bytes hash to ${got}, not ${f.sha256}: refused`,
            );
          renameSync(tmp, dest);
          return dest;
        } catch (e) {
          const network = e instanceof TypeError; // fetch's "fetch failed": refused, reset, unreachable
          if (!network || Date.now() + delay > deadline) throw e;
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  /** One try: the store's copy, else the coordinator's; returns the sha256 of what was written. */
  private async fetchOnce(f: ArtifactFile, tmp: string): Promise<string> {
    const src = this.sources();
    const fromStore = src.store ? join(src.store, f.sha256) : undefined;
    if (fromStore && existsSync(fromStore)) return hashCopy(createReadStream(fromStore), tmp);
    if (!src.url)
      throw desError(
        "PROVER_FAULT",
        `artifact ${f.name} (${f.sha256.slice(0, 12)}) is in no store this worker can reach (give --store DIR, or run the coordinator with --serve)`,
      );
    const res = await fetch(`${src.url}/artifact/${f.sha256}`, {
      headers: src.token ? { authorization: `Bearer ${src.token}` } : {},
    });
    if (!res.ok || !res.body)
      throw desError(
        "PROVER_FAULT",
        `artifact ${f.name} (${f.sha256.slice(0, 12)}): HTTP ${res.status} from ${src.url}`,
      );
    const got = await hashCopy(Readable.fromWeb(res.body as never), tmp);
    this.fetched++;
    return got;
  }
}

/** Streams into `out` while hashing; returns the sha256 of what was written. */
async function hashCopy(src: Readable, out: string): Promise<string> {
  const h = createHash("sha256");
  const tap = new Transform({
    transform(chunk, _enc, cb) {
      h.update(chunk);
      cb(null, chunk);
    },
  });
  await pipeline(src, tap, createWriteStream(out));
  return h.digest("hex");
}
