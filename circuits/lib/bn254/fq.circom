pragma circom 2.1.0;

/*
 * Emulated BN254 base field Fq (p ≈ 2^253.6) in the native field Fr (r ≈ 2^253.6, r < p).
 *
 * REPRESENTATION. An Fq value is K limbs of N bits, least significant first: x = Σ x_i·2^(N·i).
 * The project uses N = 43, K = 6 (chosen by measurement, see README "BN254 gadgets"); every
 * template takes N, K so that other shapes can be compiled and compared.
 *   Reduced form: 0 ≤ x_i < 2^N for i < K − 1 and 0 ≤ x_{K−1} < 2^(254 − N·(K−1)), so x < 2^254.
 *   It is not unique (x and x + p can both be < 2^254); canonical form adds x < p.
 * Every gadget assumes its inputs are in reduced form (outputs of gadgets here, or checked once
 * with FqRangeCheck where they enter a circuit) and returns outputs in reduced form.
 *
 * THE REDUCTION CHECK (FqReduceCheck). Each gadget computes, with linear combinations and a few
 * native products, the integer coefficients d_m of a polynomial V(X) = Σ d_m·X^m whose value
 * V = V(2^N) is the integer the gadget reduces (e.g. a·b for a product), with |d_m| < 2^DB and
 * |V| < 2^VB. The prover supplies r (reduced form) and q' (KQ limbs) and the check proves
 *     V + OFF·p = q'·p + r      as integers,   OFF = 2^(VB' − 253), VB' = max(VB, 254),
 * hence V ≡ r (mod p). With D(X) = V(X) + OFF(X)·P(X) − q'(X)·P(X) − r(X):
 *  1. Bounds. q' limbs are range-checked (N bits, the top limb QT bits, QB = VB' − 252 bits in
 *     all): q' < 2^QB. An honest q' = ⌊(V + OFF·p)/p⌋ < (2^VB + 2^(VB'−253)·p)/p < 2^(VB'−252) fits
 *     (p > 2^253). Every coefficient |D_m| < 2^DBALL (DBALL = max(DB, N + top bits of q' limbs +
 *     ⌈log2 min(K, KQ)⌉, N + OFFE mod N, N) + 2: four terms each below the max), and
 *     |D(2^N)| ≤ |V| + OFF·p + q'·p + r < 2^VB' (1 + 2 + 4 + 1) = 2^(VB' + 3).
 *  2. Low limbs, exactly. For the first J limbs (N·J ≥ VB' + 3 − 252), in segments of S limbs
 *     (S = ⌊(250 − DBALL)/N⌋ + 1), the prover supplies carries c_s with
 *         c_{s−1} + Σ_{m in segment s} D_m·2^(N·(m − start_s)) = c_s·2^(N·S_s),   |c_s| < 2^CB,
 *     CB = DBALL − N + 1 (range-checked as c_s + 2^CB ∈ [0, 2^(CB+1))). Both sides are below
 *     2^(DBALL + N(S−1) + 2) ≤ 2^252 < r/2, so the identity in Fr is an identity in Z, and by
 *     induction Σ_{m<J} D_m·2^(N·m) = c_last·2^(N·J). An honest carry is below
 *     2^(DBALL − N)(1 + 2^(1−N)) + 2^(CB − N·S) < 2^CB.
 *  3. The rest, in Fr. H = c_last + Σ_{m≥J} D_m·2^(N(m−J)) = D(2^N)/2^(N·J) is an integer with
 *     |H| < 2^(VB' + 3 − N·J) ≤ 2^252 < r/2, so H ≡ 0 (mod r) (one linear constraint) gives H = 0,
 *     i.e. D(2^N) = 0.
 * Steps 2 and 3 are linear constraints (eliminated by --O2); the cost is the range checks:
 * q' (QB bits), r (254 bits, when the result is not known to be 0) and NSEG·(CB + 1) carry bits.
 * For a product of two reduced values (VB = 508) with N = 43, K = 6: QB = 256, DBALL = 91, CB = 49,
 * S = 4, J = 7, NSEG = 2: 256 + 254 + 100 = 610 constraints, plus the products.
 *
 * PRODUCTS BY EVALUATION (ExtMul). The limb product a(X)·b(X) has degree 2K − 2; its coefficients
 * are linear combinations (Lagrange, constants in Fr) of the 2K − 1 native products a(t)·b(t),
 * t = 0 … 2K−2, each one constraint; a(t) is linear in the limbs. The integers are exact: every
 * coefficient is below r/2. Extension fields add the evaluation schemes of constants.circom.
 *
 * Hints (r, q', carries, inverses) are computed in circom functions (bigint.circom) with `<--`,
 * so a circuit's witness needs only its inputs; every hint is constrained as described.
 */

include "circomlib/circuits/bitify.circom";
include "./bigint.circom";
include "./constants.circom";

/*
 * FqRangeCheck(N, K): x is in reduced form (limbs N bits, top limb 254 − N(K−1) bits).
 *   cost: 254. Outputs the 254 bits (LSB first) for callers that need them.
 */
template FqRangeCheck(N, K) {
    signal input x[K];
    signal output bits[254];
    var TB = bn_top_bits(N, K);
    component nb[K];
    for (var i = 0; i < K; i++) {
        var w = N;
        if (i == K - 1) w = TB;
        nb[i] = Num2Bits(w);
        nb[i].in <== x[i];
        for (var t = 0; t < w; t++) bits[N * i + t] <== nb[i].out[t];
    }
}

/*
 * FqLessThanP(N, K): x < p, for x whose limbs are already range-checked (reduced form).
 *   Hint: ℓ = the highest limb where x differs from p, as one-hot flags h. Proves Σ h = 1,
 *   x_j = p_j for j > ℓ ((1 − Σ_{i≥j} h_i)·(x_j − p_j) = 0) and p_ℓ − 1 − x_ℓ ∈ [0, 2^N), i.e.
 *   x_ℓ < p_ℓ. cost: K (flags) + (K − 1) + K (selection) + N ≈ 60 for 6×43.
 */
template FqLessThanP(N, K) {
    signal input x[K];
    var P[40] = bn_p_limbs(N, K);
    signal h[K];
    var xv[40];
    for (var i = 0; i < 40; i++) xv[i] = 0;
    for (var i = 0; i < K; i++) xv[i] = x[i];
    var l = bn_first_diff(N, K, xv);
    var sum = 0;
    for (var i = 0; i < K; i++) {
        h[i] <-- (i == l) ? 1 : 0;
        h[i] * (h[i] - 1) === 0;
        sum += h[i];
    }
    sum === 1;
    // suffix[j] = Σ_{i ≥ j} h_i
    var suffix = h[K - 1];
    for (var j = K - 1; j >= 1; j--) {
        if (j < K - 1) suffix = suffix + h[j];
        (1 - suffix) * (x[j] - P[j]) === 0;
    }
    signal sel[K];
    var diff = 0;
    for (var i = 0; i < K; i++) {
        sel[i] <== h[i] * x[i];
        diff += h[i] * (P[i] - 1) - sel[i];
    }
    component rc = Num2Bits(N);
    rc.in <== diff;
}

/*
 * FqReduceCheck(N, K, M, DB, VB, HASR, CANON): proves Σ d[m]·2^(N·m) ≡ r (mod p) (see the header).
 *   inputs: d[M] (|d[m]| < 2^DB, |V| < 2^VB: caller), q[KQ], r[K] (ignored unless HASR),
 *           carry[NSEG] — the hints; see bn_reduce_params for KQ, NSEG.
 *   HASR = 0 proves V ≡ 0 (mod p) and takes no r range check. CANON = 1 also proves r < p.
 */
template FqReduceCheck(N, K, M, DB, VB, HASR, CANON) {
    var prm[11] = bn_reduce_params(N, K, M, DB, VB);
    var KQ = prm[2];
    var QT = prm[3];
    var OFFE = prm[4];
    var MD = prm[5];
    var CB = prm[7];
    var S = prm[8];
    var J = prm[9];
    var NSEG = prm[10];
    signal input d[M];
    signal input q[KQ];
    signal input r[K];
    signal input carry[NSEG];
    var P[40] = bn_p_limbs(N, K);

    // q' limbs: N bits, top limb QT bits.
    component qr[KQ];
    for (var i = 0; i < KQ; i++) {
        qr[i] = Num2Bits(i == KQ - 1 ? QT : N);
        qr[i].in <== q[i];
    }
    component rr;
    component lt;
    if (HASR == 1) {
        rr = FqRangeCheck(N, K);
        rr.x <== r;
        if (CANON == 1) {
            lt = FqLessThanP(N, K);
            lt.x <== r;
        }
    }
    component cr[NSEG];
    for (var s = 0; s < NSEG; s++) {
        cr[s] = Num2Bits(CB + 1);
        cr[s].in <== carry[s] + (1 << CB);
    }

    // D_m as linear expressions.
    var D[80];
    for (var m = 0; m < MD; m++) {
        D[m] = bn_offp_coeff(N, K, OFFE, m);
        if (m < M) D[m] += d[m];
        if (HASR == 1 && m < K) D[m] -= r[m];
        for (var i = 0; i < KQ; i++) {
            if (m - i >= 0 && m - i < K) D[m] -= q[i] * P[m - i];
        }
    }
    // Segments over limbs [0, J).
    var seg = 0;
    var prev = 0;
    for (var st = 0; st < J; st += S) {
        var len = S;
        if (st + len > J) len = J - st;
        var lhs = prev;
        for (var m = st; m < st + len; m++) {
            if (m < MD) lhs += D[m] * bn_pow2(N * (m - st));
        }
        lhs === carry[seg] * bn_pow2(N * len);
        prev = carry[seg];
        seg++;
    }
    // Native check of the rest.
    var H = prev;
    for (var m = J; m < MD; m++) H += D[m] * bn_pow2(N * (m - J));
    H === 0;
}

/*
 * FqReduce(N, K, M, DB, VB, HASR, CANON): FqReduceCheck with its hints computed here.
 *   input d[M]; output r[K] (HASR = 1; reduced form, canonical if CANON). Cost as FqReduceCheck.
 */
template FqReduce(N, K, M, DB, VB, HASR, CANON) {
    var prm[11] = bn_reduce_params(N, K, M, DB, VB);
    var KQ = prm[2];
    var OFFE = prm[4];
    var MD = prm[5];
    var S = prm[8];
    var J = prm[9];
    var NSEG = prm[10];
    signal input d[M];
    signal output r[K];

    var dv[40];
    for (var m = 0; m < 40; m++) dv[m] = 0;
    for (var m = 0; m < M; m++) dv[m] = d[m];
    var res[80] = bn_reduce_hint(N, K, M, VB, dv);
    signal q[KQ];
    for (var i = 0; i < KQ; i++) q[i] <-- res[K + i];
    if (HASR == 1) {
        for (var i = 0; i < K; i++) r[i] <-- res[i];
    } else {
        for (var i = 0; i < K; i++) r[i] <== 0;
    }
    // Carries (exact divisions: field division gives the integer).
    var P[40] = bn_p_limbs(N, K);
    var D[80];
    for (var m = 0; m < MD; m++) {
        D[m] = bn_offp_coeff(N, K, OFFE, m);
        if (m < M) D[m] += dv[m];
        if (HASR == 1 && m < K) D[m] -= res[m];
        for (var i = 0; i < KQ; i++) {
            if (m - i >= 0 && m - i < K) D[m] -= res[K + i] * P[m - i];
        }
    }
    signal carry[NSEG];
    var seg = 0;
    var prev = 0;
    for (var st = 0; st < J; st += S) {
        var len = S;
        if (st + len > J) len = J - st;
        var lhs = prev;
        for (var m = st; m < st + len; m++) {
            if (m < MD) lhs += D[m] * bn_pow2(N * (m - st));
        }
        prev = lhs / bn_pow2(N * len);
        carry[seg] <-- prev;
        seg++;
    }

    component chk = FqReduceCheck(N, K, M, DB, VB, HASR, CANON);
    chk.d <== d;
    chk.q <== q;
    chk.r <== r;
    chk.carry <== carry;
}

/*
 * ExtSumOfProducts(N, K, ID, NPR, PC, NL, LC, EB, HASR): the element
 *     V = Σ_i PC[i]·x[i]·y[i] + Σ_j LC[j]·z[j]
 * of the extension ID (1: Fq, 2: Fq2, 12: Fq12 in the tower basis; D = bn_ext_dim(ID)
 * coefficients of K limbs), reduced once per output coefficient: out ≡ V (HASR = 1, reduced form)
 * or a proof that V ≡ 0 (HASR = 0; out is 0). PC, LC: small signed integer constants.
 *   Inputs may be linear combinations of reduced values (differences, small sums): every limb of
 *   x, y, z is below 2^(N + EB) in absolute value and every coefficient's value below 2^(254 + EB).
 *   Products by evaluation: S·(2K − 1) native products per term (S = bn_ext_points(ID)), then
 *   D reductions with DB = 2N + 2EB + ⌈log2 K⌉ + MB + ⌈log2 ΣPC⌉ + 1 and
 *   VB = 508 + 2EB + MB + ⌈log2 ΣPC⌉ + 1 (MB = bn_ext_mbits(ID): an output coefficient of one
 *   product is a sum of at most 2^MB coefficient products; the + 1 covers the linear terms, whose
 *   sum stays below 2^(254 + EB + ⌈log2 ΣLC⌉) ≤ the product bound for ΣLC ≤ 2^200; no + 1 when
 *   NL = 0).
 */
template ExtSumOfProducts(N, K, ID, NPR, PC, NL, LC, EB, HASR) {
    var D = bn_ext_dim(ID);
    var S = bn_ext_points(ID);
    var MB = bn_ext_mbits(ID);
    var NP = 2 * K - 1;
    signal input x[NPR][D][K];
    signal input y[NPR][D][K];
    signal input z[NL][D][K];
    signal output out[D][K];
    var psi[17][12] = bn_ext_psi(ID);
    var rec[12][17] = bn_ext_rec(ID);
    var LX[40][40] = bn_lagrange(NP);
    var spc = 0;
    for (var i = 0; i < NPR; i++) spc += PC[i] < 0 ? -PC[i] : PC[i];
    var PB = bn_clog2(spc);
    var LB = NL > 0 ? 1 : 0;
    var DB = 2 * N + 2 * EB + bn_clog2(K) + MB + PB + LB;
    var VB = 508 + 2 * EB + MB + PB + LB;

    // Witness-time cost (every var operation below runs at witness time): each operand's
    // coordinates are evaluated at the points once, and each reduction's column sums are formed
    // once and then interpolated; the same linear combinations as the direct double sums.
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
    component red[D];
    for (var i = 0; i < D; i++) {
        red[i] = FqReduce(N, K, NP, DB, VB, HASR, 0);
        var cs[NP];
        for (var t = 0; t < NP; t++) {
            var c = 0;
            for (var s = 0; s < S; s++) {
                for (var k = 0; k < NPR; k++) c += PC[k] * rec[i][s] * prod[k][s][t];
            }
            cs[t] = c;
        }
        for (var m = 0; m < NP; m++) {
            var acc = 0;
            for (var t = 0; t < NP; t++) acc += LX[m][t] * cs[t];
            if (m < K) {
                for (var j = 0; j < NL; j++) acc += LC[j] * z[j][i][m];
            }
            red[i].d[m] <== acc;
        }
        out[i] <== red[i].r;
    }
}

/*
 * ExtMul(N, K, ID): a·b in the extension ID, inputs and output in reduced form.
 *   cost: S·(2K − 1) products + D reductions (Fq: 621, Fq2: see README, Fq12: see README).
 */
template ExtMul(N, K, ID) {
    var D = bn_ext_dim(ID);
    signal input a[D][K];
    signal input b[D][K];
    signal output out[D][K];
    component g = ExtSumOfProducts(N, K, ID, 1, [1], 0, [0], 0, 1);
    g.x[0] <== a;
    g.y[0] <== b;
    out <== g.out;
}

// FqMul(N, K): a·b mod p. cost (6×43): 11 + 610 = 621.
template FqMul(N, K) {
    signal input a[K];
    signal input b[K];
    signal output out[K];
    component m = ExtMul(N, K, 1);
    m.a[0] <== a;
    m.b[0] <== b;
    out <== m.out[0];
}

// FqSquare(N, K): a² mod p (same cost as FqMul).
template FqSquare(N, K) {
    signal input a[K];
    signal output out[K];
    component m = ExtMul(N, K, 1);
    m.a[0] <== a;
    m.b[0] <== a;
    out <== m.out[0];
}

/*
 * FqLinear(N, K, NT, C[NT]): Σ_j C[j]·x[j] mod p for small integer constants C (|C[j]| < 2^20):
 * add (1, 1), sub (1, −1), neg (−1), double, mul by small constants. cost: 254 + small.
 */
template FqLinear(N, K, NT, C) {
    signal input x[NT][K];
    signal output out[K];
    var tot = 0;
    for (var j = 0; j < NT; j++) {
        var c = C[j];
        if (c < 0) c = -c;
        tot += c;
    }
    var MB = bn_clog2(tot + 1);
    component red = FqReduce(N, K, K, N + MB, 254 + MB, 1, 0);
    for (var i = 0; i < K; i++) {
        var acc = 0;
        for (var j = 0; j < NT; j++) acc += C[j] * x[j][i];
        red.d[i] <== acc;
    }
    out <== red.r;
}

template FqAdd(N, K) {
    signal input a[K];
    signal input b[K];
    signal output out[K];
    component l = FqLinear(N, K, 2, [1, 1]);
    l.x[0] <== a;
    l.x[1] <== b;
    out <== l.out;
}

template FqSub(N, K) {
    signal input a[K];
    signal input b[K];
    signal output out[K];
    component l = FqLinear(N, K, 2, [1, -1]);
    l.x[0] <== a;
    l.x[1] <== b;
    out <== l.out;
}

template FqNeg(N, K) {
    signal input a[K];
    signal output out[K];
    component l = FqLinear(N, K, 1, [-1]);
    l.x[0] <== a;
    out <== l.out;
}

/*
 * FqCanonical(N, K): out ≡ a (mod p) with out < p (the unique representative).
 *   cost: 254 (range) + ≈ 60 (< p) + the reduction of a (q' 2 bits, one carry).
 */
template FqCanonical(N, K) {
    signal input a[K];
    signal output out[K];
    component red = FqReduce(N, K, K, N, 254, 1, 1);
    red.d <== a;
    out <== red.r;
}

/*
 * FqAssertEqual(N, K): a ≡ b (mod p) for a, b in reduced form (not necessarily canonical):
 *   a − b = (q' − 2)·p with q' ∈ [0, 4), one carry. cost: ≈ 8.
 */
template FqAssertEqual(N, K) {
    signal input a[K];
    signal input b[K];
    component red = FqReduce(N, K, K, N + 1, 254, 0, 0);
    for (var i = 0; i < K; i++) red.d[i] <== a[i] - b[i];
}

/*
 * FqAssertCanonical(N, K): x is canonical (reduced form and x < p). cost: 254 + ≈ 60.
 */
template FqAssertCanonical(N, K) {
    signal input x[K];
    component rc = FqRangeCheck(N, K);
    rc.x <== x;
    component lt = FqLessThanP(N, K);
    lt.x <== x;
}

/*
 * FqDiv(N, K): out = a / b (b ≢ 0). Hint out = a·b^(p−2); proves b·out − a ≡ 0 (mod p) and out in
 *   reduced form. cost: 254 + 11 + one zero-reduction (q' 256 bits + carries) ≈ 620.
 *   b ≡ 0 leaves no valid witness unless a ≡ 0 (then any out passes: callers exclude b ≡ 0).
 */
template FqDiv(N, K) {
    signal input a[K];
    signal input b[K];
    signal output out[K];
    var av[40];
    var bv[40];
    for (var i = 0; i < 40; i++) { av[i] = 0; bv[i] = 0; }
    for (var i = 0; i < K; i++) { av[i] = a[i]; bv[i] = b[i]; }
    var bi[40] = bn_invmod(N, K, bv, 254 + 0 * b[0]);
    var qv[40] = bn_mulmod(N, K, av, bi);
    for (var i = 0; i < K; i++) out[i] <-- qv[i];
    component rc = FqRangeCheck(N, K);
    rc.x <== out;
    component z = FqMulSubCheck(N, K);
    z.a <== b;
    z.b <== out;
    z.c <== a;
}

// FqInv(N, K): out = 1 / a (a ≢ 0). cost as FqDiv.
template FqInv(N, K) {
    signal input a[K];
    signal output out[K];
    component dv = FqDiv(N, K);
    for (var i = 0; i < K; i++) dv.a[i] <== i == 0 ? 1 : 0;
    dv.b <== a;
    out <== dv.out;
}

/*
 * FqMulSubCheck(N, K): proves a·b − c ≡ 0 (mod p) for reduced a, b, c. cost: 2K − 1 + zero-reduction.
 */
template FqMulSubCheck(N, K) {
    signal input a[K];
    signal input b[K];
    signal input c[K];
    var NP = 2 * K - 1;
    var LX[40][40] = bn_lagrange(NP);
    signal prod[NP];
    for (var t = 0; t < NP; t++) {
        var ea = 0;
        var eb = 0;
        var tl = 1;
        for (var l = 0; l < K; l++) {
            ea += tl * a[l];
            eb += tl * b[l];
            tl = tl * t;
        }
        prod[t] <== ea * eb;
    }
    component red = FqReduce(N, K, NP, 2 * N + bn_clog2(K) + 1, 509, 0, 0);
    for (var m = 0; m < NP; m++) {
        var acc = 0;
        for (var t = 0; t < NP; t++) acc += LX[m][t] * prod[t];
        if (m < K) acc -= c[m];
        red.d[m] <== acc;
    }
}
