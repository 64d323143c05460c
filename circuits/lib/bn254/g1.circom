pragma circom 2.1.0;

/*
 * G1 of BN254 in affine coordinates over Fq: E: y² = x³ + 3. A point is p[2][K] = (x, y), each
 * coordinate in reduced form (fq.circom). The point at infinity has no representation: callers
 * keep it out (the in-circuit verifier's points are fixed or checked non-zero).
 *
 * Slopes are hints (circom functions) checked by one zero reduction; results are reduced once each
 * with the differences folded into the products (lazy: x1 − x3 is never reduced on its own).
 */

include "./fq.circom";

/* G1AssertOnCurve(N, K): y² − x·x² − 3 ≡ 0. cost: FqSquare + 22 products + zero reduction. */
template G1AssertOnCurve(N, K) {
    signal input p[2][K];
    component xx = FqSquare(N, K);
    xx.a <== p[0];
    component z = ExtSumOfProducts(N, K, 1, 2, [1, -1], 1, [-1], 0, 0);
    z.x[0][0] <== p[1];
    z.y[0][0] <== p[1];
    z.x[1][0] <== p[0];
    z.y[1][0] <== xx.out;
    for (var i = 0; i < K; i++) z.z[0][0][i] <== i == 0 ? 3 : 0;
}

/*
 * G1Add(N, K): p + q for p ≠ ±q (x_p ≢ x_q: the caller's precondition; when x_p ≡ x_q and
 * y_p ≡ y_q any slope passes, when y_p ≢ y_q none does). λ(x_q − x_p) ≡ y_q − y_p,
 * x3 ≡ λ² − x_p − x_q, y3 ≡ λ(x_p − x3) − y_p. cost ≈ 254 + 3 reductions + 33 products.
 */
template G1Add(N, K) {
    signal input p[2][K];
    signal input q[2][K];
    signal output out[2][K];
    var x1[40]; var y1[40]; var x2[40]; var y2[40];
    for (var i = 0; i < 40; i++) { x1[i] = 0; y1[i] = 0; x2[i] = 0; y2[i] = 0; }
    for (var i = 0; i < K; i++) { x1[i] = p[0][i]; y1[i] = p[1][i]; x2[i] = q[0][i]; y2[i] = q[1][i]; }
    var lv[40] = bn_slope_add_hint(N, K, x1, y1, x2, y2, 254 + 0 * p[0][0]);
    signal lambda[K];
    for (var i = 0; i < K; i++) lambda[i] <-- lv[i];
    component lr = FqRangeCheck(N, K);
    lr.x <== lambda;
    component sl = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 0);
    sl.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) {
        sl.y[0][0][i] <== q[0][i] - p[0][i];
        sl.z[0][0][i] <== q[1][i] - p[1][i];
    }
    component x3 = ExtSumOfProducts(N, K, 1, 1, [1], 2, [-1, -1], 0, 1);
    x3.x[0][0] <== lambda;
    x3.y[0][0] <== lambda;
    x3.z[0][0] <== p[0];
    x3.z[1][0] <== q[0];
    component y3 = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 1);
    y3.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) y3.y[0][0][i] <== p[0][i] - x3.out[0][i];
    y3.z[0][0] <== p[1];
    out[0] <== x3.out[0];
    out[1] <== y3.out[0];
}

/*
 * G1Double(N, K): 2p. λ·2y ≡ 3x² (no λ exists when y ≡ 0 and x ≢ 0; G1 has no point of order 2),
 * x3 ≡ λ² − 2x, y3 ≡ λ(x − x3) − y. cost ≈ 254 + 3 reductions + 44 products.
 */
template G1Double(N, K) {
    signal input p[2][K];
    signal output out[2][K];
    var x1[40]; var y1[40];
    for (var i = 0; i < 40; i++) { x1[i] = 0; y1[i] = 0; }
    for (var i = 0; i < K; i++) { x1[i] = p[0][i]; y1[i] = p[1][i]; }
    var lv[40] = bn_slope_dbl_hint(N, K, x1, y1, 254 + 0 * p[0][0]);
    signal lambda[K];
    for (var i = 0; i < K; i++) lambda[i] <-- lv[i];
    component lr = FqRangeCheck(N, K);
    lr.x <== lambda;
    component sl = ExtSumOfProducts(N, K, 1, 2, [2, -3], 0, [0], 0, 0);
    sl.x[0][0] <== lambda;
    sl.y[0][0] <== p[1];
    sl.x[1][0] <== p[0];
    sl.y[1][0] <== p[0];
    component x3 = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-2], 0, 1);
    x3.x[0][0] <== lambda;
    x3.y[0][0] <== lambda;
    x3.z[0][0] <== p[0];
    component y3 = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 1);
    y3.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) y3.y[0][0][i] <== p[0][i] - x3.out[0][i];
    y3.z[0][0] <== p[1];
    out[0] <== x3.out[0];
    out[1] <== y3.out[0];
}

// ---------------------------------------------------------------------------------------------
// Slope-as-input variants: λ (and, for addition, (x_q − x_p)⁻¹) come from the caller (computed
// outside the circuit, e.g. src/bn254/pairing.ts) instead of an in-circuit a^(p−2) hint. The
// constraints on λ are those of G1Add / G1Double (range check + one zero reduction).
// ---------------------------------------------------------------------------------------------

/*
 * FqAssertInverse(N, K): a·inv ≡ 1 (mod p), so a ≢ 0. a may be a difference of reduced values
 * (limbs below 2^N in absolute value); inv is range-checked here. cost: 254 + 11 + zero reduction.
 */
template FqAssertInverse(N, K) {
    signal input a[K];
    signal input inv[K];
    component ir = FqRangeCheck(N, K);
    ir.x <== inv;
    component nz = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 0);
    nz.x[0][0] <== a;
    nz.y[0][0] <== inv;
    for (var i = 0; i < K; i++) nz.z[0][0][i] <== i == 0 ? 1 : 0;
}

/*
 * G1AddHinted(N, K): p + q with the slope λ and xInv = (x_q − x_p)⁻¹ as inputs (reduced form).
 * Proves x_q − x_p ≢ 0 ((x_q − x_p)·xInv ≡ 1), λ(x_q − x_p) ≡ y_q − y_p, then the sum as G1Add.
 */
template G1AddHinted(N, K) {
    signal input p[2][K];
    signal input q[2][K];
    signal input lambda[K];
    signal input xInv[K];
    signal output out[2][K];
    component dx = FqAssertInverse(N, K);
    for (var i = 0; i < K; i++) dx.a[i] <== q[0][i] - p[0][i];
    dx.inv <== xInv;
    component lr = FqRangeCheck(N, K);
    lr.x <== lambda;
    component sl = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 0);
    sl.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) {
        sl.y[0][0][i] <== q[0][i] - p[0][i];
        sl.z[0][0][i] <== q[1][i] - p[1][i];
    }
    component x3 = ExtSumOfProducts(N, K, 1, 1, [1], 2, [-1, -1], 0, 1);
    x3.x[0][0] <== lambda;
    x3.y[0][0] <== lambda;
    x3.z[0][0] <== p[0];
    x3.z[1][0] <== q[0];
    component y3 = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 1);
    y3.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) y3.y[0][0][i] <== p[0][i] - x3.out[0][i];
    y3.z[0][0] <== p[1];
    out[0] <== x3.out[0];
    out[1] <== y3.out[0];
}

/*
 * G1DoubleHinted(N, K): 2p with the tangent slope λ as an input (reduced form): λ·2y ≡ 3x² (no λ
 * when y ≡ 0 and x ≢ 0), then the double as G1Double.
 */
template G1DoubleHinted(N, K) {
    signal input p[2][K];
    signal input lambda[K];
    signal output out[2][K];
    component lr = FqRangeCheck(N, K);
    lr.x <== lambda;
    component sl = ExtSumOfProducts(N, K, 1, 2, [2, -3], 0, [0], 0, 0);
    sl.x[0][0] <== lambda;
    sl.y[0][0] <== p[1];
    sl.x[1][0] <== p[0];
    sl.y[1][0] <== p[0];
    component x3 = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-2], 0, 1);
    x3.x[0][0] <== lambda;
    x3.y[0][0] <== lambda;
    x3.z[0][0] <== p[0];
    component y3 = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 1);
    y3.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) y3.y[0][0][i] <== p[0][i] - x3.out[0][i];
    y3.z[0][0] <== p[1];
    out[0] <== x3.out[0];
    out[1] <== y3.out[0];
}
