pragma circom 2.1.0;

/*
 * The committed child's checks in-circuit (docs/circuits.md, "Verifying a committed child"): the
 * parent verifies a child proved as Groth16 with one commitment, (A, B, C, D, P), by
 *   1. h = H(D), x' = Poseidon(x, h)                         (CommittedPublicInput)
 *   2. e(A, B) = e(α, β)·e(IC0 + x'·IC1 + D, γ)·e(C, δ)
 *   3. e(P, [1]₂) = e(D, [σ]₂)
 * with 2 and 3 in one multi-Miller loop: 3 raised to a random ρ joins 2's product as the pairs
 * (ρ·P, [1]₂), (ρ·D, −[σ]₂) (DG1GlvMul computes ρ·P and ρ·D). If 2 or 3 fails, the product of the
 * two is 1 for at most one ρ mod r (GT is cyclic of order r); ρ comes from a hash of the whole
 * child proof (Groth16Verifier, CM = 1: bits 0–127 of it, 2^128 distinct ρ), so the error is about
 * Q·2^−125 for a prover making Q hash evaluations (Fiat–Shamir in the random-oracle model; the low
 * bits of a field element are within 2^−125 of uniform; the prover's choice between two bit
 * decompositions of the hash and between encodings of a coordinate counts among the Q). ρ cannot
 * come from a committed parent's seed: ρ·P and ρ·D feed the Miller loop, whose values must all be
 * fixed before the seed's challenges.
 *
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
include "./deferred.circom";

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

/* The limbs of GLV's β (φ(x, y) = (β·x, y) = [λ](x, y) on G1; src/bn254/groth16.ts GLV_BETA). */
function bn_glv_beta_limbs() {
    return [7909048057854, 3760410258536, 3658398811827, 6491044726230, 368166, 0];
}

/*
 * DG1GlvMul(N, K, RC, NB): ρ·P for a point P ∈ G1 and ρ = (2^(NB+1) + ρ₁) + λ·ρ₂ with
 * ρ_j = Σ_i (2·b_j[i] − 1)·2^i (signed digits from the bits b1, b2, NB each), by the GLV
 * endomorphism φ(P) = (β·x, y) = [λ]P (Gallant, Lambert, Vanstone, CRYPTO 2001):
 *     Q₁ = P + φ(P), Q₂ = P − φ(P), acc = Q₁ + Q₂ = 2P,
 *     for i = NB − 1 … 0:  T = (2b1 − 1)·(b1 ⊕ b2 ? Q₂ : Q₁),  acc ← (acc + T) + acc.
 * T = s₁·P + s₂·φ(P) is selected by a multilinear form in the bits (its y as a signed limb vector,
 * fine for the deferred gadgets: every obligation is an integer identity checked mod p). Every
 * addition is DG1AddHinted, which proves x_p ≢ x_q: a wrong sum cannot pass. Completeness: acc's
 * coefficient v of P is 2 at the start and |v| grows (|2v ± 1| ≥ |v| + 1), so acc ≠ ±T and
 * acc + T ≠ ±acc at every step: equality would put a non-zero vector with entries below 2^(NB+3)
 * into the lattice {(a, b) : a + λb ≡ 0 mod r}, whose shortest vector has norm 2^126.8 (NB = 64).
 * Distinct bits give distinct ρ mod r for the same reason.
 * Caller-enforced: P on the curve with reduced coordinates; b1, b2 bits.
 *   hints: lambda, xInv per addition (3 + 2·NB), in order (groth16.ts glvMul).
 *   Obligations: β·x, then 4 per addition. Values: β·x, then each addition's sum (2).
 */
template DG1GlvMul(N, K, RC, NB) {
    var NP = 2 * K - 1;
    var NA = 3 + 2 * NB;
    signal input p[2][K];
    signal input b1[NB];
    signal input b2[NB];
    signal input lambda[NA][K];
    signal input xInv[NA][K];
    signal output out[2][K];
    signal output e[1 + 4 * NA][NP];
    signal output vals[1 + 2 * NA][K];
    var BETA[6] = bn_glv_beta_limbs();
    component bx = DExtSumOfProducts(N, K, 1, 1, [1], 0, [0], 0, 2 - RC);
    for (var i = 0; i < K; i++) bx.x[0][0][i] <== BETA[i];
    bx.y[0][0] <== p[0];
    component add[NA];
    for (var a = 0; a < NA; a++) {
        add[a] = DG1AddHinted(N, K, RC);
        add[a].lambda <== lambda[a];
        add[a].xInv <== xInv[a];
    }
    // Q1 = P + φ(P), Q2 = P − φ(P), 2P = Q1 + Q2
    add[0].p <== p;
    add[0].q[0] <== bx.out[0];
    add[0].q[1] <== p[1];
    add[1].p <== p;
    add[1].q[0] <== bx.out[0];
    for (var i = 0; i < K; i++) add[1].q[1][i] <== -p[1][i];
    add[2].p <== add[0].out;
    add[2].q <== add[1].out;
    signal bb[NB];
    signal xor[NB];
    signal dx[NB][K];
    signal dy[NB][K];
    signal tx[NB][K];
    signal ty[NB][K];
    for (var s = 0; s < NB; s++) {
        var i = NB - 1 - s;
        bb[s] <== b1[i] * b2[i];
        xor[s] <== b1[i] + b2[i] - 2 * bb[s];
        for (var l = 0; l < K; l++) {
            dx[s][l] <== xor[s] * (add[1].out[0][l] - add[0].out[0][l]);
            tx[s][l] <== add[0].out[0][l] + dx[s][l];
            dy[s][l] <== xor[s] * (add[1].out[1][l] - add[0].out[1][l]);
            ty[s][l] <== (2 * b1[i] - 1) * (add[0].out[1][l] + dy[s][l]);
        }
        var f = 3 + 2 * s;
        if (s == 0) {
            add[f].p <== add[2].out;
        } else {
            add[f].p <== add[f - 1].out;
        }
        add[f].q[0] <== tx[s];
        add[f].q[1] <== ty[s];
        add[f + 1].p <== add[f].out;
        add[f + 1].q <== add[f].p;
    }
    out <== add[NA - 1].out;
    e[0] <== bx.e[0];
    vals[0] <== bx.out[0];
    for (var a = 0; a < NA; a++) {
        for (var j = 0; j < 4; j++) e[1 + 4 * a + j] <== add[a].e[j];
        vals[1 + 2 * a] <== add[a].out[0];
        vals[2 + 2 * a] <== add[a].out[1];
    }
}
