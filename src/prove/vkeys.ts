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
    const all = existsSync(root) ? readdirSync(root).filter((d) => !d.includes(".tmp")) : [];
    const read = (ds: string[]) =>
      ds
        .map((d) => join(root, d, "verification_key.json"))
        .filter((f) => existsSync(f))
        .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)
        .map((f) => JSON.parse(readFileSync(f, "utf8")) as unknown);
    const named = read(all.filter((d) => d.startsWith(`${circuit}-`)));
    // keys are cached by r1cs content (src/setup): the circuit's key may sit under another name
    const key =
      named.find((k) => vkeyHash(k) === want) ??
      read(all.filter((d) => !d.startsWith(`${circuit}-`))).find((k) => vkeyHash(k) === want) ??
      named[0];
    if (!key) {
      throw desError(
        "FILE_NOT_FOUND",
        `no local verification key for circuit ${circuit}: run des setup, or pass --vkeys DIR`,
        { circuit },
      );
    }
    out.set(circuit, key);
  }
  return out;
}
