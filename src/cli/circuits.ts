/**
 * `des circuits`: compiles (cached) the column and state-update circuits of each profile and prints
 * their constraint counts and marginal costs.
 *
 * Marginal costs are measured, not estimated: each is the difference in total constraints between
 * the profile's circuit and the same circuit with one more slot (TXS + 1, ACCOUNTS + 1, WRITES + 1),
 * compiled like the real ones (cached). The account read alone (membership proof, leaf hash, u64
 * checks) is the AccountRead gadget compiled as its own circuit.
 */

import { readFileSync } from "node:fs";
import { z } from "zod";
import { compileGadget, GADGETS } from "../bn254/gadgets.ts";
import type { BreakdownRow } from "../bn254/verifier-build.ts";
import {
  compileVerifier,
  loadGroth16Vkey,
  parseGroth16Vkey,
  verifierBreakdown,
} from "../bn254/verifier-build.ts";
import type { CircuitSpec, CompiledCircuit } from "../build/circom.ts";
import {
  circuitsForProfile,
  columnSpec,
  compileProjectCircuit,
  stateUpdateSpec,
} from "../circuits/registry.ts";
import { desError } from "../errors.ts";
import { type CircuitProfile, getProfile, PROFILES } from "../profiles.ts";
import { setupCircuit } from "../setup/index.ts";
import { type Command, parseFlags, profileFlag, table, toJSON } from "./command.ts";

const Flags = z.object({
  profile: profileFlag.optional(),
  json: z.boolean().default(false),
  "no-marginal": z.boolean().default(false),
  "no-verifier": z.boolean().default(false),
  gadgets: z.boolean().default(false),
  verifier: z.boolean().default(false),
  vkey: z.string().min(1).optional(),
});

const help = `usage: des circuits [--profile P] [--json] [--no-marginal] [--no-verifier] [--gadgets]
       des circuits --verifier [--profile P] [--vkey FILE] [--json]

Compiles the column circuit ColumnExec(TXS, ACCOUNTS, DEPTH) and the state-update circuit
StateUpdate(WRITES, DEPTH, SHARD_BITS) of each profile with circom2 (--O2; cached under
artifacts/circuits/) and prints their constraints (total = non-linear + linear), wires and compile
time, then the marginal cost per transaction, per account slot, per account read and per write:
each measured by compiling the circuit with one more slot (cached too; a first run at the
realistic profile takes a few minutes).

  --profile P     only this profile (${Object.keys(PROFILES).join(", ")}; default: all)
  --json          print a JSON array: one object per circuit {circuit, profile, constraints, …}
                  and one per marginal cost {circuit, profile, marginal, constraints}
  --no-marginal   skip the marginal costs (no extra compiles)
  --no-verifier   skip the in-circuit Groth16 verifier's row (by default the list ends with it,
                  compiled for the column key of the first profile listed; see --verifier)
  --gadgets       only the BN254 gadget library (circuits/lib/bn254, issue #6): each gadget
                  compiled alone (43-bit × 6 limbs, --O2), one row per gadget {circuit: "fq-mul",
                  profile: "bn254-gadget", …, goal?, circomPairing?}; with --json, a JSON array
  --verifier      only the in-circuit Groth16 verifier (circuits/groth16_verifier.circom, issue #7)
                  for one constant key: the column key of --profile (default tiny; set up with the
                  development setup if this machine has none) or --vkey FILE. Compiled with --O1
                  (a few minutes the first time), one row {circuit: "groth16-verifier", …,
                  breakdown: [{piece, each, count, constraints}], goal, circomPairing}
  --vkey FILE     with --verifier: a snarkjs verification key (BN254, one public input)`;

/** Goals for the realistic profile (issue #3). */
export const GOALS = { columnTotal: 160_000, perTransaction: 8_500, perAccountRead: 5_500 } as const;

export interface CircuitRow {
  circuit: string;
  profile: string;
  template: string;
  params: number[];
  constraints: number;
  nonLinear: number;
  linear: number;
  wires: number;
  publicSignals: number;
  compileSeconds: number;
}

export interface MarginalRow {
  circuit: string;
  profile: string;
  marginal: "transaction" | "account slot" | "account read" | "write";
  constraints: number;
  /** How it was measured. */
  method: string;
  goal?: number;
}

function row(kind: string, profile: string, spec: CircuitSpec, c: CompiledCircuit): CircuitRow {
  return {
    circuit: kind,
    profile,
    template: spec.template,
    params: spec.params.map(Number),
    constraints: c.constraints,
    nonLinear: c.nonLinear,
    linear: c.linear,
    wires: c.wires,
    publicSignals: c.publicSignals,
    compileSeconds: +c.compileSeconds.toFixed(1),
  };
}

/** Compiles a profile's circuits; with `marginal`, also the +1 variants. */
export async function measureProfile(
  p: CircuitProfile,
  marginal: boolean,
  log: (s: string) => void = () => {},
): Promise<{ circuits: CircuitRow[]; marginals: MarginalRow[] }> {
  const circuits: CircuitRow[] = [];
  const totals = new Map<string, number>();
  for (const { kind, spec } of circuitsForProfile(p)) {
    log(`compiling ${spec.name} …`);
    const c = await compileProjectCircuit(spec);
    circuits.push(row(kind, p.name, spec, c));
    totals.set(kind, c.constraints);
  }
  const marginals: MarginalRow[] = [];
  if (!marginal) return { circuits, marginals };
  const plus = async (spec: CircuitSpec) => {
    log(`compiling ${spec.name} …`);
    return (await compileProjectCircuit(spec)).constraints;
  };
  const realistic = p.name === "realistic";
  const col = totals.get("column")!;
  const tx = (await plus(columnSpec({ ...p, name: `${p.name}-plus-tx`, txs: p.txs + 1 }))) - col;
  marginals.push({
    circuit: "column",
    profile: p.name,
    marginal: "transaction",
    constraints: tx,
    method: `ColumnExec(${p.txs + 1}, ${p.accounts}, ${p.depth}) − ColumnExec(${p.txs}, ${p.accounts}, ${p.depth})`,
    ...(realistic ? { goal: GOALS.perTransaction } : {}),
  });
  const acc =
    (await plus(columnSpec({ ...p, name: `${p.name}-plus-account`, accounts: p.accounts + 1 }))) - col;
  marginals.push({
    circuit: "column",
    profile: p.name,
    marginal: "account slot",
    constraints: acc,
    method: `ColumnExec(${p.txs}, ${p.accounts + 1}, ${p.depth}) − ColumnExec(${p.txs}, ${p.accounts}, ${p.depth}): read + write commitment + selection by each tx slot`,
  });
  const read = await plus({
    name: `account-read-d${p.depth}`,
    file: "circuits/column.circom",
    template: "AccountRead",
    params: [p.depth],
  });
  marginals.push({
    circuit: "column",
    profile: p.name,
    marginal: "account read",
    constraints: read,
    method: `AccountRead(${p.depth}) alone: membership against R0, leaf hash, u64 checks`,
    ...(realistic ? { goal: GOALS.perAccountRead } : {}),
  });
  const st = totals.get("state-update")!;
  const w = (await plus(stateUpdateSpec({ ...p, name: `${p.name}-plus-write`, writes: p.writes + 1 }))) - st;
  marginals.push({
    circuit: "state-update",
    profile: p.name,
    marginal: "write",
    constraints: w,
    method: `StateUpdate(${p.writes + 1}, ${p.depth}, ${p.shardBits}) − StateUpdate(${p.writes}, ${p.depth}, ${p.shardBits})`,
  });
  return { circuits, marginals };
}

const fmt = (n: number) => n.toLocaleString("en-US");

export interface GadgetRow extends CircuitRow {
  goal?: number;
  /** circom-pairing's figure quoted in issue #6 (non-linear constraints). */
  circomPairing?: number;
}

/** Compiles (cached) every BN254 gadget alone and returns its row. */
export async function measureGadgets(log: (s: string) => void = () => {}): Promise<GadgetRow[]> {
  const rows: GadgetRow[] = [];
  for (const g of GADGETS) {
    log(`compiling ${g.gadget} …`);
    const c = await compileGadget(g);
    rows.push({
      circuit: g.gadget,
      profile: "bn254-gadget",
      template: g.template,
      params: [43, 6, ...(g.extra ?? [])],
      constraints: c.constraints,
      nonLinear: c.nonLinear,
      linear: c.linear,
      wires: c.wires,
      publicSignals: c.publicSignals,
      compileSeconds: +c.compileSeconds.toFixed(1),
      ...(g.goal ? { goal: g.goal } : {}),
      ...(g.circomPairing ? { circomPairing: g.circomPairing } : {}),
    });
  }
  return rows;
}

async function runGadgets(json: boolean): Promise<number> {
  const rows = await measureGadgets(json ? () => {} : (s) => process.stderr.write(`${s}\n`));
  if (json) {
    console.log(toJSON(rows));
    return 0;
  }
  console.log(
    table(
      ["gadget", "template", "constraints", "non-linear", "linear", "wires", "goal", "circom-pairing"],
      rows.map((r) => [
        r.circuit,
        `${r.template}(${r.params.join(", ")})`,
        r.constraints,
        r.nonLinear,
        r.linear,
        r.wires,
        r.goal ? `≤ ${fmt(r.goal)}` : "",
        r.circomPairing ? fmt(r.circomPairing) : "",
      ]),
    ),
  );
  console.log("(BN254 gadgets, 43-bit × 6 limbs, compiled alone with circom2 --O2)");
  return 0;
}

export interface VerifierRow extends CircuitRow {
  /** Whose key the verifier has as constants. */
  key: string;
  breakdown: BreakdownRow[];
  goal: number;
  /** circom-pairing's whole verifier, measured here (issue #7): 19,790,538 + 3,298,896 linear. */
  circomPairing: number;
}

export const VERIFIER_GOAL = 2_500_000;
export const CIRCOM_PAIRING_VERIFIER = 19_790_538 + 3_298_896;

/** Compiles the Groth16 verifier for a key (a file, or the profile's column key) and measures it. */
export async function measureVerifier(
  profile: CircuitProfile,
  vkeyFile: string | undefined,
  log: (s: string) => void = () => {},
): Promise<VerifierRow> {
  let key: string;
  let vkey: ReturnType<typeof loadGroth16Vkey>;
  if (vkeyFile) {
    vkey = loadGroth16Vkey(vkeyFile);
    key = vkeyFile;
  } else {
    const spec = columnSpec(profile);
    log(`compiling ${spec.name} …`);
    const c = await compileProjectCircuit(spec);
    const k = await setupCircuit(c, { log });
    vkey = parseGroth16Vkey(JSON.parse(readFileSync(k.vkey, "utf8")), k.vkey);
    key = `${spec.name} (development setup)`;
  }
  log("compiling the Groth16 verifier (--O1; about 8 minutes the first time) …");
  const v = await compileVerifier(vkey);
  log("compiling its pieces for the breakdown …");
  const breakdown = await verifierBreakdown(v.build, v.constraints);
  return {
    circuit: "groth16-verifier",
    profile: profile.name,
    template: "Groth16Verifier",
    params: [43, 6, 0, 1, 0],
    constraints: v.constraints,
    nonLinear: v.nonLinear,
    linear: v.linear,
    wires: v.wires,
    publicSignals: v.publicSignals,
    compileSeconds: +v.compileSeconds.toFixed(1),
    key,
    breakdown,
    goal: VERIFIER_GOAL,
    circomPairing: CIRCOM_PAIRING_VERIFIER,
  };
}

async function runVerifier(
  profile: CircuitProfile,
  vkeyFile: string | undefined,
  json: boolean,
): Promise<number> {
  const r = await measureVerifier(profile, vkeyFile, json ? () => {} : (s) => process.stderr.write(`${s}\n`));
  if (json) {
    console.log(toJSON([r]));
    return 0;
  }
  console.log(
    table(
      [
        "circuit",
        "key",
        "constraints",
        "non-linear",
        "linear",
        "wires",
        "compile s",
        "goal",
        "circom-pairing",
      ],
      [
        [
          r.circuit,
          r.key,
          r.constraints,
          r.nonLinear,
          r.linear,
          r.wires,
          r.compileSeconds,
          `≤ ${fmt(r.goal)}`,
          fmt(r.circomPairing),
        ],
      ],
    ),
  );
  console.log("");
  console.log(
    table(
      ["piece", "each", "count", "constraints"],
      r.breakdown.map((b) => [b.piece, b.each, b.count, b.constraints]),
    ),
  );
  return 0;
}

export const circuitsCommand: Command = {
  name: "circuits",
  summary: "compile the column and state-update circuits and print constraint counts",
  help,
  async run(argv) {
    const parsed = parseFlags(
      argv,
      {
        profile: { type: "string" },
        json: { type: "boolean" },
        "no-marginal": { type: "boolean" },
        "no-verifier": { type: "boolean" },
        gadgets: { type: "boolean" },
        verifier: { type: "boolean" },
        vkey: { type: "string" },
      },
      Flags,
      { min: 0, max: 0, names: "no positional arguments" },
      help,
    );
    if (!parsed) return 0;
    const { flags } = parsed;
    if (flags.gadgets) return runGadgets(flags.json);
    if (flags.vkey && !flags.verifier) throw desError("USAGE", "--vkey needs --verifier");
    if (flags.verifier) return runVerifier(getProfile(flags.profile ?? "tiny"), flags.vkey, flags.json);
    const profiles = flags.profile ? [getProfile(flags.profile)] : Object.values(PROFILES);
    const log = flags.json ? () => {} : (s: string) => process.stderr.write(`${s}\n`);
    const circuits: CircuitRow[] = [];
    const marginals: MarginalRow[] = [];
    for (const p of profiles) {
      const r = await measureProfile(p, !flags["no-marginal"], log);
      circuits.push(...r.circuits);
      marginals.push(...r.marginals);
    }
    const verifier = flags["no-verifier"] ? undefined : await measureVerifier(profiles[0]!, undefined, log);
    if (flags.json) {
      console.log(toJSON([...circuits, ...(verifier ? [verifier] : []), ...marginals]));
      return 0;
    }
    console.log(
      table(
        ["circuit", "profile", "params", "constraints", "non-linear", "linear", "wires", "compile s"],
        circuits.map((c) => [
          c.circuit,
          c.profile,
          `${c.template}(${c.params.join(", ")})`,
          c.constraints,
          c.nonLinear,
          c.linear,
          c.wires,
          c.compileSeconds,
        ]),
      ),
    );
    if (marginals.length) {
      console.log("");
      console.log(
        table(
          ["circuit", "profile", "marginal cost per", "constraints", "goal"],
          marginals.map((m) => [
            m.circuit,
            m.profile,
            m.marginal,
            m.constraints,
            m.goal ? `≤ ${fmt(m.goal)}` : "",
          ]),
        ),
      );
    }
    const real = circuits.find((c) => c.circuit === "column" && c.profile === "realistic");
    if (real) {
      const ok = real.constraints <= GOALS.columnTotal;
      console.log(
        `\nrealistic column: ${fmt(real.constraints)} constraints (goal ≤ ${fmt(GOALS.columnTotal)}: ${ok ? "met" : "missed"})`,
      );
    }
    console.log("(compiled with circom2 --O2: linear constraints are substituted away)");
    if (verifier) {
      console.log(
        `\ngroth16-verifier (key: ${verifier.key}, --O1): ${fmt(verifier.constraints)} constraints = ${fmt(verifier.nonLinear)} non-linear + ${fmt(verifier.linear)} linear (goal ≤ ${fmt(verifier.goal)}: ${verifier.constraints <= verifier.goal ? "met" : "missed"}; circom-pairing ${fmt(verifier.circomPairing)}); breakdown: des circuits --verifier`,
      );
    }
    return 0;
  },
};
