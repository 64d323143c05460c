/**
 * Groth16 trusted setup for compiled circuits, cached under
 * `artifacts/keys/<circuit-name>-<hash>/` where the hash covers the r1cs bytes and the setup
 * parameters (mode, ptau contents). Each key directory holds:
 *   <name>.zkey             proving key (snarkjs format)
 *   verification_key.json   as `snarkjs zkey export verificationkey` writes it
 *   setup.json              mode, `development` flag and notice, sizes, sha256 of the zkey, timings
 *   ck/                     with `commitment`: the commitment key (src/commit/key.ts); the
 *                           verification key then carries [σ]₂ as `sigma_2` (src/commit/verify.ts)
 *
 * Development mode (default) is a single-party setup (src/setup/devsetup.ts): fast, but whoever ran
 * it could forge proofs. Ceremony mode uses a real powers-of-tau file with snarkjs's own path.
 */

import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import * as snarkjs from "snarkjs";
import { ARTIFACTS } from "../build/circom.ts";
import { resolveNativeProver } from "../build/prover.ts";
import { type CommitmentKey, readCommitmentKey } from "../commit/key.ts";
import { committedVkey } from "../commit/verify.ts";
import { desError, isDesError } from "../errors.ts";
import { ceremonySetup } from "./ceremony.ts";
import { DEV_NOTICE, devSetup, domainPower, readR1csInfo } from "./devsetup.ts";
import type { ProgressFn } from "./progress.ts";
import { sha256File, validateZkey } from "./validate.ts";

export { DEV_NOTICE } from "./devsetup.ts";
export type { Progress, ProgressFn } from "./progress.ts";
export { progressReporter } from "./progress.ts";
export { type ValidateOptions, validateZkey, type ZkeyInfo } from "./validate.ts";

/** Bumped when the key format or derivation changes, so old cached keys are rebuilt. */
const SETUP_VERSION = "des-setup-1";

export type SetupMode = "dev" | "ceremony";

export interface SetupOptions {
  /** "dev" (default) or "ceremony" (needs `ptau`). */
  mode?: SetupMode;
  /** Prepared powers-of-tau file for ceremony mode. */
  ptau?: string;
  progress?: ProgressFn;
  /** Rebuild even when a valid cached key exists. */
  force?: boolean;
  /** Root of the key cache (default: artifacts/keys). */
  keysDir?: string;
  /** Worker threads for dev mode (default: available parallelism). */
  threads?: number;
  /** Receives notices (default: stderr). */
  log?: (line: string) => void;
  /**
   * Receives the verification key (as verification_key.json holds it) as soon as it is known: a
   * development setup's before its proving-key sections (devsetup.ts, onVerificationKey), which a
   * caller can use to start work that needs only the key (the next aggregation level's verifier
   * compile); otherwise when the key is built or found cached. Called once; the finished key must
   * equal it (SETUP_FAILED otherwise).
   */
  onVkey?: (vkey: unknown) => void;
  /**
   * Groth16 with one commitment over the private wires `wires` (src/commit/; development mode
   * only): the key directory gets the commitment key in ck/, and verification_key.json [σ]₂. The
   * wires are part of the cache key.
   */
  commitment?: { wires: readonly number[] };
}

export interface SetupResult {
  name: string;
  /** Paths of the proving key, verification key and key directory. */
  zkey: string;
  vkey: string;
  /** setup.json: mode, development flag, sizes, sha256 of the zkey. */
  meta: string;
  dir: string;
  hash: string;
  /** Seconds this call spent (0-ish on a cache hit). */
  seconds: number;
  /** Seconds the key took when it was built. */
  buildSeconds: number;
  dev: boolean;
  cached: boolean;
  /** The commitment key's directory (setups with `commitment`). */
  commitment?: string;
}

/** What a circuit needs for setup; CompiledCircuit from src/build/circom.ts fits. */
export interface SetupInput {
  name: string;
  r1cs: string;
}

export interface SetupMeta {
  version: string;
  name: string;
  hash: string;
  mode: SetupMode;
  development: boolean;
  notice: string | null;
  r1csSha256: string;
  ptauSha256: string | null;
  nConstraints: number;
  nVars: number;
  nPublic: number;
  domainSize: number;
  zkeyBytes: number;
  zkeySha256: string;
  seconds: number;
  timings: Record<string, number>;
  createdAt: string;
}

const hashCache = new Map<string, string>();
function fileSha256(file: string): string {
  const key = `${file}\0${readFileMtime(file)}`;
  let h = hashCache.get(key);
  if (!h) {
    h = sha256File(file);
    hashCache.set(key, h);
  }
  return h;
}
function readFileMtime(file: string): string {
  const st = statSync(file);
  return `${st.size}:${st.mtimeMs}`;
}

/** The cache key of a circuit's keys: r1cs bytes + setup parameters. */
export function setupHash(
  r1cs: string,
  mode: SetupMode,
  ptau?: string,
  commitment?: readonly number[],
): { hash: string; r1csSha256: string; ptauSha256: string | null } {
  const r1csSha256 = fileSha256(r1cs);
  const ptauSha256 = mode === "ceremony" && ptau ? fileSha256(ptau) : null;
  const cm = commitment
    ? { commitment: createHash("sha256").update(commitment.join(",")).digest("hex") }
    : {};
  const hash = createHash("sha256")
    .update(JSON.stringify({ v: SETUP_VERSION, r1cs: r1csSha256, mode, ptau: ptauSha256, ...cm }))
    .digest("hex")
    .slice(0, 16);
  return { hash, r1csSha256, ptauSha256 };
}

/** Stops the worker threads snarkjs keeps for its curve (call once at the end of a CLI command). */
export async function releaseSnarkjs(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  if (g.curve_bn128) await g.curve_bn128.terminate();
}

/** Sets up one circuit (or reuses its cached keys). */
export async function setupCircuit(circuit: SetupInput, opts: SetupOptions = {}): Promise<SetupResult> {
  const t0 = performance.now();
  const mode = opts.mode ?? (opts.ptau ? "ceremony" : "dev");
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  if (mode === "ceremony" && !opts.ptau)
    throw desError("USAGE", "ceremony mode needs a powers-of-tau file (--ptau FILE)");
  if (!existsSync(circuit.r1cs))
    throw desError("FILE_NOT_FOUND", `${circuit.r1cs}: no such r1cs file`, { file: circuit.r1cs });
  if (opts.ptau && !existsSync(opts.ptau))
    throw desError("FILE_NOT_FOUND", `${opts.ptau}: no such powers-of-tau file`, { file: opts.ptau });
  if (opts.commitment && mode !== "dev")
    throw desError(
      "USAGE",
      `${circuit.name}: a key with a commitment (a committed aggregation node) has a development setup only; prove with --nodes plain for ceremony keys`,
    );
  const { hash, r1csSha256, ptauSha256 } = setupHash(circuit.r1cs, mode, opts.ptau, opts.commitment?.wires);
  const root = opts.keysDir ?? join(ARTIFACTS, "keys");
  // The keys depend on the r1cs bytes and the mode only: a circuit renamed (a node whose parts got
  // new compile hashes but link to the same r1cs) reuses the keys set up under its old name.
  const own = join(root, `${circuit.name}-${hash}`);
  const sameContent =
    opts.force || existsSync(join(own, "setup.json")) || !existsSync(root)
      ? undefined
      : readdirSync(root).find((d) => d.endsWith(`-${hash}`) && existsSync(join(root, d, "setup.json")));
  let dir = sameContent ? join(root, sameContent) : own;
  const files = (d: string, name = circuit.name) => ({
    zkey: join(d, `${name}.zkey`),
    vkey: join(d, "verification_key.json"),
    meta: join(d, "setup.json"),
    ck: join(d, "ck"),
  });
  let paths = sameContent ? files(dir, sameContent.slice(0, -hash.length - 1)) : files(dir);
  const dev = mode === "dev";
  const result = (buildSeconds: number, cached: boolean): SetupResult => ({
    name: circuit.name,
    zkey: paths.zkey,
    vkey: paths.vkey,
    meta: paths.meta,
    ...(opts.commitment ? { commitment: paths.ck } : {}),
    dir,
    hash,
    seconds: (performance.now() - t0) / 1000,
    buildSeconds,
    dev,
    cached,
  });

  if (!opts.force && existsSync(paths.meta) && existsSync(paths.zkey) && existsSync(paths.vkey)) {
    try {
      const meta = JSON.parse(readFileSync(paths.meta, "utf8")) as SetupMeta;
      await validateZkey(paths.zkey, { sha256: meta.zkeySha256 });
      if (opts.commitment) checkCommitmentKey(paths.ck, opts.commitment.wires);
      opts.onVkey?.(JSON.parse(readFileSync(paths.vkey, "utf8")));
      if (dev) log(`setup ${circuit.name}: cached key ${dir} — ${DEV_NOTICE}`);
      else log(`setup ${circuit.name}: cached key ${dir}`);
      return result(meta.seconds, true);
    } catch (e) {
      if (!isDesError(e, "INVALID_ZKEY") && !(e instanceof SyntaxError)) throw e;
      log(`setup ${circuit.name}: cached key unusable (${(e as Error).message}); rebuilding`);
    }
  }
  dir = own; // a new key is always built under the circuit's own name
  paths = files(own);

  const info = readR1csInfo(circuit.r1cs);
  const nPublic = info.nPubOut + info.nPubIn;
  const power = domainPower(info.nConstraints, nPublic);
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const tpaths = files(tmp);
  try {
    let timings: Record<string, number> = {};
    const tb = performance.now();
    let early: Promise<unknown> | undefined;
    if (dev) {
      log(`setup ${circuit.name}: ${DEV_NOTICE} (${info.nConstraints} constraints, domain 2^${power})`);
      // the native prover's fixed-base multiplication where it can be built (DES_PROVER chooses)
      const native = await resolveNativeProver(log);
      const r = await devSetup(circuit.r1cs, tpaths.zkey, {
        name: circuit.name,
        progress: opts.progress,
        threads: opts.threads,
        native: native?.bin,
        ...(opts.commitment ? { commitment: { wires: opts.commitment.wires, dir: tpaths.ck } } : {}),
        ...(opts.onVkey
          ? {
              onVerificationKey: (file: string, sigma2?: Uint8Array) => {
                const data = new Uint8Array(readFileSync(file));
                early = snarkjs.zKey
                  .exportVerificationKey({ type: "mem", data } as never)
                  .then(async (vk) => (sigma2 ? committedVkey(await bn128(), vk as never, sigma2) : vk));
                early.then(
                  (vk) => opts.onVkey!(vk),
                  () => {}, // reported below, against the finished key
                );
              },
            }
          : {}),
      });
      timings = r.timings;
    } else {
      log(
        `setup ${circuit.name}: ceremony mode with ${opts.ptau} (${info.nConstraints} constraints, domain 2^${power})`,
      );
      await ceremonySetup(circuit.r1cs, opts.ptau!, tpaths.zkey, {
        name: circuit.name,
        progress: opts.progress,
        domainPower: power,
      });
    }
    const zinfo = await validateZkey(tpaths.zkey);
    let vk = await snarkjs.zKey.exportVerificationKey(tpaths.zkey);
    if (opts.commitment) {
      const ck = checkCommitmentKey(tpaths.ck, opts.commitment.wires);
      vk = committedVkey(await bn128(), vk as never, ck.sigma2) as never;
    }
    if (early) {
      const first = await early.catch((e: Error) => e);
      if (JSON.stringify(first) !== JSON.stringify(vk))
        throw desError(
          "SETUP_FAILED",
          `${circuit.name}: the verification key read before the proving key (${first instanceof Error ? first.message : "different"}) is not the finished key's`,
        );
    } else opts.onVkey?.(vk);
    writeFileSync(tpaths.vkey, JSON.stringify(vk, null, 1));
    const seconds = (performance.now() - tb) / 1000;
    const meta: SetupMeta = {
      version: SETUP_VERSION,
      name: circuit.name,
      hash,
      mode,
      development: dev,
      notice: dev ? DEV_NOTICE : null,
      r1csSha256,
      ptauSha256,
      nConstraints: info.nConstraints,
      nVars: zinfo.nVars,
      nPublic: zinfo.nPublic,
      domainSize: zinfo.domainSize,
      zkeyBytes: zinfo.bytes,
      zkeySha256: sha256File(tpaths.zkey),
      seconds,
      timings,
      createdAt: new Date().toISOString(),
    };
    writeFileSync(tpaths.meta, `${JSON.stringify(meta, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    log(
      `setup ${circuit.name}: wrote ${paths.zkey} in ${seconds.toFixed(1)} s${dev ? ` — ${DEV_NOTICE}` : ""}`,
    );
    return result(seconds, false);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** The commitment key of a key directory, checked to commit exactly `wires`. */
function checkCommitmentKey(dir: string, wires: readonly number[]): CommitmentKey {
  const ck = readCommitmentKey(dir);
  if (ck.wires.length !== wires.length || ck.wires.some((w, i) => w !== wires[i]))
    throw desError("INVALID_ZKEY", `${dir}: the commitment key commits other wires`);
  return ck;
}

/** snarkjs's bn128 curve (ffjavascript), as src/commit/verify.ts takes it. */
export function bn128(): Promise<object> {
  return (
    snarkjs as unknown as { curves: { getCurveFromName(n: string): Promise<object> } }
  ).curves.getCurveFromName("bn128");
}

/** Sets up every circuit in turn (one at a time: each setup already uses every core). */
export async function setupCircuits(circuits: SetupInput[], opts: SetupOptions = {}): Promise<SetupResult[]> {
  const out: SetupResult[] = [];
  for (const c of circuits) out.push(await setupCircuit(c, opts));
  return out;
}

/** A SetupInput for a bare r1cs file (named after the file). */
export function r1csInput(file: string, name?: string): SetupInput {
  return { name: name ?? basename(file).replace(/\.r1cs$/, ""), r1cs: file };
}
