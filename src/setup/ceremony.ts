/**
 * Ceremony mode: snarkjs's standard path from a real (prepared) powers-of-tau file: `zkey new`, then
 * one phase-2 contribution with fresh entropy.
 */
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readSync, rmSync } from "node:fs";
import * as snarkjs from "snarkjs";
import { desError } from "../errors.ts";
import type { ProgressFn } from "./progress.ts";

/** Reads a ptau file's power and whether it holds the phase-2 (Lagrange) sections. */
export function ptauInfo(file: string): { power: number; prepared: boolean } {
  if (!existsSync(file)) throw desError("FILE_NOT_FOUND", `${file}: no such powers-of-tau file`, { file });
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const b = Buffer.alloc(12);
    if (readSync(fd, b, 0, 12, 0) !== 12 || b.toString("latin1", 0, 4) !== "ptau") {
      throw desError("INVALID_PTAU", `${file}: not a powers-of-tau file`, { file });
    }
    const nSections = b.readUInt32LE(8);
    let pos = 12;
    let power = -1;
    let prepared = false;
    for (let i = 0; i < nSections; i++) {
      if (readSync(fd, b, 0, 12, pos) !== 12) throw desError("INVALID_PTAU", `${file}: truncated`, { file });
      const type = b.readUInt32LE(0);
      const len = Number(b.readBigUInt64LE(4));
      pos += 12;
      if (pos + len > size) throw desError("INVALID_PTAU", `${file}: truncated (section ${type})`, { file });
      if (type === 1) {
        const hb = Buffer.alloc(4);
        readSync(fd, hb, 0, 4, pos);
        const n8 = hb.readUInt32LE(0);
        readSync(fd, hb, 0, 4, pos + 4 + n8);
        power = hb.readUInt32LE(0);
      }
      if (type === 12) prepared = true;
      pos += len;
    }
    if (power < 0) throw desError("INVALID_PTAU", `${file}: no header section`, { file });
    return { power, prepared };
  } finally {
    closeSync(fd);
  }
}

/** Builds `zkeyFile` from `r1csFile` and a prepared `ptau` with snarkjs, plus one contribution. */
export async function ceremonySetup(
  r1csFile: string,
  ptau: string,
  zkeyFile: string,
  opts: { name?: string; progress?: ProgressFn; domainPower: number },
): Promise<void> {
  const { power, prepared } = ptauInfo(ptau);
  if (!prepared) {
    throw desError(
      "INVALID_PTAU",
      `${ptau}: not prepared for phase 2; run \`snarkjs powersoftau prepare phase2\` on it first`,
      { ptau },
    );
  }
  if (power < opts.domainPower) {
    throw desError(
      "INVALID_PTAU",
      `${ptau}: holds 2^${power} powers, the circuit needs 2^${opts.domainPower}`,
      {
        ptau,
        power,
        needed: opts.domainPower,
      },
    );
  }
  const errors: string[] = [];
  const name = opts.name ?? "circuit";
  let step = 0;
  const report = (phase: string) =>
    opts.progress?.({ circuit: name, phase, done: step, total: 2, unit: "steps" });
  const logger: snarkjs.Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (m) => errors.push(m),
  };
  const zkey0 = `${zkeyFile}.0`;
  try {
    report("snarkjs zkey new");
    const r = await snarkjs.zKey.newZKey(r1csFile, ptau, zkey0, logger);
    if (!(r instanceof Uint8Array)) {
      throw desError("SETUP_FAILED", `snarkjs zkey new failed: ${errors.join("; ") || "unknown error"}`, {
        ptau,
      });
    }
    step = 1;
    report("snarkjs zkey contribute");
    await snarkjs.zKey.contribute(
      zkey0,
      zkeyFile,
      "des ceremony-mode contribution",
      randomBytes(32).toString("hex"),
      logger,
    );
    step = 2;
    report("snarkjs zkey contribute");
  } finally {
    rmSync(zkey0, { force: true });
  }
}
