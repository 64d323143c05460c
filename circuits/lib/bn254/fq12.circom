pragma circom 2.1.0;

/*
 * Fq12 = Fq2[w]/(w⁶ − ξ), ξ = 9 + u, as a direct degree-12 representation over Fq in the tower
 * basis: an element is a[6][2][K] = Σ_b (a[b][0] + a[b][1]·u)·w^b (ffjavascript's
 * Fq6 = Fq2[v]/(v³ − ξ), Fq12 = Fq6[w]/(w² − v) maps with v = w²: src/bn254/limbs.ts).
 *
 * A product is one polynomial identity per output coefficient: the 12 integer coefficients of
 * A·B mod (u² + 1, w⁶ − 9 − u) are recovered from 17·(2K − 1) native products (evaluation scheme
 * ID 12, constants.circom: 6 ring homomorphisms w ↦ ρ_k with ρ_k⁶ = 9 + i in Fr, plus 11 point
 * evaluations of the image in Fr[w]/(w⁶ − (9 − i))), and each is reduced once mod p. An output
 * coefficient sums at most 102 = 2^6.7 limb-products (structure constants of the basis ≤ 9 + 1),
 * so q' has 263 bits instead of the 269 of the basis w^0…w^11 (where reducing w^12 = 18w^6 − 82
 * leads to coefficients up to 1476).
 */

include "./fq2.circom";

template Fq12Mul(N, K) {
    signal input a[6][2][K];
    signal input b[6][2][K];
    signal output out[6][2][K];
    component g = ExtMul(N, K, 12);
    for (var j = 0; j < 12; j++) {
        g.a[j] <== a[j \ 2][j % 2];
        g.b[j] <== b[j \ 2][j % 2];
    }
    for (var j = 0; j < 12; j++) out[j \ 2][j % 2] <== g.out[j];
}

template Fq12Square(N, K) {
    signal input a[6][2][K];
    signal output out[6][2][K];
    component g = ExtMul(N, K, 12);
    for (var j = 0; j < 12; j++) {
        g.a[j] <== a[j \ 2][j % 2];
        g.b[j] <== a[j \ 2][j % 2];
    }
    for (var j = 0; j < 12; j++) out[j \ 2][j % 2] <== g.out[j];
}

/*
 * Fq12Frobenius(N, K, E): a^(p^E), E ∈ {1, 2, 3}: coefficient b becomes conj^E(A_b)·γ_E^b,
 * γ_E = ξ^((p^E − 1)/6) (constants.circom). Constant multiplications only (no native products):
 * 5 Fq2MulConst (b = 1…5, two reductions each) + the conjugate of A_0 for odd E.
 */
template Fq12Frobenius(N, K, E) {
    signal input a[6][2][K];
    signal output out[6][2][K];
    var g[4][6][2][2] = bn_frobenius_halves();
    component c0;
    if (E % 2 == 1) {
        c0 = Fq2Conj(N, K);
        c0.a <== a[0];
        out[0] <== c0.out;
    } else {
        out[0] <== a[0];
    }
    component m[6];
    for (var b = 1; b < 6; b++) {
        m[b] = Fq2MulConst(N, K, g[E][b][0][0], g[E][b][0][1], g[E][b][1][0], g[E][b][1][1], E % 2);
        m[b].a <== a[b];
        out[b] <== m[b].out;
    }
}

template Fq12AssertEqual(N, K) {
    signal input a[6][2][K];
    signal input b[6][2][K];
    component e[6];
    for (var j = 0; j < 6; j++) {
        e[j] = Fq2AssertEqual(N, K);
        e[j].a <== a[j];
        e[j].b <== b[j];
    }
}
