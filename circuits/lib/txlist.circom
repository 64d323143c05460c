pragma circom 2.1.0;

/*
 * The block's transaction list: its commitment, computable by anyone from the block file alone, and
 * its multiset hash, which the block root compares with the columns' (circuits/aggregator.circom).
 * src/crypto/hash.ts (txListCommitment, txListFingerprint) is the reference, bit for bit.
 *
 * Commitment (a Poseidon sponge of rate 15 over the ordered list, its length absorbed first):
 *   c₀ = h(DOMAIN_TXLIST = 0x74786c697374, n);   c_{k+1} = h(c_k, txHash_{15k}, …, txHash_{15k+14}),
 *   with txHash_j = 0 for j ≥ n;   L = c_{⌈n/15⌉}.
 * Multiset hash of the pairs (index, txHash):  T = ∏_{i<n} (γ − txHash_i − δ·i).
 *
 * Why the root's check T_columns = T_list proves "the columns' transactions are exactly the list,
 * each index once" (the argument of multiset checks with a folded tuple, as in PLONK's permutation
 * argument, Gabizon–Williamson–Ciobotaru, ePrint 2019/953, §5):
 *   - Before γ exists, both multisets are fixed: the columns' pairs by their tx digests (which enter
 *     the column side's tree digest), the list by L; the root derives γ = h(…, dig_C, dig_S, L) and
 *     δ = h(DOMAIN_DELTA, γ), so in the random-oracle model (γ, δ) is uniform in F_r² and independent
 *     of both multisets.
 *   - P(X, Y) = ∏_{pairs} (X − h − Y·i) is a product of degree-1 irreducible polynomials of F_r[X, Y];
 *     distinct pairs give distinct (non-associate) factors, so by unique factorisation two multisets of
 *     pairs are equal iff their polynomials are. If they differ, P_C − P_L is a non-zero polynomial of
 *     total degree ≤ N (the larger multiset's size), which vanishes at a uniform point with probability
 *     ≤ N / r (Schwartz–Zippel). A prover trying q challenges succeeds with probability ≤ q·N / r:
 *     for N ≤ 2^16 and q ≤ 2^80 that is below 2^-157.
 *   - Equal multisets with the list's indices 0 … n − 1 mean: every column transaction has an index
 *     below n, each index occurs exactly once over all columns, and the column transaction at index i
 *     has the list's hash txHash_i, which by the collision resistance of Poseidon is the block's i-th
 *     transaction (chain id, from, to, amount, nonce).
 *
 * TxList(MAXTX): the list of a block with n ≤ MAXTX transactions, in slots 0 … MAXTX − 1.
 *   inputs: active[MAXTX] (slot i holds a transaction: checked to be the prefix 1…1 0…0, so n = Σ),
 *           hash[MAXTX] (txHash_i; checked to be 0 in an inactive slot, so L depends on the list
 *           alone), gamma, delta (the challenges: caller).
 *   outputs: count = n, commitment = L, fingerprint = T.
 *   cost: ≈ 46 per slot (the sponge: one Poseidon(16) per 15 slots) + 6 per slot.
 */

include "circomlib/circuits/poseidon.circom";
include "helpers.circom";

function txlist_rate() {
    return 15;
}

function txlist_domain() {
    return 0x74786c697374;
}

template TxList(MAXTX) {
    var R = txlist_rate();
    var K = (MAXTX + R - 1) \ R;
    signal input active[MAXTX];
    signal input hash[MAXTX];
    signal input gamma;
    signal input delta;
    signal output count;
    signal output commitment;
    signal output fingerprint;

    component prefix = PrefixFlags(MAXTX);
    var n = 0;
    for (var i = 0; i < MAXTX; i++) {
        prefix.flag[i] <== active[i];
        (1 - active[i]) * hash[i] === 0;
        n += active[i];
    }
    count <== n;

    // the sponge: c[0] = h(DOMAIN, n), c[k+1] = h(c[k], 15 hashes); slots past MAXTX are 0
    component absorb[K + 1];
    signal c[K + 1];
    absorb[0] = Poseidon(2);
    absorb[0].inputs[0] <== txlist_domain();
    absorb[0].inputs[1] <== count;
    c[0] <== absorb[0].out;
    for (var k = 0; k < K; k++) {
        absorb[k + 1] = Poseidon(R + 1);
        absorb[k + 1].inputs[0] <== c[k];
        for (var j = 0; j < R; j++) {
            if (k * R + j < MAXTX) {
                absorb[k + 1].inputs[j + 1] <== hash[k * R + j];
            } else {
                absorb[k + 1].inputs[j + 1] <== 0;
            }
        }
        c[k + 1] <== absorb[k + 1].out;
    }
    // L = c[⌈n/15⌉]: chunk k is the last one iff slot 15(k−1) is active and slot 15k is not (with the
    // prefix property exactly one k has last[k] = 1)
    signal last[K + 1];
    signal pick[K + 1];
    var acc = 0;
    for (var k = 0; k <= K; k++) {
        if (k == 0) {
            last[k] <== 1 - active[0];
        } else if (k * R < MAXTX) {
            last[k] <== active[(k - 1) * R] * (1 - active[k * R]);
        } else {
            last[k] <== active[(k - 1) * R];
        }
        pick[k] <== last[k] * c[k];
        acc += pick[k];
    }
    commitment <== acc;

    // T = ∏ over active slots of (γ − hash_i − δ·i)
    signal t[MAXTX + 1];
    signal factorMinusOne[MAXTX];
    t[0] <== 1;
    for (var i = 0; i < MAXTX; i++) {
        factorMinusOne[i] <== active[i] * (gamma - hash[i] - delta * i - 1);
        t[i + 1] <== t[i] * (1 + factorMinusOne[i]);
    }
    fingerprint <== t[MAXTX];
}
