pragma circom 2.1.0;

/*
 * The seed and public input of a child proved as Groth16 with one commitment (docs/circuits.md,
 * "Inner nodes as Groth16 with one commitment"; native side: src/commit/verify.ts):
 *     h = Poseidon(lo(D.x), hi(D.x), lo(D.y), hi(D.y)),   x' = Poseidon(x, h),
 * lo = the first five limbs packed (bits 0–214), hi = the top limb (bits 215–253). The verifier
 * step 1, in-circuit: the parent computes the child's public input x' from the statement x it
 * trusts and the child's commitment D, and feeds x' to the child's Groth16 equation (step 2).
 *
 * Canonical coordinates: each coordinate is proved < p (FqLessThanP), so that one point has one
 * hash. Without it, D.x and D.x + p (both in reduced form when D.x + p < 2^254) would give a
 * prover two seeds for one commitment. Caller-enforced: D's coordinates are in reduced form
 * (range-checked where the proof enters the circuit), and D is on the curve (step 2 checks the
 * point it uses).
 *   cost: 2 × FqLessThanP (≈ 60 each) + Poseidon(4) + Poseidon(2).
 */

include "circomlib/circuits/poseidon.circom";
include "./fq.circom";

template CommittedPublicInput(N, K) {
    signal input x;
    signal input D[2][K];
    signal output h;
    signal output xp;
    assert(N * (K - 1) == 215);
    component lt[2];
    component hd = Poseidon(4);
    for (var c = 0; c < 2; c++) {
        lt[c] = FqLessThanP(N, K);
        lt[c].x <== D[c];
        var lo = 0;
        for (var i = 0; i < K - 1; i++) lo += D[c][i] * (1 << (N * i));
        hd.inputs[2 * c] <== lo;
        hd.inputs[2 * c + 1] <== D[c][K - 1];
    }
    h <== hd.out;
    component hx = Poseidon(2);
    hx.inputs[0] <== x;
    hx.inputs[1] <== h;
    xp <== hx.out;
}
