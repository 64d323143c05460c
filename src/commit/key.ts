/**
 * Keys of Groth16 with one commitment (docs/circuits.md, "Inner nodes as Groth16 with one
 * commitment"). The development setup (src/setup/devsetup.ts, option `commitment`) writes, beside
 * the zkey, a directory with:
 *   wires.json   the committed wires J (private wire indices, in the order of the points)
 *   k.bin        K_j = (β·u_j + α·v_j + w_j)/γ·G1, affine, the zkey's point layout (64 bytes)
 *   sk.bin       σ·K_j, same layout
 *   sigma2.bin   [σ]₂, affine, the zkey's G2 layout (128 bytes)
 * The prover takes D = Σ a_j·K_j and P = Σ a_j·σK_j (src/commit/prove.ts); the verifier needs
 * [σ]₂ only (src/commit/verify.ts).
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { loadSymbols } from "../circuits/r1cs.ts";
import { desError } from "../errors.ts";

export const COMMIT_FILES = {
  wires: "wires.json",
  k: "k.bin",
  sk: "sk.bin",
  sigma2: "sigma2.bin",
} as const;

const WiresFile = z.object({
  protocol: z.literal("groth16-commit-1"),
  wires: z.array(z.number().int().positive()),
});

/**
 * Writes a commitment key into `dir` (replacing what is there): the points come from `points`,
 * which calls `put` with K's points (which = "K"), then with σK's ("SK"), in the order of `wires`.
 * Each file is written under a temporary name and renamed once complete.
 */
export async function writeCommitmentKey(
  dir: string,
  wires: readonly number[],
  sigma2: Uint8Array,
  points: (which: "K" | "SK", put: (pts: Uint8Array) => void) => Promise<void>,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tmp = (f: string) => join(dir, `${f}.tmp-${process.pid}`);
  const pointsFile = async (which: "K" | "SK", file: string) => {
    const fd = openSync(tmp(file), "w");
    let bytes = 0;
    try {
      await points(which, (pts) => {
        writeSync(fd, pts);
        bytes += pts.length;
      });
    } finally {
      closeSync(fd);
    }
    if (bytes !== wires.length * 64) {
      rmSync(tmp(file), { force: true });
      throw desError("SETUP_FAILED", `commitment key ${which}: ${bytes} bytes for ${wires.length} points`);
    }
  };
  await pointsFile("K", COMMIT_FILES.k);
  await pointsFile("SK", COMMIT_FILES.sk);
  writeFileSync(tmp(COMMIT_FILES.sigma2), sigma2);
  writeFileSync(tmp(COMMIT_FILES.wires), JSON.stringify({ protocol: "groth16-commit-1", wires }));
  for (const f of Object.values(COMMIT_FILES)) renameSync(tmp(f), join(dir, f));
}

export interface CommitmentKey {
  dir: string;
  wires: number[];
  kFile: string;
  skFile: string;
  /** [σ]₂ in the zkey's layout (affine, Montgomery, little-endian). */
  sigma2: Buffer;
}

/** Reads and checks a commitment key directory. */
export function readCommitmentKey(dir: string): CommitmentKey {
  let parsed: z.infer<typeof WiresFile>;
  try {
    parsed = WiresFile.parse(JSON.parse(readFileSync(join(dir, COMMIT_FILES.wires), "utf8")));
  } catch (e) {
    throw desError("INVALID_ZKEY", `${dir}: not a commitment key (${(e as Error).message.split("\n")[0]})`);
  }
  const size = (f: string) => {
    try {
      return statSync(join(dir, f)).size;
    } catch {
      throw desError("INVALID_ZKEY", `${dir}: missing ${f}`);
    }
  };
  const n = parsed.wires.length;
  if (
    size(COMMIT_FILES.k) !== n * 64 ||
    size(COMMIT_FILES.sk) !== n * 64 ||
    size(COMMIT_FILES.sigma2) !== 128
  )
    throw desError("INVALID_ZKEY", `${dir}: point files do not match ${n} committed wires`);
  return {
    dir,
    wires: parsed.wires,
    kFile: join(dir, COMMIT_FILES.k),
    skFile: join(dir, COMMIT_FILES.sk),
    sigma2: readFileSync(join(dir, COMMIT_FILES.sigma2)),
  };
}

/**
 * The committed wires of a circuit: the wires of its private inputs (`main.NAME` and its array
 * elements) except those named in `exclude` (the inputs that carry the challenge seed), from the
 * circuit's .sym file. `removed` names the inputs that --O2 substituted away (wire −1): the
 * constraints use a linear combination of other wires in their place, which the caller must know
 * to be committed values (for logup.circom's chunks: the limb minus the other chunks).
 */
export function committedInputWires(
  symFile: string,
  privateInputs: readonly string[],
  exclude: readonly string[],
): { wires: number[]; removed: string[] } {
  const want = new Set(privateInputs.filter((n) => !exclude.includes(n)));
  const wires = new Set<number>();
  const removed: string[] = [];
  for (const line of readFileSync(symFile, "utf8").split("\n")) {
    if (!line) continue;
    const [, wire, , name] = line.split(",");
    if (!name?.startsWith("main.")) continue;
    const local = name.slice(5);
    if (!want.has(local.split("[")[0]!) || local.includes(".")) continue;
    const w = Number(wire);
    if (w > 0) wires.add(w);
    else removed.push(local);
  }
  return { wires: [...wires].sort((a, b) => a - b), removed };
}

/**
 * Names of the wires a circuit computes after its challenges, under the discipline of
 * circuits/groth16_verifier.circom's lookup form (every such signal and component is named `post_…`):
 * the challenges' derivation (post_hx, post_hy: X and Y; post_ch: the batch coefficients; post_xp:
 * x' = Poseidon(x, seed)), the lookup and table accumulators, and the batch check's products and
 * reduction. Of a `post_` component's inputs, only those that carry a challenge or an accumulator
 * are matched (--O1 may keep a challenge under such a copy's name); the others are copies of
 * committed values (the limbs, chunks and multiplicities, the obligations) and deliberately not
 * matched: a wire counts as computed after the challenges only by a name here, so a committed value
 * that --O1 happens to keep under a copy's name stays committed. A wire matched here that did not
 * depend on the seed would only be left out of D while constrained by the arguments; a wire
 * missing here that does depend on the seed makes the honest prover stop (src/commit/prove.ts
 * compares both passes).
 */
export const POST_CHALLENGE: readonly RegExp[] = [
  // X, Y, the batch coefficients, x' (and copies of them as the inputs of other post_ components)
  /\.post_(hx|hy|ch|xp)\./,
  /\.post_(lu\[\d+\]|lu\[\d+\]\.lk\[\d+\]|tb)\.(X|Y|in)$/,
  /\.post_bc\[\d+\]\.(alpha|beta)\[/,
  // the lookup and table accumulators
  /\.post_lu\[\d+\]\.out$/,
  /\.post_lu\[\d+\]\.lk\[\d+\]\.(acc\[\d+\]|out)$/,
  /\.post_tb\.acc\[\d+\]$/,
  // the batch check's products and its reduction
  /\.post_bc\[\d+\]\.(tb|ta)\[/,
  /\.post_bc\[\d+\]\.z\./,
];

/**
 * The committed wires of a circuit whose post-challenge signals follow POST_CHALLENGE's naming:
 * every private wire (index > nPublic) that no name of POST_CHALLENGE matches and no name in
 * `exclude` (full names, e.g. main.seed: the inputs that carry the challenge seed) names, from its
 * .sym file, in increasing order.
 */
export function committedWires(symFile: string, nPublic: number, exclude: readonly string[] = []): number[] {
  const skip = new Set(exclude);
  const wires: number[] = [];
  for (const [w, names] of loadSymbols(symFile)) {
    if (w <= nPublic) continue;
    if (!names.some((n) => skip.has(n) || POST_CHALLENGE.some((re) => re.test(n)))) wires.push(w);
  }
  return wires.sort((a, b) => a - b);
}

/**
 * The committed wires of a linked system (src/aggregate/link.ts): the glue's (without `exclude`,
 * its seed input) and each part's private wires, placed at base + (w − 1 − nPublic) as linkR1cs
 * lays them out. A part's public wires are glue wires. Parts compiled from one circuit read its
 * .sym file once.
 */
export function committedLinkedWires(
  glue: { sym: string; exclude: readonly string[] },
  parts: readonly LinkedPart[],
): number[] {
  return [
    ...committedWires(glue.sym, 1, glue.exclude),
    ...partWires(parts, (p) => committedWires(p.sym, p.nPublic)),
  ];
}

/** A part of a linked system: its .sym file, public wire count and first linked private wire. */
export interface LinkedPart {
  sym: string;
  nPublic: number;
  base: number;
}

/**
 * The wires `local` picks from each part (its own numbering), at the places linkR1cs gave them;
 * parts compiled from one circuit (one .sym file) are read once.
 */
function partWires(parts: readonly LinkedPart[], local: (p: LinkedPart) => number[]): number[] {
  const perSym = new Map<string, number[]>();
  const out: number[] = [];
  for (const p of parts) {
    let ws = perSym.get(p.sym);
    if (!ws) {
      ws = local(p);
      perSym.set(p.sym, ws);
    }
    for (const w of ws) out.push(p.base + (w - 1 - p.nPublic));
  }
  return out;
}

/** A signal of the main component itself (`main.limbs[3]`), not of a sub-component. */
const MAIN_LEVEL = /^main\.[A-Za-z_$][\w$]*(\[\d+\])*$/;

/**
 * The private wires of a linked system that carry a main-level signal of the glue or of a part
 * (the circuits' hints: a verifier's inputs, deferred results, chunks and multiplicities), at the
 * places linkR1cs gave them. They seed `determinedWires` (src/aggregate/reduce.ts): the committed
 * wires computed from them by constraints need no commitment of their own.
 */
export function mainLevelLinkedWires(
  glue: { sym: string; nPublic: number },
  parts: readonly LinkedPart[],
): number[] {
  const local = (p: { sym: string; nPublic: number }) => {
    const out: number[] = [];
    for (const [w, names] of loadSymbols(p.sym))
      if (w > p.nPublic && names.some((n) => MAIN_LEVEL.test(n))) out.push(w);
    return out;
  };
  return [...local(glue), ...partWires(parts, local)].sort((a, b) => a - b);
}

/**
 * Components of the verifier's lookup form that compute from the seed alone (and constants): X and
 * Y (post_hx, post_hy) and the batch challenges (post_ch). In a node, every verifier part's seed
 * is the glue's, so these are equal in all parts.
 */
const SEED_DERIVED = /^main\.post_(hx|hy|ch)\./;

/**
 * Pairs (wire of part i > 0, wire of part 0) of a linked system for every name under
 * SEED_DERIVED that both parts have, at the places linkR1cs gave them: what `identifyWires`
 * (src/aggregate/reduce.ts) merges so that the node computes X, Y and the challenges once.
 */
export function seedDerivedPairs(parts: readonly LinkedPart[]): [number, number][] {
  // name → wire in the part's own numbering, one parse per .sym file
  const perSym = new Map<string, Map<string, number>>();
  const named = (p: LinkedPart) => {
    let m = perSym.get(p.sym);
    if (!m) {
      m = new Map();
      for (const [w, names] of loadSymbols(p.sym)) {
        if (w <= p.nPublic) continue;
        for (const n of names) if (SEED_DERIVED.test(n)) m.set(n, w);
      }
      perSym.set(p.sym, m);
    }
    return m;
  };
  const at = (p: LinkedPart, w: number) => p.base + (w - 1 - p.nPublic);
  if (parts.length < 2) return [];
  const first = parts[0]!;
  const firstNames = named(first);
  const out = new Map<number, number>();
  for (const p of parts.slice(1)) {
    for (const [n, w] of named(p)) {
      const to = firstNames.get(n);
      if (to !== undefined && at(first, to) !== at(p, w)) out.set(at(p, w), at(first, to));
    }
  }
  return [...out].sort((a, b) => a[0] - b[0]);
}
