pragma circom 2.1.0;

/*
 * Fq2 = Fq[u]/(u² + 1): an element is a[2][K] = a[0] + a[1]·u, each coefficient in reduced form
 * (fq.circom). Products use the evaluation scheme ID 2 (Fr has i = √−1, so ψ±(a) = a0 ± i·a1 are
 * ring homomorphisms into Fr): 2·(2K − 1) native products and one reduction per output coefficient
 * (lazy reduction: a0·b0 − a1·b1 is reduced once, not per partial product).
 */

include "./fq.circom";

template Fq2Mul(N, K) {
    signal input a[2][K];
    signal input b[2][K];
    signal output out[2][K];
    component g = ExtMul(N, K, 2);
    g.a <== a;
    g.b <== b;
    out <== g.out;
}

template Fq2Square(N, K) {
    signal input a[2][K];
    signal output out[2][K];
    component g = ExtMul(N, K, 2);
    g.a <== a;
    g.b <== a;
    out <== g.out;
}

/* Fq2Linear(N, K, NT, C): Σ_j C[j]·x[j] for small integer constants (add, sub, neg, double). */
template Fq2Linear(N, K, NT, C) {
    signal input x[NT][2][K];
    signal output out[2][K];
    component l[2];
    for (var c = 0; c < 2; c++) {
        l[c] = FqLinear(N, K, NT, C);
        for (var j = 0; j < NT; j++) l[c].x[j] <== x[j][c];
        out[c] <== l[c].out;
    }
}

template Fq2Add(N, K) {
    signal input a[2][K];
    signal input b[2][K];
    signal output out[2][K];
    component g = Fq2Linear(N, K, 2, [1, 1]);
    g.x[0] <== a;
    g.x[1] <== b;
    out <== g.out;
}

template Fq2Sub(N, K) {
    signal input a[2][K];
    signal input b[2][K];
    signal output out[2][K];
    component g = Fq2Linear(N, K, 2, [1, -1]);
    g.x[0] <== a;
    g.x[1] <== b;
    out <== g.out;
}

template Fq2Neg(N, K) {
    signal input a[2][K];
    signal output out[2][K];
    component g = Fq2Linear(N, K, 1, [-1]);
    g.x[0] <== a;
    out <== g.out;
}

/* Fq2Conj(N, K): a0 − a1·u. cost: one negation. */
template Fq2Conj(N, K) {
    signal input a[2][K];
    signal output out[2][K];
    out[0] <== a[0];
    component n = FqNeg(N, K);
    n.a <== a[1];
    out[1] <== n.out;
}

/* Fq2MulByXi(N, K): (9 + u)·a = (9a0 − a1) + (a0 + 9a1)·u. cost: two small linear reductions. */
template Fq2MulByXi(N, K) {
    signal input a[2][K];
    signal output out[2][K];
    component r0 = FqLinear(N, K, 2, [9, -1]);
    r0.x[0] <== a[0];
    r0.x[1] <== a[1];
    component r1 = FqLinear(N, K, 2, [1, 9]);
    r1.x[0] <== a[0];
    r1.x[1] <== a[1];
    out[0] <== r0.out;
    out[1] <== r1.out;
}

/*
 * Fq2MulConst(N, K, C0LO, C0HI, C1LO, C1HI, CONJ): (c0 + c1·u)·conj^CONJ(a) for a constant given
 * as 128-bit halves. The constant's limbs make each coefficient product linear (no native
 * products): two reductions with DB = 2N + ⌈log2 K⌉ + 1, VB = 509.
 */
template Fq2MulConst(N, K, C0LO, C0HI, C1LO, C1HI, CONJ) {
    signal input a[2][K];
    signal output out[2][K];
    var c0[40] = bn_const_limbs(N, K, C0LO, C0HI);
    var c1[40] = bn_const_limbs(N, K, C1LO, C1HI);
    var sg = CONJ == 1 ? -1 : 1;
    component red[2];
    for (var c = 0; c < 2; c++) red[c] = FqReduce(N, K, 2 * K - 1, 2 * N + bn_clog2(K) + 1, 509, 1, 0);
    for (var m = 0; m < 2 * K - 1; m++) {
        var re = 0;
        var im = 0;
        for (var i = 0; i < K; i++) {
            if (m - i >= 0 && m - i < K) {
                // (c0 + c1 u)(a0 + sg·a1 u) = c0 a0 − sg c1 a1 + (sg c0 a1 + c1 a0) u
                re += c0[i] * a[0][m - i] - sg * c1[i] * a[1][m - i];
                im += sg * c0[i] * a[1][m - i] + c1[i] * a[0][m - i];
            }
        }
        red[0].d[m] <== re;
        red[1].d[m] <== im;
    }
    out[0] <== red[0].r;
    out[1] <== red[1].r;
}

/*
 * Fq2Div(N, K): out = a / b (b ≠ 0). Hint out = a·conj(b)/(b0² + b1²) (circom functions);
 *   proves out in reduced form and b·out − a ≡ 0. cost: 2·254 + 22 + two zero reductions.
 */
template Fq2Div(N, K) {
    signal input a[2][K];
    signal input b[2][K];
    signal output out[2][K];
    var a0[40]; var a1[40]; var b0[40]; var b1[40];
    for (var i = 0; i < 40; i++) { a0[i] = 0; a1[i] = 0; b0[i] = 0; b1[i] = 0; }
    for (var i = 0; i < K; i++) { a0[i] = a[0][i]; a1[i] = a[1][i]; b0[i] = b[0][i]; b1[i] = b[1][i]; }
    var o[80] = bn_fq2_div_hint(N, K, a0, a1, b0, b1, 254 + 0 * b[0][0]);
    for (var i = 0; i < K; i++) {
        out[0][i] <-- o[i];
        out[1][i] <-- o[40 + i];
    }
    component rc[2];
    for (var c = 0; c < 2; c++) {
        rc[c] = FqRangeCheck(N, K);
        rc[c].x <== out[c];
    }
    component z = ExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 0);
    z.x[0] <== b;
    z.y[0] <== out;
    z.z[0] <== a;
}

template Fq2Inv(N, K) {
    signal input a[2][K];
    signal output out[2][K];
    component d = Fq2Div(N, K);
    for (var i = 0; i < K; i++) {
        d.a[0][i] <== i == 0 ? 1 : 0;
        d.a[1][i] <== 0;
    }
    d.b <== a;
    out <== d.out;
}

template Fq2AssertEqual(N, K) {
    signal input a[2][K];
    signal input b[2][K];
    component e[2];
    for (var c = 0; c < 2; c++) {
        e[c] = FqAssertEqual(N, K);
        e[c].a <== a[c];
        e[c].b <== b[c];
    }
}
