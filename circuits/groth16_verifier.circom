pragma circom 2.1.0;

/*
 * Groth16Verifier(N, K, VK): verifies a snarkjs Groth16 proof (A, B, C) of a circuit with one public
 * signal x against a verification key that is a constant of the circuit:
 *
 *     e(A, B) = e(α, β) · e(L, γ) · e(C, δ),   L = IC0 + x·IC1,
 *
 * checked as e(A, B)·e(L, −γ)·e(C, −δ)·e(α, β)⁻¹ = 1 with one multi-Miller loop and the residue
 * check of Novakovic and Eagen, "On Proving Pairings" (IACR ePrint 2024/640, §4.3) instead of the
 * final exponentiation. Conventions and the soundness argument of each piece are in
 * src/bn254/pairing.ts (Miller loop, residue identity, G2 check) and src/bn254/groth16.ts (this
 * circuit's witness and hint builder). The key's constants come from functions of a generated file
 * (src/bn254/vkey-circom.ts) that includes this one; VK selects the key there.
 *
 * What is checked:
 *  1. A, C ∈ E(Fq) (on the curve; G1 has cofactor 1), B on the twist E′(Fq2); every coordinate in
 *     reduced form (fq.circom).
 *  2. L = IC0 + x·IC1 by a fixed-base windowed multiplication: x is split into 254 bits (x and
 *     x + r give the same point, IC1 has order r), window i selects T_i[j] = [j·2^(W·i)]·IC1 + Δ_i
 *     from a constant table by a multilinear polynomial in its bits (no constraint per table
 *     entry), the selections are summed with slope-hinted additions that prove x_P ≢ x_Q, and the
 *     constant IC0 − ΣΔ_i is added last. The offsets Δ_i keep every addend off the point at
 *     infinity; a sum that meets an exceptional case fails (completeness, with negligible
 *     probability), it cannot pass wrongly.
 *  3. The Miller loop over the NAF of 6x + 2 (bn_ate_naf), then the ψ(Q) and −ψ²(Q) additions:
 *     - pair (A, B): B's multiples T with slope hints (G2DoubleHinted / G2AddHinted, the latter
 *       proving x_T ≢ x_Q), the line y_A + c1·w + c3·w³ (LineEval);
 *     - pairs (L, −γ), (C, −δ): lines of constant points, normalised by 1/y_P (a factor in Fq,
 *       which the residue check absorbs since w may be any element of Fq6): per step their product
 *       is Σ_j K_{s,j}·m_j, a constant-coefficient linear form in the 8 values
 *       m = (X_L, X_C, Y_L, Y_C, X_L·X_C, Y_L·Y_C, X_L·Y_C, X_C·Y_L), X_P = x_P/y_P, Y_P = 1/y_P
 *       (FixedLinesProduct: one reduction per coefficient, no slope, no G2 arithmetic);
 *     - the accumulator starts at c⁻¹ and takes c⁻¹ (c) at each digit +1 (−1).
 *  4. B ∈ G2 for free from the loop: the last T equals −ψ³(B) (pairing.ts millerG2Check; sound
 *     because every addition step proved x_T ≢ x_Q).
 *  5. The residue identity acc·w ≡ π(c)·π²(c⁻¹)·π³(c)·K with c·c⁻¹ ≡ 1, w ∈ Fq6 (only its even
 *     coefficients are inputs) and K = MillerLoop(α, β) a constant.
 *
 * Hints (private inputs, built by src/bn254/groth16.ts): the multiplication's slopes and inverse
 * x-differences, the normalisers (X, Y) of L and C, B's slopes per step and inverse x-differences
 * per addition step, and c, c⁻¹, w. Every one is constrained; none is trusted.
 */

include "circomlib/circuits/bitify.circom";
include "./lib/bn254/pairing.circom";
include "./lib/bn254/g1.circom";

/* The signed digits of 6x + 2 (BN254's x = 4965661367192848881), most significant first. */
function bn_ate_naf() {
    return [1, 0, -1, 0, 1, 0, 0, 0, -1, 0, -1, 0, 0, 0, -1, 0, 1, 0, -1, 0, 0, -1, 0, 0, 0, 0, 0,
            1, 0, 0, -1, 0, 1, 0, 0, -1, 0, 0, 0, 0, -1, 0, 1, 0, 0, 0, -1, 0, -1, 0, 0, 1, 0, 0, 0,
            -1, 0, 0, -1, 0, 1, 0, 1, 0, 0, 0];
}

/* Miller steps: 65 doublings, 21 additions (non-zero digits after the first), ψ(Q), −ψ²(Q). */
function bn_ate_steps() {
    return 88;
}

function bn_ate_adds() {
    return 23;
}

/*
 * FixedLinesProduct(N, K, VK, S): the product of the two normalised constant lines of step S,
 * (1 − λ_γ·X_L·w + μ_γ·Y_L·w³)·(1 − λ_δ·X_C·w + μ_δ·Y_C·w³), as Σ_j K_{S,j}·m_j with constant
 * K_{S,j} ∈ Fq12 (coefficients w⁰…w⁴; w⁵ is 0) from bn_vk_lines(VK, S) (limbs; index 0 is the
 * constant term 1). Each of the 10 Fq coefficients is one FqReduce of a polynomial linear in the
 * limbs of m (constant × variable limbs): |d| < 9·K·2^(2N) < 2^92, |V| < 9·p² < 2^512.
 *   cost: 10 reductions (≈ 6,200), no native products.
 */
template FixedLinesProduct(N, K, VK, S) {
    signal input m[8][K];
    signal output g[6][2][K];
    var KC[10][9][6] = bn_vk_lines(VK, S);
    var NP = 2 * K - 1;
    component red[10];
    for (var o = 0; o < 10; o++) {
        red[o] = FqReduce(N, K, NP, 92, 512, 1, 0);
        for (var t = 0; t < NP; t++) {
            var acc = 0;
            if (t < K) acc += KC[o][0][t];
            for (var j = 1; j < 9; j++) {
                for (var a = 0; a < K; a++) {
                    if (t - a >= 0 && t - a < K) acc += KC[o][j][a] * m[j - 1][t - a];
                }
            }
            red[o].d[t] <== acc;
        }
        g[o \ 2][o % 2] <== red[o].r;
    }
    for (var c = 0; c < 2; c++) {
        for (var i = 0; i < K; i++) g[5][c][i] <== 0;
    }
}

/*
 * VerifierStep(N, K, VK, S, KIND): one step of the merged Miller loop.
 *   KIND 0 (doubling):  f' = f²·ℓ_{T,T}(A)·G_S,        T' = 2T
 *   KIND 1 (digit ±1):  f' = f·cf·ℓ_{T,Q}(A)·G_S,      T' = T + Q  (cf = c⁻¹ or c, Q = ±B)
 *   KIND 2 (ψ steps):   f' = f·ℓ_{T,Q}(A)·G_S,         T' = T + Q  (Q = ψ(B) or −ψ²(B))
 * G_S is FixedLinesProduct's output. Unused inputs (q, xInv, cf for KIND 0; cf for KIND 2) are
 * not constrained here; the parent ties them to 0.
 */
template VerifierStep(N, K, VK, S, KIND) {
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input q[2][2][K];
    signal input a[2][K];
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal input m[8][K];
    signal input cf[6][2][K];
    signal output fOut[6][2][K];
    signal output tOut[2][2][K];

    component db;
    component ad;
    if (KIND == 0) {
        db = G2DoubleHinted(N, K);
        db.p <== t;
        db.lambda <== lambda;
        tOut <== db.out;
    } else {
        ad = G2AddHinted(N, K);
        ad.p <== t;
        ad.q <== q;
        ad.lambda <== lambda;
        ad.xInv <== xInv;
        tOut <== ad.out;
    }
    component le = LineEval(N, K);
    le.lambda <== lambda;
    le.t <== t;
    le.p <== a;
    component lf = LineToFq12(N, K);
    lf.yp <== a[1];
    lf.c1 <== le.c1;
    lf.c3 <== le.c3;
    component gl = FixedLinesProduct(N, K, VK, S);
    gl.m <== m;

    component hs;
    component hm;
    component u = Fq12Mul(N, K);
    if (KIND == 0) {
        hs = Fq12Square(N, K);
        hs.a <== f;
        u.a <== hs.out;
    } else if (KIND == 1) {
        hm = Fq12Mul(N, K);
        hm.a <== f;
        hm.b <== cf;
        u.a <== hm.out;
    } else {
        u.a <== f;
    }
    u.b <== lf.out;
    component v = Fq12Mul(N, K);
    v.a <== u.out;
    v.b <== gl.g;
    fOut <== v.out;
}

/*
 * FixedBaseMul(N, K, VK): L = IC0 + x·IC1 for the key VK (point 2 of the header).
 *   bn_vk_msm_window_bits(VK) = W; bn_vk_msm_coeffs(VK, i)[mask][c][l]: the multilinear
 *   coefficients over window i's bits of limb l of coordinate c of T_i[j]; bn_vk_msm_base(VK): the
 *   limbs of IC0 − ΣΔ_i.
 *   hints: lambda[NW][K], xInv[NW][K] for the NW additions (NW − 1 window sums, then the base).
 *   cost: 254 (bits) + NW·(2^W − W − 1) (monomials) + NW·G1AddHinted.
 */
template FixedBaseMul(N, K, VK) {
    var W = bn_vk_msm_window_bits(VK);
    var NW = (254 + W - 1) \ W;
    var TW = 1 << W;
    signal input x;
    signal input lambda[NW][K];
    signal input xInv[NW][K];
    signal output out[2][K];

    component bits = Num2Bits(254);
    bits.in <== x;
    signal mono[NW][TW];
    signal sel[NW][2][K];
    component add[NW];
    for (var i = 0; i < NW; i++) {
        var wb = W;
        if (W * i + W > 254) wb = 254 - W * i;
        var CO[256][2][6] = bn_vk_msm_coeffs(VK, i);
        mono[i][0] <== 1;
        for (var mask = 1; mask < TW; mask++) {
            if (mask >= (1 << wb)) {
                mono[i][mask] <== 0;
            } else {
                var low = 0;
                while (((mask >> low) & 1) == 0) low++;
                var rest = mask ^ (1 << low);
                if (rest == 0) {
                    mono[i][mask] <== bits.out[W * i + low];
                } else {
                    mono[i][mask] <== mono[i][rest] * bits.out[W * i + low];
                }
            }
        }
        for (var c = 0; c < 2; c++) {
            for (var l = 0; l < K; l++) {
                var acc = 0;
                for (var mask = 0; mask < (1 << wb); mask++) acc += CO[mask][c][l] * mono[i][mask];
                sel[i][c][l] <== acc;
            }
        }
        if (i > 0) {
            add[i - 1] = G1AddHinted(N, K);
            if (i == 1) {
                add[i - 1].p <== sel[0];
            } else {
                add[i - 1].p <== add[i - 2].out;
            }
            add[i - 1].q <== sel[i];
            add[i - 1].lambda <== lambda[i - 1];
            add[i - 1].xInv <== xInv[i - 1];
        }
    }
    var B[2][6] = bn_vk_msm_base(VK);
    add[NW - 1] = G1AddHinted(N, K);
    add[NW - 1].p <== add[NW - 2].out;
    for (var c = 0; c < 2; c++) {
        for (var l = 0; l < K; l++) add[NW - 1].q[c][l] <== B[c][l];
    }
    add[NW - 1].lambda <== lambda[NW - 1];
    add[NW - 1].xInv <== xInv[NW - 1];
    out <== add[NW - 1].out;
}

/*
 * NormalisePoint(N, K): X = x_P/y_P and Y = 1/y_P as range-checked hints with Y·y_P ≡ 1 and
 * X·y_P ≡ x_P (y_P ≢ 0 follows). cost: 2·254 + 2 zero reductions.
 */
template NormalisePoint(N, K) {
    signal input p[2][K];
    signal input xy[2][K];
    component rc[2];
    component z[2];
    for (var j = 0; j < 2; j++) {
        rc[j] = FqRangeCheck(N, K);
        rc[j].x <== xy[j];
        z[j] = ExtSumOfProducts(N, K, 1, 1, [1], 1, [-1], 0, 0);
        z[j].x[0][0] <== xy[j];
        z[j].y[0][0] <== p[1];
        for (var i = 0; i < K; i++) {
            if (j == 0) {
                z[j].z[0][0][i] <== p[0][i];
            } else {
                z[j].z[0][0][i] <== i == 0 ? 1 : 0;
            }
        }
    }
}

template Groth16Verifier(N, K, VK) {
    var W = bn_vk_msm_window_bits(VK);
    var NW = (254 + W - 1) \ W;
    var NS = bn_ate_steps();
    var NA = bn_ate_adds();
    signal input x;
    signal input a[2][K];
    signal input b[2][2][K];
    signal input c[2][K];
    signal input msmLambda[NW][K];
    signal input msmXInv[NW][K];
    signal input norm[2][2][K];
    signal input lambda[NS][2][K];
    signal input xInv[NA][2][K];
    signal input rc[6][2][K];
    signal input rcInv[6][2][K];
    signal input rw[3][2][K];

    // 1. Reduced form and curve membership of the proof.
    component rA[2];
    component rC[2];
    component rB[2][2];
    for (var j = 0; j < 2; j++) {
        rA[j] = FqRangeCheck(N, K);
        rA[j].x <== a[j];
        rC[j] = FqRangeCheck(N, K);
        rC[j].x <== c[j];
        for (var e = 0; e < 2; e++) {
            rB[j][e] = FqRangeCheck(N, K);
            rB[j][e].x <== b[j][e];
        }
    }
    component onA = G1AssertOnCurve(N, K);
    onA.p <== a;
    component onC = G1AssertOnCurve(N, K);
    onC.p <== c;
    component onB = G2AssertOnCurve(N, K);
    onB.p <== b;
    component rR[3][6][2];
    for (var s = 0; s < 6; s++) {
        for (var e = 0; e < 2; e++) {
            rR[0][s][e] = FqRangeCheck(N, K);
            rR[0][s][e].x <== rc[s][e];
            rR[1][s][e] = FqRangeCheck(N, K);
            rR[1][s][e].x <== rcInv[s][e];
            if (s < 3) {
                rR[2][s][e] = FqRangeCheck(N, K);
                rR[2][s][e].x <== rw[s][e];
            }
        }
    }

    // 2. L = IC0 + x·IC1.
    component msm = FixedBaseMul(N, K, VK);
    msm.x <== x;
    msm.lambda <== msmLambda;
    msm.xInv <== msmXInv;

    // Normalisers of the fixed pairs and their products m.
    component nL = NormalisePoint(N, K);
    nL.p <== msm.out;
    nL.xy <== norm[0];
    component nC = NormalisePoint(N, K);
    nC.p <== c;
    nC.xy <== norm[1];
    // m = (X_L, X_C, Y_L, Y_C, X_L·X_C, Y_L·Y_C, X_L·Y_C, X_C·Y_L)
    component mp[4];
    signal m[8][K];
    m[0] <== norm[0][0];
    m[1] <== norm[1][0];
    m[2] <== norm[0][1];
    m[3] <== norm[1][1];
    mp[0] = FqMul(N, K);
    mp[0].a <== norm[0][0];
    mp[0].b <== norm[1][0];
    mp[1] = FqMul(N, K);
    mp[1].a <== norm[0][1];
    mp[1].b <== norm[1][1];
    mp[2] = FqMul(N, K);
    mp[2].a <== norm[0][0];
    mp[2].b <== norm[1][1];
    mp[3] = FqMul(N, K);
    mp[3].a <== norm[1][0];
    mp[3].b <== norm[0][1];
    for (var j = 0; j < 4; j++) m[4 + j] <== mp[j].out;

    // Addends of B: −B, ψ(B), −ψ²(B), and ψ³(B) for the subgroup check.
    component negBy = Fq2Neg(N, K);
    negBy.a <== b[1];
    component psi1 = G2Psi(N, K);
    psi1.p <== b;
    component psi2 = G2Psi(N, K);
    psi2.p <== psi1.out;
    component psi3 = G2Psi(N, K);
    psi3.p <== psi2.out;
    component negPsi2y = Fq2Neg(N, K);
    negPsi2y.a <== psi2.out[1];

    // 3. The Miller loop.
    var naf[66] = bn_ate_naf();
    component st[NS];
    var s = 0;
    var ai = 0;
    for (var d = 1; d < 66 + 2; d++) {
        // d < 66: a doubling step, then an addition for a non-zero digit; d = 66, 67: ψ steps.
        for (var half = 0; half < 2; half++) {
            var kind = -1;
            var sign = 0;
            var digit = 0;
            if (d < 66) digit = naf[d];
            if (d < 66 && half == 0) kind = 0;
            if (d < 66 && half == 1 && digit != 0) {
                kind = 1;
                sign = digit;
            }
            if (d >= 66 && half == 0) kind = 2;
            if (kind >= 0) {
                st[s] = VerifierStep(N, K, VK, s, kind);
                if (s == 0) {
                    st[s].f <== rcInv;
                    st[s].t <== b;
                } else {
                    st[s].f <== st[s - 1].fOut;
                    st[s].t <== st[s - 1].tOut;
                }
                st[s].a <== a;
                st[s].lambda <== lambda[s];
                st[s].m <== m;
                for (var e = 0; e < 2; e++) {
                    for (var i = 0; i < K; i++) {
                        if (kind == 0) {
                            st[s].q[0][e][i] <== 0;
                            st[s].q[1][e][i] <== 0;
                            st[s].xInv[e][i] <== 0;
                        } else {
                            st[s].xInv[e][i] <== xInv[ai][e][i];
                            if (kind == 1) {
                                st[s].q[0][e][i] <== b[0][e][i];
                                if (sign > 0) {
                                    st[s].q[1][e][i] <== b[1][e][i];
                                } else {
                                    st[s].q[1][e][i] <== negBy.out[e][i];
                                }
                            } else if (d == 66) {
                                st[s].q[0][e][i] <== psi1.out[0][e][i];
                                st[s].q[1][e][i] <== psi1.out[1][e][i];
                            } else {
                                st[s].q[0][e][i] <== psi2.out[0][e][i];
                                st[s].q[1][e][i] <== negPsi2y.out[e][i];
                            }
                        }
                        for (var co = 0; co < 6; co++) {
                            if (kind == 1) {
                                if (sign > 0) {
                                    st[s].cf[co][e][i] <== rcInv[co][e][i];
                                } else {
                                    st[s].cf[co][e][i] <== rc[co][e][i];
                                }
                            } else {
                                st[s].cf[co][e][i] <== 0;
                            }
                        }
                    }
                }
                if (kind != 0) ai++;
                s++;
            }
        }
    }

    // 4. B ∈ G2: the last T is −ψ³(B).
    component tx = Fq2AssertEqual(N, K);
    tx.a <== st[NS - 1].tOut[0];
    tx.b <== psi3.out[0];
    component negPsi3y = Fq2Neg(N, K);
    negPsi3y.a <== psi3.out[1];
    component ty = Fq2AssertEqual(N, K);
    ty.a <== st[NS - 1].tOut[1];
    ty.b <== negPsi3y.out;

    // 5. The residue identity.
    component cc = ExtSumOfProducts(N, K, 12, 1, [1], 1, [-1], 0, 0);
    for (var j = 0; j < 12; j++) {
        cc.x[0][j] <== rc[j \ 2][j % 2];
        cc.y[0][j] <== rcInv[j \ 2][j % 2];
        for (var i = 0; i < K; i++) cc.z[0][j][i] <== (j == 0 && i == 0) ? 1 : 0;
    }
    component p1 = Fq12Frobenius(N, K, 1);
    p1.a <== rc;
    component p2 = Fq12Frobenius(N, K, 2);
    p2.a <== rcInv;
    component p3 = Fq12Frobenius(N, K, 3);
    p3.a <== rc;
    component r1 = Fq12Mul(N, K);
    r1.a <== p1.out;
    r1.b <== p2.out;
    component r2 = Fq12Mul(N, K);
    r2.a <== r1.out;
    r2.b <== p3.out;
    var KK[6][2][6] = bn_vk_k(VK);
    component fin = ExtSumOfProducts(N, K, 12, 2, [1, -1], 0, [0], 0, 0);
    for (var j = 0; j < 12; j++) {
        fin.x[0][j] <== st[NS - 1].fOut[j \ 2][j % 2];
        for (var i = 0; i < K; i++) {
            if (j % 4 < 2) {
                fin.y[0][j][i] <== rw[j \ 4][j % 4][i];
            } else {
                fin.y[0][j][i] <== 0;
            }
            fin.y[1][j][i] <== KK[j \ 2][j % 2][i];
        }
        fin.x[1][j] <== r2.out[j \ 2][j % 2];
    }
}
