pragma circom 2.1.0;

/*
 * The protocol's hash definitions, mirroring src/crypto/hash.ts bit for bit (Poseidon with
 * circomlib's parameters; `h` below is Poseidon over the listed inputs):
 *   txHash      = h(DOMAIN_TX = 0x7478, chainId, from, to, amount, nonce)
 *   leafHash    = h(Ax, Ay, balance, nonce)                  (an empty leaf is 0, not a hash)
 *   writeHash   = h(key, leafBefore, leafAfter)
 *   txDigest    : d ← h(d, index, txHash), from d = 0
 *   writeDigest : w ← h(w, key, leafBefore, leafAfter), from w = 0
 *   fingerprint : f ← f·(γ − writeHash), from f = 1
 *   δ           = h(DOMAIN_DELTA = 0x64656c7461, γ)           (the second challenge)
 *   txFingerprint : t ← t·(γ − txHash − δ·index), from t = 1   (multiset hash of (index, txHash))
 *   columnPublicHash = h(r0, txDigest, writeDigest, fingerprint, txFingerprint, γ)
 *   statePublicHash  = h(rootBefore, rootAfter, shard, keyLo, keyHi, writeDigest, fingerprint, γ)
 * No template here assumes anything of its inputs beyond what its header says.
 */

include "circomlib/circuits/poseidon.circom";

/*
 * TxHash(): out = txHash(chainId, from, to, amount, nonce), the message the sender signs. The chain
 * id makes a signature for one deployment worthless on another. cost: ≈ 370.
 */
template TxHash() {
    signal input chainId;
    signal input from;
    signal input to;
    signal input amount;
    signal input nonce;
    signal output out;
    component h = Poseidon(6);
    h.inputs[0] <== 0x7478;
    h.inputs[1] <== chainId;
    h.inputs[2] <== from;
    h.inputs[3] <== to;
    h.inputs[4] <== amount;
    h.inputs[5] <== nonce;
    out <== h.out;
}

/* LeafHash(): out = leafHash of an existing account (pubkey (0, 0) if it has none). cost: 297. */
template LeafHash() {
    signal input Ax;
    signal input Ay;
    signal input balance;
    signal input nonce;
    signal output out;
    component h = Poseidon(4);
    h.inputs[0] <== Ax;
    h.inputs[1] <== Ay;
    h.inputs[2] <== balance;
    h.inputs[3] <== nonce;
    out <== h.out;
}

/*
 * TxDigestStepIfEnabled(): out = enabled ? h(acc, index, hash) : acc.
 *   inputs: enabled (boolean: caller), acc, index, hash.  cost: 261 + 1.
 */
template TxDigestStepIfEnabled() {
    signal input enabled;
    signal input acc;
    signal input index;
    signal input hash;
    signal output out;
    component h = Poseidon(3);
    h.inputs[0] <== acc;
    h.inputs[1] <== index;
    h.inputs[2] <== hash;
    out <== acc + enabled * (h.out - acc);
}

/*
 * WriteCommitIfEnabled(): one write (key, before, after) folded into the write digest and the
 * fingerprint when enabled = 1; both pass through unchanged when enabled = 0.
 *   inputs: enabled (boolean: caller), digestIn, fpIn, gamma, key, before, after.
 *   outputs: digestOut = enabled ? h(digestIn, key, before, after) : digestIn;
 *            fpOut     = enabled ? fpIn·(γ − h(key, before, after)) : fpIn.
 *   cost: 297 + 261 + 3.
 */
template WriteCommitIfEnabled() {
    signal input enabled;
    signal input digestIn;
    signal input fpIn;
    signal input gamma;
    signal input key;
    signal input before;
    signal input after;
    signal output digestOut;
    signal output fpOut;

    component step = Poseidon(4);
    step.inputs[0] <== digestIn;
    step.inputs[1] <== key;
    step.inputs[2] <== before;
    step.inputs[3] <== after;
    digestOut <== digestIn + enabled * (step.out - digestIn);

    component wh = Poseidon(3);
    wh.inputs[0] <== key;
    wh.inputs[1] <== before;
    wh.inputs[2] <== after;
    // factor = enabled ? γ − writeHash : 1
    signal factorMinusOne;
    factorMinusOne <== enabled * (gamma - wh.out - 1);
    fpOut <== fpIn * (1 + factorMinusOne);
}

/* Delta(): out = δ = h(DOMAIN_DELTA, γ), the challenge that folds (index, txHash) pairs. cost: 240. */
template Delta() {
    signal input gamma;
    signal output out;
    component h = Poseidon(2);
    h.inputs[0] <== 0x64656c7461;
    h.inputs[1] <== gamma;
    out <== h.out;
}

/*
 * TxFactorIfEnabled(): one (index, txHash) pair folded into a transaction fingerprint.
 *   inputs: enabled (boolean: caller), fpIn, gamma, delta, index, hash.
 *   output: fpOut = enabled ? fpIn·(γ − hash − δ·index) : fpIn.  cost: 3.
 */
template TxFactorIfEnabled() {
    signal input enabled;
    signal input fpIn;
    signal input gamma;
    signal input delta;
    signal input index;
    signal input hash;
    signal output fpOut;
    signal dIndex;
    dIndex <== delta * index;
    signal factorMinusOne;
    factorMinusOne <== enabled * (gamma - hash - dIndex - 1);
    fpOut <== fpIn * (1 + factorMinusOne);
}

/* ColumnPublicHash(): out = h(r0, txDigest, writeDigest, fingerprint, txFingerprint, γ). cost: ≈ 370. */
template ColumnPublicHash() {
    signal input r0;
    signal input txDigest;
    signal input writeDigest;
    signal input fingerprint;
    signal input txFingerprint;
    signal input gamma;
    signal output out;
    component h = Poseidon(6);
    h.inputs[0] <== r0;
    h.inputs[1] <== txDigest;
    h.inputs[2] <== writeDigest;
    h.inputs[3] <== fingerprint;
    h.inputs[4] <== txFingerprint;
    h.inputs[5] <== gamma;
    out <== h.out;
}

/*
 * StatePublicHash(): out = h(rootBefore, rootAfter, shard, keyLo, keyHi, writeDigest, fingerprint, γ).
 * cost: ≈ 400.
 */
template StatePublicHash() {
    signal input rootBefore;
    signal input rootAfter;
    signal input shard;
    signal input keyLo;
    signal input keyHi;
    signal input writeDigest;
    signal input fingerprint;
    signal input gamma;
    signal output out;
    component h = Poseidon(8);
    h.inputs[0] <== rootBefore;
    h.inputs[1] <== rootAfter;
    h.inputs[2] <== shard;
    h.inputs[3] <== keyLo;
    h.inputs[4] <== keyHi;
    h.inputs[5] <== writeDigest;
    h.inputs[6] <== fingerprint;
    h.inputs[7] <== gamma;
    out <== h.out;
}
