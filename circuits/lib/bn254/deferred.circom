pragma circom 2.1.0;

/*
 * Deferred (batched) reduction checks for the BN254 gadgets (fq.circom's FqReduceCheck, amortised).
 *
 * A reduction proves V ≡ r (mod p) for an integer V = Σ_m d_m·2^(N·m) given by its limb-product
 * coefficients d_m and a result r in reduced form. FqReduceCheck does it on its own with a
 * quotient q' (VB − 252 range-checked bits) and carries (≈ 100 bits): about 360 of its 617
 * constraints. Here each gadget only range-checks r and emits an *obligation*
 *     e_m = d_m − r_m   (m < 2K − 1; e(2^N) = V − r),   |e_m| < 2^DEFER_DB, |e(2^N)| < 2^DEFER_VB,
 * and the circuit checks all obligations at once (DeferredBatchCheck):
 *     Σ_k ρ_k·e_k(2^N) ≡ 0 (mod p)
 * with one FqReduce (HASR = 0) of the coefficient-wise sum Σ_k ρ_k·e_k,m. The ρ_k are random, drawn
 * by Fiat–Shamir after everything that fixes the e_k is hashed: the circuit's inputs (proof and
 * hints) and every r of every deferred gadget (their representations included). ρ_k = α_i·β_j
 * (k = i·B + j) with α_i, β_j uniform 64-bit: if some e_k ≢ 0 (mod p), the sum is a non-zero
 * polynomial of degree 2 in the α, β over F_p, which vanishes with probability ≤ 2/2^64
 * (Schwartz–Zippel on the set [0, 2^64)); two independent batches give ≤ 2^−126. This is the
 * random-linear-combination batching of polynomial identities (as in Schwartz–Zippel based
 * arguments generally and gnark's emulated arithmetic deferral), adapted to Groth16 without
 * commitments: the transcript hash replaces the commitment.
 *
 * Bounds: every obligation has |e_m| < 2^DEFER_DB and |e(2^N)| < 2^DEFER_VB (asserted where it is
 * made); ρ_k < 2^128, so with at most 2^LOGN obligations the sum has coefficients below
 * 2^(DEFER_DB + 128 + LOGN) < 2^250 and value below 2^(DEFER_VB + 128 + LOGN), within
 * FqReduceCheck's conditions.
 *
 * Gadgets here mirror fq.circom / g1.circom / g2.circom / pairing.circom / fq12.circom ones with the
 * same constraints apart from the deferred reductions; each outputs e[NO][2K − 1] and, where it
 * produces values, those values (which the caller must put into the transcript).
 */

include "circomlib/circuits/bitify.circom";
include "./pairing.circom";
include "./g1.circom";
include "../transcript.circom";

function bn_defer_db() {
    return 100;
}

function bn_defer_vb() {
    return 520;
}

/*
 * DExtSumOfProducts(N, K, ID, NPR, PC, NL, LC, EB, HASR): ExtSumOfProducts with its D reductions
 * deferred: out (HASR = 1: hint, range-checked; HASR = 2: hint, NOT range-checked here, the caller
 * range-checks it by lookup; HASR = 0: 0) and the obligations e[D][2K − 1].
 *   cost: S·(2K − 1) products + D·254 (HASR = 1) + D·(2K − 1) linear.
 */
template DExtSumOfProducts(N, K, ID, NPR, PC, NL, LC, EB, HASR) {
    var D = bn_ext_dim(ID);
    var S = bn_ext_points(ID);
    var MB = bn_ext_mbits(ID);
    var NP = 2 * K - 1;
    signal input x[NPR][D][K];
    signal input y[NPR][D][K];
    signal input z[NL][D][K];
    signal output out[D][K];
    signal output e[D][NP];
    var psi[17][12] = bn_ext_psi(ID);
    var rec[12][17] = bn_ext_rec(ID);
    var LX[40][40] = bn_lagrange(NP);
    var spc = 0;
    for (var i = 0; i < NPR; i++) spc += PC[i] < 0 ? -PC[i] : PC[i];
    var PB = bn_clog2(spc);
    var LB = NL > 0 ? 1 : 0;
    var DB = 2 * N + 2 * EB + bn_clog2(K) + MB + PB + LB;
    var VB = 508 + 2 * EB + MB + PB + LB;
    assert(DB + 1 <= bn_defer_db());
    assert(VB + 1 <= bn_defer_vb());

    // Witness-time cost: every var operation here runs at witness time (circom's generators do not
    // unroll these loops), so each operand's coordinates are evaluated at the points once, reused
    // for all S points of the extension, and each reduction's column sums are formed once and
    // then interpolated: the same linear combinations as the direct double sums, about a ninth of
    // the field operations for an Fq12 product.
    var XE[NPR][D][NP];
    var YE[NPR][D][NP];
    for (var k = 0; k < NPR; k++) {
        for (var j = 0; j < D; j++) {
            for (var t = 0; t < NP; t++) {
                var ex = 0;
                var ey = 0;
                var tl = 1;
                for (var l = 0; l < K; l++) {
                    ex += tl * x[k][j][l];
                    ey += tl * y[k][j][l];
                    tl = tl * t;
                }
                XE[k][j][t] = ex;
                YE[k][j][t] = ey;
            }
        }
    }
    signal prod[NPR][S][NP];
    for (var k = 0; k < NPR; k++) {
        for (var s = 0; s < S; s++) {
            for (var t = 0; t < NP; t++) {
                var ea = 0;
                var eb = 0;
                for (var j = 0; j < D; j++) {
                    ea += psi[s][j] * XE[k][j][t];
                    eb += psi[s][j] * YE[k][j][t];
                }
                prod[k][s][t] <== ea * eb;
            }
        }
    }
    component rr[D];
    for (var i = 0; i < D; i++) {
        // column sums c_t = Σ_s Σ_k PC[k]·rec[i][s]·prod[k][s][t], then dv[m] = Σ_t LX[m][t]·c_t
        var cs[NP];
        for (var t = 0; t < NP; t++) {
            var c = 0;
            for (var s = 0; s < S; s++) {
                for (var k = 0; k < NPR; k++) c += PC[k] * rec[i][s] * prod[k][s][t];
            }
            cs[t] = c;
        }
        var dv[40];
        for (var m = 0; m < 40; m++) dv[m] = 0;
        for (var m = 0; m < NP; m++) {
            var acc = 0;
            for (var t = 0; t < NP; t++) acc += LX[m][t] * cs[t];
            if (m < K) {
                for (var j = 0; j < NL; j++) acc += LC[j] * z[j][i][m];
            }
            dv[m] = acc;
        }
        if (HASR >= 1) {
            var res[80] = bn_reduce_hint(N, K, NP, VB, dv);
            for (var l = 0; l < K; l++) out[i][l] <-- res[l];
            if (HASR == 1) {
                rr[i] = FqRangeCheck(N, K);
                rr[i].x <== out[i];
            }
            for (var m = 0; m < NP; m++) {
                if (m < K) {
                    e[i][m] <== dv[m] - out[i][m];
                } else {
                    e[i][m] <== dv[m];
                }
            }
        } else {
            for (var l = 0; l < K; l++) out[i][l] <== 0;
            for (var m = 0; m < NP; m++) e[i][m] <== dv[m];
        }
    }
}

/*
 * The deferred gadgets below take RC: 1 range-checks every hint and result by bits here (the
 * transcript form, Groth16Verifier with RC = 1); 0 leaves that to the caller, who must range-check
 * each of them by lookup (the lookup form, RC = 0: every input and every value the gadget
 * outputs).
 */

/* DFqAssertInverse(N, K, RC): FqAssertInverse deferred. e[1]. */
template DFqAssertInverse(N, K, RC) {
    signal input a[K];
    signal input inv[K];
    signal output e[1][2 * K - 1];
    component ir;
    if (RC == 1) {
        ir = FqRangeCheck(N, K);
        ir.x <== inv;
    }
    component nz = DExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 0);
    nz.x[0][0] <== a;
    nz.y[0][0] <== inv;
    for (var i = 0; i < K; i++) nz.z[0][0][i] <== i == 0 ? 1 : 0;
    e <== nz.e;
}

/*
 * DG1AddHinted(N, K): G1AddHinted deferred. Obligations: x-difference inverse, slope, x3, y3.
 * Values: out.
 */
template DG1AddHinted(N, K, RC) {
    var NP = 2 * K - 1;
    signal input p[2][K];
    signal input q[2][K];
    signal input lambda[K];
    signal input xInv[K];
    signal output out[2][K];
    signal output e[4][NP];
    component dx = DFqAssertInverse(N, K, RC);
    for (var i = 0; i < K; i++) dx.a[i] <== q[0][i] - p[0][i];
    dx.inv <== xInv;
    component lr;
    if (RC == 1) {
        lr = FqRangeCheck(N, K);
        lr.x <== lambda;
    }
    component sl = DExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 0);
    sl.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) {
        sl.y[0][0][i] <== q[0][i] - p[0][i];
        sl.z[0][0][i] <== q[1][i] - p[1][i];
    }
    component x3 = DExtSumOfProducts(N, K, 1, 1, [1], 2, [-1, -1], 0, 2 - RC);
    x3.x[0][0] <== lambda;
    x3.y[0][0] <== lambda;
    x3.z[0][0] <== p[0];
    x3.z[1][0] <== q[0];
    component y3 = DExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 2 - RC);
    y3.x[0][0] <== lambda;
    for (var i = 0; i < K; i++) y3.y[0][0][i] <== p[0][i] - x3.out[0][i];
    y3.z[0][0] <== p[1];
    out[0] <== x3.out[0];
    out[1] <== y3.out[0];
    e[0] <== dx.e[0];
    e[1] <== sl.e[0];
    e[2] <== x3.e[0];
    e[3] <== y3.e[0];
}

/*
 * DG2Step(N, K, DBL): G2DoubleHinted (DBL = 1) or G2AddHinted (DBL = 0) deferred, with the line
 * coefficients of LineEval at P: c1 = −λ·x_P, c3 = λ·x_T − y_T.
 *   Obligations (DBL = 1 / 0): slope 2 / inverse 2 + slope 2, x3 2, y3 2, c1 2, c3 2.
 *   Values: out (T'), c1, c3.
 */
template DG2Step(N, K, DBL, RC) {
    var NP = 2 * K - 1;
    var NO = DBL == 1 ? 10 : 12;
    signal input t[2][2][K];
    signal input q[2][2][K];
    signal input p[2][K];
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal output out[2][2][K];
    signal output c1[2][K];
    signal output c3[2][K];
    signal output e[NO][NP];
    var o = 0;
    component lr[2];
    for (var c = 0; c < 2; c++) {
        if (RC == 1) {
            lr[c] = FqRangeCheck(N, K);
            lr[c].x <== lambda[c];
        }
    }
    component sl;
    component ir[2];
    component nz;
    if (DBL == 1) {
        sl = DExtSumOfProducts(N, K, 2, 2, [2, -3], 0, [0], 0, 0);
        sl.x[0] <== lambda;
        sl.y[0] <== t[1];
        sl.x[1] <== t[0];
        sl.y[1] <== t[0];
    } else {
        for (var c = 0; c < 2; c++) {
            if (RC == 1) {
                ir[c] = FqRangeCheck(N, K);
                ir[c].x <== xInv[c];
            }
        }
        nz = DExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 0);
        for (var c = 0; c < 2; c++) {
            for (var i = 0; i < K; i++) {
                nz.x[0][c][i] <== q[0][c][i] - t[0][c][i];
                nz.z[0][c][i] <== (c == 0 && i == 0) ? 1 : 0;
            }
        }
        nz.y[0] <== xInv;
        e[o] <== nz.e[0];
        e[o + 1] <== nz.e[1];
        o += 2;
        sl = DExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 0);
        sl.x[0] <== lambda;
        for (var c = 0; c < 2; c++) {
            for (var i = 0; i < K; i++) {
                sl.y[0][c][i] <== q[0][c][i] - t[0][c][i];
                sl.z[0][c][i] <== q[1][c][i] - t[1][c][i];
            }
        }
    }
    e[o] <== sl.e[0];
    e[o + 1] <== sl.e[1];
    o += 2;
    // T' = T + Q (or 2T): x3 = λ² − x_T − x_Q, y3 = λ(x_T − x3) − y_T.
    component x3 = DExtSumOfProducts(N, K, 2, 1, [1], 2, [-1, -1], 0, 2 - RC);
    x3.x[0] <== lambda;
    x3.y[0] <== lambda;
    x3.z[0] <== t[0];
    if (DBL == 1) {
        x3.z[1] <== t[0];
    } else {
        x3.z[1] <== q[0];
    }
    component y3 = DExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 2 - RC);
    y3.x[0] <== lambda;
    for (var c = 0; c < 2; c++) {
        for (var i = 0; i < K; i++) y3.y[0][c][i] <== t[0][c][i] - x3.out[c][i];
    }
    y3.z[0] <== t[1];
    out[0] <== x3.out;
    out[1] <== y3.out;
    // Line at P.
    component m1[2];
    for (var c = 0; c < 2; c++) {
        m1[c] = DExtSumOfProducts(N, K, 1, 1, [-1], 0, [0], 0, 2 - RC);
        m1[c].x[0][0] <== lambda[c];
        m1[c].y[0][0] <== p[0];
        c1[c] <== m1[c].out[0];
    }
    component m3 = DExtSumOfProducts(N, K, 2, 1, [1], 1, [-1], 0, 2 - RC);
    m3.x[0] <== lambda;
    m3.y[0] <== t[0];
    m3.z[0] <== t[1];
    c3 <== m3.out;
    for (var c = 0; c < 2; c++) {
        e[o + c] <== x3.e[c];
        e[o + 2 + c] <== y3.e[c];
        e[o + 4 + c] <== m1[c].e[0];
        e[o + 6 + c] <== m3.e[c];
    }
}

/* DFq12Mul(N, K, RC): a·b in Fq12 deferred (also squares: a = b). Obligations 12, values out. */
template DFq12Mul(N, K, RC) {
    signal input a[6][2][K];
    signal input b[6][2][K];
    signal output out[6][2][K];
    signal output e[12][2 * K - 1];
    component g = DExtSumOfProducts(N, K, 12, 1, [1], 0, [0], 0, 2 - RC);
    for (var j = 0; j < 12; j++) {
        g.x[0][j] <== a[j \ 2][j % 2];
        g.y[0][j] <== b[j \ 2][j % 2];
    }
    for (var j = 0; j < 12; j++) out[j \ 2][j % 2] <== g.out[j];
    e <== g.e;
}

/*
 * DeferredBatchCheck(N, K, NOB, NA, NB): Σ_k α_{k \ NB}·β_{k % NB}·e_k ≡ 0 (mod p) for the
 * obligations e[NOB][2K − 1], α[NA], β[NB] < 2^64 (the caller draws them from the transcript).
 *   cost: (NOB + NA)·(2K − 1) products + one zero FqReduce.
 */
template DeferredBatchCheck(N, K, NOB, NA, NB) {
    var NP = 2 * K - 1;
    assert(NA * NB >= NOB);
    signal input e[NOB][NP];
    signal input alpha[NA];
    signal input beta[NB];
    var LOGN = bn_clog2(NOB);
    signal tb[NOB][NP];
    signal ta[NA][NP];
    for (var k = 0; k < NOB; k++) {
        for (var m = 0; m < NP; m++) tb[k][m] <== beta[k % NB] * e[k][m];
    }
    var tot[40];
    for (var m = 0; m < NP; m++) tot[m] = 0;
    for (var i = 0; i < NA; i++) {
        for (var m = 0; m < NP; m++) {
            var inner = 0;
            for (var j = 0; j < NB; j++) {
                if (i * NB + j < NOB) inner += tb[i * NB + j][m];
            }
            ta[i][m] <== alpha[i] * inner;
            tot[m] += ta[i][m];
        }
    }
    component z = FqReduce(N, K, NP, bn_defer_db() + 128 + LOGN, bn_defer_vb() + 128 + LOGN, 0, 0);
    for (var m = 0; m < NP; m++) z.d[m] <== tot[m];
}

/*
 * Challenges64(NV): NV values below 2^64 from a seed: v_{3i+j} = bits [64j, 64j + 64) of
 * PoseidonExLinear(1, 1)(i + 1; initial state seed), decomposed with Num2Bits_strict (one
 * decomposition only: the prover has no choice).
 */
template Challenges64(NV) {
    signal input seed;
    signal output out[NV];
    var NS = (NV + 2) \ 3;
    component h[NS];
    component bits[NS];
    for (var i = 0; i < NS; i++) {
        h[i] = PoseidonExLinear(1, 1);
        h[i].inputs[0] <== i + 1;
        h[i].initialState <== seed;
        bits[i] = Num2Bits_strict();
        bits[i].in <== h[i].out[0];
        for (var j = 0; j < 3; j++) {
            if (3 * i + j < NV) {
                var acc = 0;
                for (var b = 0; b < 64; b++) acc += bits[i].out[64 * j + b] * (1 << b);
                out[3 * i + j] <== acc;
            }
        }
    }
}
