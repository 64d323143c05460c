/**
 * Trusted verification keys for `des verify`: from `--vkeys DIR` (files `<circuit>.json`) or, by
 * default, from the keys this machine set up (artifacts/keys/<circuit>-<hash>/). A bundle never
 * supplies its own keys: a proof is only as good as the key it is checked against.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS } from "../build/circom.ts";
import { desError } from "../errors.ts";
import { vkeyHash } from "./bundle.ts";

export function loadVkeys(
  circuits: readonly { circuit: string; vkeyHash: string }[],
  dir?: string,
): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const { circuit, vkeyHash: want } of circuits) {
    if (out.has(circuit)) continue;
    if (dir) {
      const f = join(dir, `${circuit}.json`);
      if (!existsSync(f))
        throw desError("FILE_NOT_FOUND", `no verification key ${f} for circuit ${circuit}`, { file: f });
      out.set(circuit, JSON.parse(readFileSync(f, "utf8")));
      continue;
    }
    const root = join(ARTIFACTS, "keys");
    const candidates = existsSync(root)
      ? readdirSync(root)
          .filter((d) => d.startsWith(`${circuit}-`) && !d.includes(".tmp"))
          .map((d) => join(root, d, "verification_key.json"))
          .filter((f) => existsSync(f))
          .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
      : [];
    if (!candidates.length) {
      throw desError(
        "FILE_NOT_FOUND",
        `no local verification key for circuit ${circuit}: run des setup, or pass --vkeys DIR`,
        { circuit },
      );
    }
    const keys = candidates.map((f) => JSON.parse(readFileSync(f, "utf8")) as unknown);
    out.set(circuit, keys.find((k) => vkeyHash(k) === want) ?? keys[0]);
  }
  return out;
}
