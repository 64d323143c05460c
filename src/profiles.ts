/**
 * Named circuit size profiles. `tiny` keeps tests and CI fast; `realistic` is what benchmarks use.
 * (Owned by the circuits work: sizes may be tuned there.)
 */
export interface CircuitProfile {
  name: string;
  /** Transaction slots per column proof. */
  txs: number;
  /** Account slots (distinct keys touched) per column proof. */
  accounts: number;
  /** Sparse Merkle tree depth; blocks proven with this profile must declare the same depth. */
  depth: number;
  /** Write slots per state-update proof. */
  writes: number;
  /**
   * State-update shards: a state-update proof covers the keys whose top `shardBits` bits equal its
   * shard index (2^shardBits shards, proven in parallel, subtree root → subtree root). 0: one proof
   * covers the whole tree (R0 → R1).
   */
  shardBits: number;
}

export const PROFILES: Record<string, CircuitProfile> = {
  tiny: { name: "tiny", txs: 2, accounts: 4, depth: 8, writes: 8, shardBits: 0 },
  realistic: { name: "realistic", txs: 8, accounts: 16, depth: 20, writes: 16, shardBits: 0 },
};

export function getProfile(name: string): CircuitProfile {
  const p = PROFILES[name];
  if (!p) throw new Error(`unknown profile '${name}' (known: ${Object.keys(PROFILES).join(", ")})`);
  return p;
}
