/** Helpers that build small signed blocks for tests. */

import { BLOCK_FORMAT_VERSION, type Block, type Transaction } from "../../src/block/schema.ts";
import { keyFromSeed, sign } from "../../src/crypto/eddsa.ts";
import { txHash } from "../../src/crypto/hash.ts";

export interface AccountSpec {
  key: number;
  balance: bigint;
  nonce?: bigint;
}

/** A signed block over accounts whose key pairs derive from `seed:key`. */
export function makeBlock(
  accounts: AccountSpec[],
  txs: { from: number; to: number; amount: bigint; nonce: bigint }[],
  depth = 8,
  seed = "t",
  chainId = 1,
): Block {
  return {
    version: BLOCK_FORMAT_VERSION,
    chainId,
    number: 1,
    parent: 0n,
    depth,
    accounts: accounts.map((a) => ({
      key: a.key,
      pubKey: keyFromSeed(`${seed}:${a.key}`).pub,
      balance: a.balance,
      nonce: a.nonce ?? 0n,
    })),
    txs: txs.map((t) => signTx(t, seed, chainId)),
  };
}

export function signTx(
  t: { from: number; to: number; amount: bigint; nonce: bigint },
  seed = "t",
  chainId = 1,
): Transaction {
  return { ...t, sig: sign(keyFromSeed(`${seed}:${t.from}`).prv, txHash(t, BigInt(chainId))) };
}
