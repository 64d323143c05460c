/**
 * The aggregator's glue circuits (circuits/aggregator.circom) as compile targets, their inputs from
 * statements (statement.ts), and the wires the linker binds the children's verifiers to.
 */
import type { CircuitSpec, CompileOptions } from "../build/circom.ts";
import { loadSymbols } from "../circuits/r1cs.ts";
import type { ColumnPublics, StatePublics } from "../crypto/hash.ts";
import { desError } from "../errors.ts";
import type { ColumnSide, StateSide } from "./statement.ts";

/** Child kinds: a leaf proof (column / state-update circuit) or a node of the aggregator. */
export type ChildKind = "leaf" | "node";
const K = (k: ChildKind) => (k === "leaf" ? 0 : 1);

/** The glue is a few thousand constraints; --O1 keeps signal names for the soundness tests. */
export const GLUE_COMPILE_OPTIONS: CompileOptions = { O: 1 };

const FILE = "circuits/aggregator.circom";

export function columnNodeSpec(kind: ChildKind): CircuitSpec {
  return { name: `agg-column-node-${kind}`, file: FILE, template: "ColumnNode", params: [K(kind)] };
}

export function stateNodeSpec(kind: ChildKind, depth: number): CircuitSpec {
  return {
    name: `agg-state-node-${kind}-d${depth}`,
    file: FILE,
    template: "StateNode",
    params: [K(kind), depth],
  };
}

/**
 * The glue of a node proven as Groth16 with one commitment (CommittedColumnNode /
 * CommittedStateNode): the node's rules, a `seed` input its children's lookup-form verifiers bind
 * to, and pub = Poseidon(statement, seed).
 */
export function committedColumnNodeSpec(kind: ChildKind): CircuitSpec {
  return {
    name: `agg-committed-column-node-${kind}`,
    file: FILE,
    template: "CommittedColumnNode",
    params: [K(kind)],
  };
}

export function committedStateNodeSpec(kind: ChildKind, depth: number): CircuitSpec {
  return {
    name: `agg-committed-state-node-${kind}-d${depth}`,
    file: FILE,
    template: "CommittedStateNode",
    params: [K(kind), depth],
  };
}

/**
 * The block root for a column side of one kind and a state side of another, a tree of `depth`, and
 * `maxTxs` transaction-list slots (the column side's transaction slots: columns × the profile's txs).
 */
export function blockRootSpec(
  column: ChildKind,
  state: ChildKind,
  depth: number,
  maxTxs: number,
  committed = false,
): CircuitSpec {
  return {
    name: `agg-${committed ? "committed-" : ""}block-root-${column}-${state}-d${depth}-t${maxTxs}`,
    file: FILE,
    template: committed ? "CommittedBlockRoot" : "BlockRoot",
    params: [K(column), K(state), depth, maxTxs],
  };
}

/** The block root's glue as a committed node (CommittedBlockRoot): blockRootSpec's, committed. */
export const committedBlockRootSpec = (column: ChildKind, state: ChildKind, depth: number, maxTxs: number) =>
  blockRootSpec(column, state, depth, maxTxs, true);

/** The root glue's transaction-list inputs: the block's hashes in slots 0 … n − 1, zeros after. */
export function txListValues(
  txHashes: readonly bigint[],
  maxTxs: number,
): { txActive: string[]; txHash: string[] } {
  if (txHashes.length > maxTxs)
    throw desError(
      "PROFILE_MISMATCH",
      `${txHashes.length} transactions exceed the root's ${maxTxs} list slots`,
    );
  const txActive = Array.from({ length: maxTxs }, (_, i) => (i < txHashes.length ? "1" : "0"));
  const txHash = Array.from({ length: maxTxs }, (_, i) => String(txHashes[i] ?? 0n));
  return { txActive, txHash };
}

/** A child statement: a leaf's public values or a node's side statement. */
export type Child<P, S> = { kind: "leaf"; publics: P } | { kind: "node"; side: S };
export type ColumnChild = Child<ColumnPublics, ColumnSide>;
export type StateChild = Child<StatePublics, StateSide>;

const s = (v: bigint | number) => String(v);

export function columnValues(c: ColumnChild): string[] {
  if (c.kind === "leaf") {
    const p = c.publics;
    return [p.r0, p.txDigest, p.writeDigest, p.fingerprint, p.txFingerprint, p.gamma].map(s);
  }
  const n = c.side;
  return [n.r0, n.gamma, n.dig, n.fp, n.tfp].map(s);
}

export function stateValues(c: StateChild): string[] {
  if (c.kind === "leaf") {
    const p = c.publics;
    return [p.rootBefore, p.rootAfter, p.shard, p.keyLo, p.keyHi, p.writeDigest, p.fingerprint, p.gamma].map(
      s,
    );
  }
  const n = c.side;
  return [n.rootBefore, n.rootAfter, n.keyLo, n.keyHi, n.gamma, n.dig, n.fp].map(s);
}

/**
 * Glue wires of the signals the children's verifiers are bound to (`main.xL`, `main.xR` or
 * `main.xC`, `main.xS`), from the glue's .sym file. They are inputs of the main template, so the
 * compiler keeps them as wires.
 */
export function glueBindings(sym: string, names: readonly string[]): number[] {
  const wires = new Map<string, number>();
  for (const [wire, signals] of loadSymbols(sym)) for (const n of signals) wires.set(n, wire);
  return names.map((n) => {
    const w = wires.get(`main.${n}`);
    if (w === undefined || w < 1)
      throw desError("INVALID_R1CS", `${sym}: glue signal main.${n} is not a wire`);
    return w;
  });
}
