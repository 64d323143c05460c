pragma circom 2.1.0;

/*
 * G2 of BN254 on the sextic twist E': y² = x³ + b', b' = 3/(9 + u), affine over Fq2: a point is
 * p[2][2][K] = (x, y), coordinates in Fq2 (fq2.circom). Same formulas as g1.circom with Fq2
 * slopes; each Fq2 result is reduced once per coefficient.
 */

include "./fq2.circom";

template G2AssertOnCurve(N, K) {
    signal input p[2][2][K];
    component xx = Fq2Square(N, K);
    xx.a <== p[0];
    component z = ExtSumOfProducts(N, K, 2, 2, [1, -1], 1, [-1], 0, 0);
    z.x[0] <== p[1];
    z.y[0] <== p[1];
    z.x[1] <== p[0];
    z.y[1] <== xx.out;
    var bh[4] = bn_twist_b_halves();
    var b0[40] = bn_const_limbs(N, K, bh[0], bh[1]);
    var b1[40] = bn_const_limbs(N, K, bh[2], bh[3]);
    for (var i = 0; i < K; i++) {
        z.z[0][0][i] <== b0[i];
        z.z[0][1][i] <== b1[i];
    }
}

// Reads an Fq2 signal pair into a padded var array (for hints).
function bn_pad2(K, a0, a1) {
    var o[2][40];
    for (var i = 0; i < 40; i++) { o[0][i] = 0; o[1][i] = 0; }
    for (var i = 0; i < K; i++) { o[0][i] = a0[i]; o[1][i] = a1[i]; }
    return o;
}

/*
 * G2Slope(N, K, DBL): the slope λ ∈ Fq2 through p and q (DBL = 0, x_p ≢ x_q) or of the tangent
 * at p (DBL = 1), as a hint in reduced form, checked by one Fq2 zero reduction:
 * λ(x_q − x_p) − (y_q − y_p) ≡ 0, or 2λ·y_p − 3x_p² ≡ 0.
 */
template G2Slope(N, K, DBL) {
    signal input p[2][2][K];
    signal input q[2][2][K];
    signal output lambda[2][K];
    var x1[2][40] = bn_pad2(K, p[0][0], p[0][1]);
    var y1[2][40] = bn_pad2(K, p[1][0], p[1][1]);
    var x2[2][40] = bn_pad2(K, q[0][0], q[0][1]);
    var y2[2][40] = bn_pad2(K, q[1][0], q[1][1]);
    var lv[80];
    if (DBL == 1) {
        lv = bn_fq2_slope_dbl_hint(N, K, x1, y1, 254 + 0 * p[0][0][0]);
    } else {
        lv = bn_fq2_slope_add_hint(N, K, x1, y1, x2, y2, 254 + 0 * p[0][0][0]);
    }
    for (var i = 0; i < K; i++) {
        lambda[0][i] <-- lv[i];
        lambda[1][i] <-- lv[40 + i];
    }
    component lr[2];
    for (var c = 0; c < 2; c++) {
        lr[c] = FqRangeCheck(N, K);
        lr[c].x <== lambda[c];
    }
    component sl;
    if (DBL == 1) {
        sl = ExtSumOfProducts(N, K, 2, 2, [2, -3], 0, [0], 0, 0);
        sl.x[0] <== lambda;
        sl.y[0] <== p[1];
        sl.x[1] <== p[0];
        sl.y[1] <== p[0];
    } else {
        sl = ExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 0);
        sl.x[0] <== lambda;
        for (var c = 0; c < 2; c++) {
            for (var i = 0; i < K; i++) {
                sl.y[0][c][i] <== q[0][c][i] - p[0][c][i];
                sl.z[0][c][i] <== q[1][c][i] - p[1][c][i];
            }
        }
    }
}

/*
 * G2ApplySlope(N, K, DBL): given a checked slope λ through p and q (q = p when DBL = 1), the sum:
 * x3 ≡ λ² − x_p − x_q, y3 ≡ λ(x_p − x3) − y_p. cost: 2 Fq2 reductions.
 */
template G2ApplySlope(N, K) {
    signal input lambda[2][K];
    signal input p[2][2][K];
    signal input q[2][2][K];
    signal output out[2][2][K];
    component x3 = ExtSumOfProducts(N, K, 2, 1, [1], 2, [-1, -1], 0, 1);
    x3.x[0] <== lambda;
    x3.y[0] <== lambda;
    x3.z[0] <== p[0];
    x3.z[1] <== q[0];
    component y3 = ExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 1);
    y3.x[0] <== lambda;
    for (var c = 0; c < 2; c++) {
        for (var i = 0; i < K; i++) y3.y[0][c][i] <== p[0][c][i] - x3.out[c][i];
    }
    y3.z[0] <== p[1];
    out[0] <== x3.out;
    out[1] <== y3.out;
}

/* G2Add(N, K): p + q for x_p ≢ x_q (precondition as G1Add). */
template G2Add(N, K) {
    signal input p[2][2][K];
    signal input q[2][2][K];
    signal output out[2][2][K];
    component s = G2Slope(N, K, 0);
    s.p <== p;
    s.q <== q;
    component a = G2ApplySlope(N, K);
    a.lambda <== s.lambda;
    a.p <== p;
    a.q <== q;
    out <== a.out;
}

/* G2Double(N, K): 2p (y_p ≢ 0; the twist's G2 subgroup has odd order). */
template G2Double(N, K) {
    signal input p[2][2][K];
    signal output out[2][2][K];
    component s = G2Slope(N, K, 1);
    s.p <== p;
    s.q <== p;
    component a = G2ApplySlope(N, K);
    a.lambda <== s.lambda;
    a.p <== p;
    a.q <== p;
    out <== a.out;
}

/*
 * G2Psi(N, K): the untwist-Frobenius-twist endomorphism ψ(x, y) = (conj(x)·γ_1^2, conj(y)·γ_1^3),
 * γ_1 = ξ^((p − 1)/6); on G2, ψ(Q) = [p]Q. cost: 4 constant-multiplication reductions.
 */
template G2Psi(N, K) {
    signal input p[2][2][K];
    signal output out[2][2][K];
    var g[4][6][2][2] = bn_frobenius_halves();
    component mx = Fq2MulConst(N, K, g[1][2][0][0], g[1][2][0][1], g[1][2][1][0], g[1][2][1][1], 1);
    mx.a <== p[0];
    component my = Fq2MulConst(N, K, g[1][3][0][0], g[1][3][0][1], g[1][3][1][0], g[1][3][1][1], 1);
    my.a <== p[1];
    out[0] <== mx.out;
    out[1] <== my.out;
}

// ---------------------------------------------------------------------------------------------
// Slope-as-input variants (see g1.circom): λ ∈ Fq2 and, for addition, (x_q − x_p)⁻¹ ∈ Fq2 are
// inputs; λ is constrained as in G2Slope (range check + one Fq2 zero reduction).
// ---------------------------------------------------------------------------------------------

/*
 * Fq2AssertInverse(N, K): a·inv ≡ 1 in Fq2, so a ≢ 0. a may be a difference of reduced values;
 * inv is range-checked here. cost: 2·254 + Fq2 zero reduction.
 */
template Fq2AssertInverse(N, K) {
    signal input a[2][K];
    signal input inv[2][K];
    component ir[2];
    for (var c = 0; c < 2; c++) {
        ir[c] = FqRangeCheck(N, K);
        ir[c].x <== inv[c];
    }
    component nz = ExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 0);
    nz.x[0] <== a;
    nz.y[0] <== inv;
    for (var i = 0; i < K; i++) {
        nz.z[0][0][i] <== i == 0 ? 1 : 0;
        nz.z[0][1][i] <== 0;
    }
}

/*
 * G2SlopeCheck(N, K, DBL): λ (an input) is the slope through p and q (DBL = 0) or of the tangent
 * at p (DBL = 1): λ in reduced form and λ(x_q − x_p) − (y_q − y_p) ≡ 0, or 2λ·y_p − 3x_p² ≡ 0.
 * For DBL = 0 also proves x_p ≢ x_q with xInv = (x_q − x_p)⁻¹ (ignored when DBL = 1).
 */
template G2SlopeCheck(N, K, DBL) {
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal input p[2][2][K];
    signal input q[2][2][K];
    component lr[2];
    for (var c = 0; c < 2; c++) {
        lr[c] = FqRangeCheck(N, K);
        lr[c].x <== lambda[c];
    }
    component sl;
    if (DBL == 1) {
        sl = ExtSumOfProducts(N, K, 2, 2, [2, -3], 0, [0], 0, 0);
        sl.x[0] <== lambda;
        sl.y[0] <== p[1];
        sl.x[1] <== p[0];
        sl.y[1] <== p[0];
    } else {
        component dx = Fq2AssertInverse(N, K);
        for (var c = 0; c < 2; c++) {
            for (var i = 0; i < K; i++) dx.a[c][i] <== q[0][c][i] - p[0][c][i];
        }
        dx.inv <== xInv;
        sl = ExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 0);
        sl.x[0] <== lambda;
        for (var c = 0; c < 2; c++) {
            for (var i = 0; i < K; i++) {
                sl.y[0][c][i] <== q[0][c][i] - p[0][c][i];
                sl.z[0][c][i] <== q[1][c][i] - p[1][c][i];
            }
        }
    }
}

/* G2AddHinted(N, K): p + q with λ and xInv = (x_q − x_p)⁻¹ as inputs; proves x_p ≢ x_q. */
template G2AddHinted(N, K) {
    signal input p[2][2][K];
    signal input q[2][2][K];
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal output out[2][2][K];
    component s = G2SlopeCheck(N, K, 0);
    s.lambda <== lambda;
    s.xInv <== xInv;
    s.p <== p;
    s.q <== q;
    component a = G2ApplySlope(N, K);
    a.lambda <== lambda;
    a.p <== p;
    a.q <== q;
    out <== a.out;
}

/* G2DoubleHinted(N, K): 2p with the tangent slope λ as an input (no λ exists when y_p ≡ 0). */
template G2DoubleHinted(N, K) {
    signal input p[2][2][K];
    signal input lambda[2][K];
    signal output out[2][2][K];
    component s = G2SlopeCheck(N, K, 1);
    s.lambda <== lambda;
    for (var c = 0; c < 2; c++) {
        for (var i = 0; i < K; i++) s.xInv[c][i] <== 0;
    }
    s.p <== p;
    s.q <== p;
    component a = G2ApplySlope(N, K);
    a.lambda <== lambda;
    a.p <== p;
    a.q <== p;
    out <== a.out;
}
