pragma circom 2.1.0;

/*
 * Line evaluations and Miller-loop steps of the optimal ate pairing, with G2 points in affine
 * coordinates on the twist and slope hints (g2.circom). BN254's twist is a D-type sextic twist:
 * untwisting maps (x', y') ∈ E'(Fq2) to (x'·w², y'·w³) ∈ E(Fq12). The line through the untwisted
 * T with slope λ·w (λ the slope on the twist), evaluated at P = (x_P, y_P) ∈ G1, is
 *     ℓ(P) = y_P − λ·x_P·w + (λ·x_T − y_T)·w³
 * (it vanishes at the untwisted T: y_T w³ − λ x_T w³ + (λ x_T − y_T) w³ = 0).
 */

include "./fq12.circom";
include "./g2.circom";

/*
 * LineEval(N, K): the sparse Fq12 element ℓ(P) for the line of slope λ through T.
 *   outputs c0 = y_P (∈ Fq, as given), c1 = −λ·x_P, c3 = λ·x_T − y_T (∈ Fq2).
 *   cost: 2 Fq products (c1) + 1 Fq2 product-with-subtraction (c3), 4 reductions.
 */
template LineEval(N, K) {
    signal input lambda[2][K];
    signal input t[2][2][K];
    signal input p[2][K];
    signal output c1[2][K];
    signal output c3[2][K];
    component m1[2];
    for (var c = 0; c < 2; c++) {
        m1[c] = ExtSumOfProducts(N, K, 1, 1, [-1], 0, [0], 0, 1);
        m1[c].x[0][0] <== lambda[c];
        m1[c].y[0][0] <== p[0];
        c1[c] <== m1[c].out[0];
    }
    component m3 = ExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 1);
    m3.x[0] <== lambda;
    m3.y[0] <== t[0];
    m3.z[0] <== t[1];
    c3 <== m3.out;
}

/* The sparse line as a full Fq12 element (zeros are constants, free). */
template LineToFq12(N, K) {
    signal input yp[K];
    signal input c1[2][K];
    signal input c3[2][K];
    signal output out[6][2][K];
    for (var i = 0; i < K; i++) {
        out[0][0][i] <== yp[i];
        out[0][1][i] <== 0;
        for (var c = 0; c < 2; c++) {
            out[1][c][i] <== c1[c][i];
            out[2][c][i] <== 0;
            out[3][c][i] <== c3[c][i];
            out[4][c][i] <== 0;
            out[5][c][i] <== 0;
        }
    }
}

/*
 * MillerDoubleStep(N, K): f' = f²·ℓ_{T,T}(P), T' = 2T.
 *   cost: Fq12Square + Fq12Mul (the line as an Fq12 element: the reductions dominate, sparsity
 *   saves nothing here) + tangent slope + G2 doubling + line coefficients.
 */
template MillerDoubleStep(N, K) {
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input p[2][K];
    signal output fOut[6][2][K];
    signal output tOut[2][2][K];
    component sl = G2Slope(N, K, 1);
    sl.p <== t;
    sl.q <== t;
    component ap = G2ApplySlope(N, K);
    ap.lambda <== sl.lambda;
    ap.p <== t;
    ap.q <== t;
    tOut <== ap.out;
    component le = LineEval(N, K);
    le.lambda <== sl.lambda;
    le.t <== t;
    le.p <== p;
    component lf = LineToFq12(N, K);
    lf.yp <== p[1];
    lf.c1 <== le.c1;
    lf.c3 <== le.c3;
    component sq = Fq12Square(N, K);
    sq.a <== f;
    component mu = Fq12Mul(N, K);
    mu.a <== sq.out;
    mu.b <== lf.out;
    fOut <== mu.out;
}

/*
 * MillerAddStep(N, K): f' = f·ℓ_{T,Q}(P), T' = T + Q (x_T ≢ x_Q).
 */
template MillerAddStep(N, K) {
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input q[2][2][K];
    signal input p[2][K];
    signal output fOut[6][2][K];
    signal output tOut[2][2][K];
    component sl = G2Slope(N, K, 0);
    sl.p <== t;
    sl.q <== q;
    component ap = G2ApplySlope(N, K);
    ap.lambda <== sl.lambda;
    ap.p <== t;
    ap.q <== q;
    tOut <== ap.out;
    component le = LineEval(N, K);
    le.lambda <== sl.lambda;
    le.t <== t;
    le.p <== p;
    component lf = LineToFq12(N, K);
    lf.yp <== p[1];
    lf.c1 <== le.c1;
    lf.c3 <== le.c3;
    component mu = Fq12Mul(N, K);
    mu.a <== f;
    mu.b <== lf.out;
    fOut <== mu.out;
}

/*
 * MillerDoubleStepHinted(N, K): MillerDoubleStep with the tangent slope λ at T as an input (from
 * src/bn254/pairing.ts's millerLines): f' = f²·ℓ_{T,T}(P), T' = 2T. λ is constrained as in
 * G2SlopeCheck(·, ·, 1); no in-circuit inversion.
 */
template MillerDoubleStepHinted(N, K) {
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input p[2][K];
    signal input lambda[2][K];
    signal output fOut[6][2][K];
    signal output tOut[2][2][K];
    component db = G2DoubleHinted(N, K);
    db.p <== t;
    db.lambda <== lambda;
    tOut <== db.out;
    component le = LineEval(N, K);
    le.lambda <== lambda;
    le.t <== t;
    le.p <== p;
    component lf = LineToFq12(N, K);
    lf.yp <== p[1];
    lf.c1 <== le.c1;
    lf.c3 <== le.c3;
    component sq = Fq12Square(N, K);
    sq.a <== f;
    component mu = Fq12Mul(N, K);
    mu.a <== sq.out;
    mu.b <== lf.out;
    fOut <== mu.out;
}

/*
 * MillerAddStepHinted(N, K): MillerAddStep with the chord slope λ through T and Q and
 * xInv = (x_Q − x_T)⁻¹ as inputs: f' = f·ℓ_{T,Q}(P), T' = T + Q; proves x_T ≢ x_Q (the
 * precondition millerG2Check relies on).
 */
template MillerAddStepHinted(N, K) {
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input q[2][2][K];
    signal input p[2][K];
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal output fOut[6][2][K];
    signal output tOut[2][2][K];
    component ad = G2AddHinted(N, K);
    ad.p <== t;
    ad.q <== q;
    ad.lambda <== lambda;
    ad.xInv <== xInv;
    tOut <== ad.out;
    component le = LineEval(N, K);
    le.lambda <== lambda;
    le.t <== t;
    le.p <== p;
    component lf = LineToFq12(N, K);
    lf.yp <== p[1];
    lf.c1 <== le.c1;
    lf.c3 <== le.c3;
    component mu = Fq12Mul(N, K);
    mu.a <== f;
    mu.b <== lf.out;
    fOut <== mu.out;
}
