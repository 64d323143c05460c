pragma circom 2.1.0;

/*
 * The state-update circuit: applies a block's write set (or one key-range shard of it) to the
 * sparse Merkle tree, with no execution: each write is (key, leaf before, leaf after), as a
 * block-level access list gives it (see DESIGN.md, "Why columns do not chain state roots").
 */

include "circomlib/circuits/bitify.circom";
include "lib/helpers.circom";
include "lib/smt_update.circom";
include "lib/hashes.circom";

/*
 * StateUpdate(WRITES, DEPTH, SHARD_BITS): proves that applying the writes in order to the subtree
 * with root rootBefore yields rootAfter, where
 *   - the subtree is shard number `shard`: the keys whose top SHARD_BITS bits (of DEPTH) equal
 *     shard, a subtree of height H = DEPTH − SHARD_BITS (SHARD_BITS = 0: the whole tree, shard 0);
 *   - every real key lies in the claimed key range [keyLo, keyHi] (both < 2^DEPTH), so a write set
 *     larger than WRITES can be split into consecutive chunks whose proofs chain roots
 *     R0 → R′ → … → R1: with disjoint increasing ranges no key is written twice across chunks;
 *   - each real write proves `before` is the leaf at its key in the current root, then sets it to
 *     `after` (the root chains through the writes);
 *   - real writes come first, padding after them (padding: no root change, key/before/after 0,
 *     excluded from the digest and the fingerprint);
 *   - keys are strictly increasing over the real writes: no key twice;
 * and that the claimed values are those of the real writes:
 *   writeDigest = w over (key, before, after) in order, fingerprint = ∏ (γ − writeHash).
 * params: WRITES write slots, DEPTH tree depth, SHARD_BITS (0 ≤ SHARD_BITS < DEPTH).
 * public: the output pub = statePublicHash(rootBefore, rootAfter, shard, keyLo, keyHi,
 *   writeDigest, fingerprint, γ) only; all inputs are private.
 * inputs: rootBefore, rootAfter, shard, keyLo, keyHi, gamma, writeDigest, fingerprint (claimed,
 *   checked); real[WRITES], key[WRITES], before[WRITES], after[WRITES], siblings[WRITES][H] (the
 *   path inside the subtree, in the tree as it is after the previous writes).
 * assumptions (aggregator): the chunks' roots chain from R0 to R1 (or, with shards, from the
 *   shard's subtree root in R0 to the one in R1, and the aggregator recombines subtree roots over
 *   the top SHARD_BITS levels); their key ranges are increasing and disjoint (hi_i < lo_{i+1}); γ is
 *   the block's challenge; the product of the chunks' fingerprints equals the columns'. The circuit
 *   does not look inside leaves: their contents are the columns' business.
 */
template StateUpdate(WRITES, DEPTH, SHARD_BITS) {
    var H = DEPTH - SHARD_BITS;
    assert(SHARD_BITS >= 0 && H >= 1);

    signal input rootBefore;
    signal input rootAfter;
    signal input shard;
    signal input keyLo;
    signal input keyHi;
    signal input gamma;
    signal input writeDigest;
    signal input fingerprint;

    signal input real[WRITES];
    signal input key[WRITES];
    signal input before[WRITES];
    signal input after[WRITES];
    signal input siblings[WRITES][H];

    signal output pub;

    if (SHARD_BITS == 0) {
        shard === 0;
    } else {
        component shardRange = RangeCheck(SHARD_BITS);
        shardRange.in <== shard;
    }

    component realPrefix = PrefixFlags(WRITES);
    component keyBits[WRITES];
    component keyOrder[WRITES];
    component update[WRITES];
    component commit[WRITES];
    signal root[WRITES + 1];
    signal wDigest[WRITES + 1];
    signal fp[WRITES + 1];
    root[0] <== rootBefore;
    wDigest[0] <== 0;
    fp[0] <== 1;
    for (var w = 0; w < WRITES; w++) {
        realPrefix.flag[w] <== real[w];
        (1 - real[w]) * key[w] === 0;
        (1 - real[w]) * before[w] === 0;
        (1 - real[w]) * after[w] === 0;

        // key < 2^DEPTH, its path bits, and its shard (top SHARD_BITS bits).
        keyBits[w] = Num2Bits(DEPTH);
        keyBits[w].in <== key[w];
        if (SHARD_BITS > 0) {
            var top = 0;
            for (var j = 0; j < SHARD_BITS; j++) top += keyBits[w].out[H + j] * (1 << j);
            real[w] * (top - shard) === 0;
        }
        if (w > 0) {
            keyOrder[w] = IncreasingIfEnabled(DEPTH);
            keyOrder[w].enabled <== real[w];
            keyOrder[w].a <== key[w - 1];
            keyOrder[w].b <== key[w];
        }

        update[w] = SmtUpdate(H);
        update[w].enabled <== real[w];
        update[w].oldRoot <== root[w];
        update[w].before <== before[w];
        update[w].after <== after[w];
        for (var i = 0; i < H; i++) {
            update[w].bits[i] <== keyBits[w].out[i];
            update[w].siblings[i] <== siblings[w][i];
        }
        root[w + 1] <== update[w].newRoot;

        commit[w] = WriteCommitIfEnabled();
        commit[w].enabled <== real[w];
        commit[w].digestIn <== wDigest[w];
        commit[w].fpIn <== fp[w];
        commit[w].gamma <== gamma;
        commit[w].key <== key[w];
        commit[w].before <== before[w];
        commit[w].after <== after[w];
        wDigest[w + 1] <== commit[w].digestOut;
        fp[w + 1] <== commit[w].fpOut;
    }
    rootAfter === root[WRITES];

    // Key range: keyLo ≤ first real key and last real key ≤ keyHi (keys increase in between).
    // All four values are < 2^DEPTH, so a difference that is negative wraps to ≈ p and fails.
    component loRange = RangeCheck(DEPTH);
    loRange.in <== keyLo;
    component hiRange = RangeCheck(DEPTH);
    hiRange.in <== keyHi;
    signal lastKey[WRITES];
    var last = 0;
    for (var w = 0; w < WRITES; w++) {
        // real[w] − real[w + 1] is 1 exactly at the last real write (real is a prefix).
        if (w + 1 < WRITES) {
            lastKey[w] <== (real[w] - real[w + 1]) * key[w];
        } else {
            lastKey[w] <== real[w] * key[w];
        }
        last += lastKey[w];
    }
    signal loGap;
    loGap <== real[0] * (key[0] - keyLo);
    component loOk = RangeCheck(DEPTH);
    loOk.in <== loGap;
    signal hiGap;
    hiGap <== real[0] * (keyHi - last);
    component hiOk = RangeCheck(DEPTH);
    hiOk.in <== hiGap;
    writeDigest === wDigest[WRITES];
    fingerprint === fp[WRITES];

    component publicHash = StatePublicHash();
    publicHash.rootBefore <== rootBefore;
    publicHash.rootAfter <== rootAfter;
    publicHash.shard <== shard;
    publicHash.keyLo <== keyLo;
    publicHash.keyHi <== keyHi;
    publicHash.writeDigest <== writeDigest;
    publicHash.fingerprint <== fingerprint;
    publicHash.gamma <== gamma;
    pub <== publicHash.out;
}
