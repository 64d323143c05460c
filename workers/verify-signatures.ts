/**
 * Piscina task: verifies a batch of EdDSA-Poseidon transaction signatures; returns the indices that
 * fail. Signature validity depends only on the transaction and the sender's key, which never
 * changes within a block, so batches can be checked in any order, in parallel with each other.
 */
import { verify } from "../src/crypto/eddsa.ts";
import { txHash } from "../src/crypto/hash.ts";
import { loadCrypto } from "../src/crypto/poseidon.ts";
import type { SignatureJob } from "../src/state/parallel.ts";

export default async function verifyBatch(jobs: SignatureJob[]): Promise<number[]> {
  await loadCrypto();
  const bad: number[] = [];
  for (const j of jobs) if (!verify(txHash(j, j.chainId), j.sig, j.pub)) bad.push(j.index);
  return bad;
}
