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
 *
 * Reductions: the Miller loop and the fixed-base multiplication (about 5,000 of the circuit's Fq
 * reductions) use the deferred gadgets of lib/bn254/deferred.circom: each range-checks its result
 * and emits an obligation; a transcript hash of the inputs and of every deferred result
 * (TranscriptHash, 5 limbs per field element) draws the batching coefficients, and two
 * DeferredBatchCheck's verify all obligations at once (soundness error ≤ 2^−126, see there). The
 * rest (curve checks, ψ maps, normalisers, the residue identity: about 150 reductions) keeps
 * FqReduceCheck; those of its results that enter deferred gadgets are put into the transcript too.
 */

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/poseidon.circom";
include "./lib/bn254/deferred.circom";
include "./lib/bn254/commitment.circom";
include "./lib/logup.circom";

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

/* Step kinds in order (0 doubling, 1 digit ±1, 2 ψ step) and digit signs. */
function bn_ate_kinds() {
    var naf[66] = bn_ate_naf();
    var out[88];
    var s = 0;
    for (var d = 1; d < 66; d++) {
        out[s] = 0;
        s++;
        if (naf[d] != 0) {
            out[s] = 1;
            s++;
        }
    }
    out[s] = 2;
    out[s + 1] = 2;
    return out;
}

function bn_ate_signs() {
    var naf[66] = bn_ate_naf();
    var out[88];
    var s = 0;
    for (var d = 1; d < 66; d++) {
        out[s] = 0;
        s++;
        if (naf[d] != 0) {
            out[s] = naf[d];
            s++;
        }
    }
    out[s] = 0;
    out[s + 1] = 0;
    return out;
}

/* Obligations and transcript values (Fq elements) of a VerifierStep of kind KIND. */
/* Per step: CM = 1 adds the four-line product's w⁵ coefficient (2 obligations, 2 values). */
function bn_step_obligations(KIND, CM) {
    if (KIND == 0) return 56 + 2 * CM;
    if (KIND == 1) return 58 + 2 * CM;
    return 46 + 2 * CM;
}

function bn_step_values(KIND, CM) {
    if (KIND == 2) return 42 + 2 * CM;
    return 54 + 2 * CM;
}

/* The digit d_i ∈ {0: 1, 1: X_i, 2: Y_i} of line i in monomial j of the four-line product. */
function bn_m4_digit(j, i) {
    var t = j;
    for (var k = 0; k < i; k++) t = t \ 3;
    return t % 3;
}

/* The number of points (non-zero digits) in monomial j. */
function bn_m4_points(j) {
    var n = 0;
    for (var i = 0; i < 4; i++) {
        if (bn_m4_digit(j, i) != 0) n++;
    }
    return n;
}

/* The power of w (mod 6) that monomial j multiplies (X: w, Y: w³; the ξ of w⁶ is in the constant). */
function bn_m4_power(j) {
    var e = 0;
    for (var i = 0; i < 4; i++) {
        var d = bn_m4_digit(j, i);
        if (d == 1) e += 1;
        if (d == 2) e += 3;
    }
    return e % 6;
}

/*
 * FixedLinesProduct(N, K, VK, S): the product of the two normalised constant lines of step S,
 * (1 − λ_γ·X_L·w + μ_γ·Y_L·w³)·(1 − λ_δ·X_C·w + μ_δ·Y_C·w³), as Σ_j K_{S,j}·m_j with constant
 * K_{S,j} ∈ Fq12 (coefficients w⁰…w⁴; w⁵ is 0) from bn_vk_lines(VK, S) (limbs; index 0 is the
 * constant term 1). Each of the 10 Fq coefficients is a polynomial linear in the limbs of m
 * (constant × variable limbs): |d| < 9·K·2^(2N) < 2^92, |V| < 9·p² < 2^512; deferred reductions.
 *   cost: 10 range checks, no native products.
 */
template FixedLinesProduct(N, K, VK, S, RC) {
    var NP = 2 * K - 1;
    signal input m[8][K];
    signal output g[6][2][K];
    signal output e[10][NP];
    var KC[10][9][6] = bn_vk_lines(VK, S);
    component rr[10];
    for (var o = 0; o < 10; o++) {
        var dv[40];
        for (var t = 0; t < 40; t++) dv[t] = 0;
        for (var t = 0; t < NP; t++) {
            var acc = 0;
            if (t < K) acc += KC[o][0][t];
            for (var j = 1; j < 9; j++) {
                for (var a = 0; a < K; a++) {
                    if (t - a >= 0 && t - a < K) acc += KC[o][j][a] * m[j - 1][t - a];
                }
            }
            dv[t] = acc;
        }
        var res[80] = bn_reduce_hint(N, K, NP, 512, dv);
        for (var l = 0; l < K; l++) g[o \ 2][o % 2][l] <-- res[l];
        if (RC == 1) {
            rr[o] = FqRangeCheck(N, K);
            rr[o].x <== g[o \ 2][o % 2];
        }
        for (var t = 0; t < NP; t++) {
            if (t < K) {
                e[o][t] <== dv[t] - g[o \ 2][o % 2][t];
            } else {
                e[o][t] <== dv[t];
            }
        }
    }
    for (var c = 0; c < 2; c++) {
        for (var i = 0; i < K; i++) g[5][c][i] <== 0;
    }
}

/*
 * FixedLinesProduct4(N, K, VK, S, RC): the committed verifier's (CM = 1) product of four normalised
 * constant lines of step S, Π_i (1 − λ_i·X_i·w + μ_i·Y_i·w³) over (L', −γ), (C, −δ), (ρ·P, [1]₂),
 * (ρ·D, −[σ]₂), as Σ_j c_{S,j}·m_j·w^(power j) over the 81 monomials m_j = Π_i (1, X_i or Y_i)
 * (bn_m4_digit; m_0 = 1, m[j − 1] the others) with constant c_{S,j} ∈ Fq2 from bn_vk_lines4(VK, S)
 * (src/bn254/groth16.ts fixedLinesForms4, w⁶ = ξ folded in). Each of the 12 Fq coefficients sums
 * the monomials of its power: at most 17 of them, so |d| < 17·K·2^(2N) < 2^93 and
 * |V| < 17·p·2^254 < 2^513; deferred reductions.
 *   cost: 12 range checks, no native products.
 */
template FixedLinesProduct4(N, K, VK, S, RC) {
    var NP = 2 * K - 1;
    signal input m[80][K];
    signal output g[6][2][K];
    signal output e[12][NP];
    var KC[81][2][6] = bn_vk_lines4(VK, S);
    component rr[12];
    for (var o = 0; o < 12; o++) {
        var pw = o \ 2;
        var cc = o % 2;
        var dv[40];
        for (var t = 0; t < 40; t++) dv[t] = 0;
        for (var j = 0; j < 81; j++) {
            if (bn_m4_power(j) == pw) {
                for (var t = 0; t < NP; t++) {
                    for (var a = 0; a < K; a++) {
                        if (t - a >= 0 && t - a < K) {
                            if (j == 0) {
                                if (t == a) dv[t] += KC[j][cc][a];
                            } else {
                                dv[t] += KC[j][cc][a] * m[j - 1][t - a];
                            }
                        }
                    }
                }
            }
        }
        var res[80] = bn_reduce_hint(N, K, NP, 514, dv);
        for (var l = 0; l < K; l++) g[pw][cc][l] <-- res[l];
        if (RC == 1) {
            rr[o] = FqRangeCheck(N, K);
            rr[o].x <== g[pw][cc];
        }
        for (var t = 0; t < NP; t++) {
            if (t < K) {
                e[o][t] <== dv[t] - g[pw][cc][t];
            } else {
                e[o][t] <== dv[t];
            }
        }
    }
}

/*
 * VerifierStep(N, K, VK, S, KIND): one step of the merged Miller loop, deferred reductions.
 *   KIND 0 (doubling):  f' = f²·ℓ_{T,T}(A)·G_S,        T' = 2T
 *   KIND 1 (digit ±1):  f' = f·cf·ℓ_{T,Q}(A)·G_S,      T' = T + Q  (cf = c⁻¹ or c, Q = ±B)
 *   KIND 2 (ψ steps):   f' = f·ℓ_{T,Q}(A)·G_S,         T' = T + Q  (Q = ψ(B) or −ψ²(B))
 * G_S is FixedLinesProduct's output. Outputs the obligations e and the values to hash: T', c1, c3,
 * G_S (10 coefficients), h = f² or f·cf (not for KIND 2), u = h·ℓ, f'. Unused inputs (q, xInv for
 * KIND 0; cf for KIND 0 and 2) are not constrained here; the parent ties them to 0.
 */
template VerifierStep(N, K, VK, S, KIND, RC, CM) {
    var NP = 2 * K - 1;
    var NO = bn_step_obligations(KIND, CM);
    var NV = bn_step_values(KIND, CM);
    var NM = CM == 1 ? 80 : 8;
    var NG = CM == 1 ? 12 : 10;
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input q[2][2][K];
    signal input a[2][K];
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal input m[NM][K];
    signal input cf[6][2][K];
    signal output fOut[6][2][K];
    signal output tOut[2][2][K];
    signal output e[NO][NP];
    signal output vals[NV][K];

    component g2 = DG2Step(N, K, KIND == 0 ? 1 : 0, RC);
    g2.t <== t;
    g2.q <== q;
    g2.p <== a;
    g2.lambda <== lambda;
    g2.xInv <== xInv;
    tOut <== g2.out;
    component lf = LineToFq12(N, K);
    lf.yp <== a[1];
    lf.c1 <== g2.c1;
    lf.c3 <== g2.c3;
    // G_S: two lines (CM = 0) or four (CM = 1)
    signal gs[6][2][K];
    signal ge[NG][NP];
    component gl2;
    component gl4;
    if (CM == 1) {
        gl4 = FixedLinesProduct4(N, K, VK, S, RC);
        gl4.m <== m;
        gs <== gl4.g;
        ge <== gl4.e;
    } else {
        gl2 = FixedLinesProduct(N, K, VK, S, RC);
        gl2.m <== m;
        gs <== gl2.g;
        ge <== gl2.e;
    }

    component h;
    component u = DFq12Mul(N, K, RC);
    if (KIND == 0) {
        h = DFq12Mul(N, K, RC);
        h.a <== f;
        h.b <== f;
        u.a <== h.out;
    } else if (KIND == 1) {
        h = DFq12Mul(N, K, RC);
        h.a <== f;
        h.b <== cf;
        u.a <== h.out;
    } else {
        u.a <== f;
    }
    u.b <== lf.out;
    component v = DFq12Mul(N, K, RC);
    v.a <== u.out;
    v.b <== gs;
    fOut <== v.out;

    // Obligations.
    var o = 0;
    var NT = KIND == 0 ? 10 : 12;
    for (var i = 0; i < NT; i++) e[o + i] <== g2.e[i];
    o += NT;
    for (var i = 0; i < NG; i++) e[o + i] <== ge[i];
    o += NG;
    if (KIND != 2) {
        for (var i = 0; i < 12; i++) e[o + i] <== h.e[i];
        o += 12;
    }
    for (var i = 0; i < 12; i++) e[o + i] <== u.e[i];
    o += 12;
    for (var i = 0; i < 12; i++) e[o + i] <== v.e[i];
    o += 12;
    assert(o == NO);
    // Values.
    var w = 0;
    for (var j = 0; j < 2; j++) {
        for (var c = 0; c < 2; c++) {
            vals[w] <== g2.out[j][c];
            w++;
        }
    }
    for (var c = 0; c < 2; c++) {
        vals[w] <== g2.c1[c];
        vals[w + 1] <== g2.c3[c];
        w += 2;
    }
    for (var i = 0; i < NG; i++) {
        vals[w] <== gs[i \ 2][i % 2];
        w++;
    }
    for (var i = 0; i < 12; i++) {
        if (KIND != 2) {
            vals[w] <== h.out[i \ 2][i % 2];
            w++;
        }
        vals[w] <== u.out[i \ 2][i % 2];
        vals[w + 1] <== v.out[i \ 2][i % 2];
        w += 2;
    }
    assert(w == NV);
}

/*
 * FixedBaseMul(N, K, VK): L = IC0 + x·IC1 for the key VK (point 2 of the header), deferred.
 *   bn_vk_msm_window_bits(VK) = W; bn_vk_msm_coeffs(VK, i)[mask][c][l]: the multilinear
 *   coefficients over window i's bits of limb l of coordinate c of T_i[j]; bn_vk_msm_base(VK): the
 *   limbs of IC0 − ΣΔ_i.
 *   hints: lambda[NW][K], xInv[NW][K] for the NW additions (NW − 1 window sums, then the base).
 *   Outputs the obligations (4 per addition) and the sums (values to hash, 2 per addition).
 *   cost: 254 (bits) + NW·(2^W − W − 1) (monomials) + NW·DG1AddHinted.
 */
template FixedBaseMul(N, K, VK, RC) {
    var W = bn_vk_msm_window_bits(VK);
    var NW = (254 + W - 1) \ W;
    var TW = 1 << W;
    var NP = 2 * K - 1;
    signal input x;
    signal input lambda[NW][K];
    signal input xInv[NW][K];
    signal output out[2][K];
    signal output e[4 * NW][NP];
    signal output vals[2 * NW][K];

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
            add[i - 1] = DG1AddHinted(N, K, RC);
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
    add[NW - 1] = DG1AddHinted(N, K, RC);
    add[NW - 1].p <== add[NW - 2].out;
    for (var c = 0; c < 2; c++) {
        for (var l = 0; l < K; l++) add[NW - 1].q[c][l] <== B[c][l];
    }
    add[NW - 1].lambda <== lambda[NW - 1];
    add[NW - 1].xInv <== xInv[NW - 1];
    out <== add[NW - 1].out;
    for (var i = 0; i < NW; i++) {
        for (var j = 0; j < 4; j++) e[4 * i + j] <== add[i].e[j];
        vals[2 * i] <== add[i].out[0];
        vals[2 * i + 1] <== add[i].out[1];
    }
}

/*
 * NormalisePoint(N, K): X = x_P/y_P and Y = 1/y_P as range-checked hints with Y·y_P ≡ 1 and
 * X·y_P ≡ x_P (y_P ≢ 0 follows). cost: 2·254 + 2 zero reductions.
 */
template NormalisePoint(N, K, RC) {
    signal input p[2][K];
    signal input xy[2][K];
    component rc[2];
    component z[2];
    for (var j = 0; j < 2; j++) {
        if (RC == 1) {
            rc[j] = FqRangeCheck(N, K);
            rc[j].x <== xy[j];
        }
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

/* GLV additions of one ρ·P (DG1GlvMul with NB = 64). */
function bn_glv_adds() {
    return 3 + 2 * 64;
}

/* Number of values in `limbs` (K limbs each) of Groth16Verifier, times K. */
function bn_verifier_limbs(K, NW, CM) {
    var GA = bn_glv_adds();
    var inputs = (2 + 4 + 2 + 2 * NW + 4 + 88 * 2 + 23 * 2 + 12 + 12 + 6) * K;
    // CM = 1: D, P, L + D's two hints, the GLV hints, two more normalised points
    inputs += CM * (2 + 2 + 2 + 2 * 2 * GA + 4) * K;
    // −y_B, ψ(B), ψ²(B), −y_ψ²(B), then m_4…m_7 (CM = 0) or the 72 monomial products (CM = 1)
    var extra = (2 + 4 + 4 + 2) * K + (CM == 1 ? 72 : 4) * K;
    var msm = 2 * NW * K;
    // CM = 1: L + D, and each GLV multiplication's β·x and sums
    var cmv = CM * (2 + 2 * (1 + 2 * GA)) * K;
    var kinds[88] = bn_ate_kinds();
    var steps = 0;
    for (var s = 0; s < 88; s++) steps += bn_step_values(kinds[s], CM) * K;
    return inputs + extra + msm + cmv + steps;
}

function bn_verifier_obligations(NW, CM) {
    var kinds[88] = bn_ate_kinds();
    var n = 4 * NW;
    // CM = 1: L + D, the two GLV multiplications, the 72 monomial products
    n += CM * (4 + 2 * (1 + 4 * bn_glv_adds()) + 72);
    for (var s = 0; s < 88; s++) n += bn_step_obligations(kinds[s], CM);
    return n;
}

function bn_isqrt_ceil(n) {
    var a = 1;
    while (a * a < n) a++;
    return a;
}

/* Chunk size and table widths of the lookup form. */
function bn_lookup_cb() {
    return 11;
}

function bn_lookup_widths() {
    return [11, 10, 9];
}

/*
 * Groth16Verifier(N, K, VK, RC, CM): the verifier of the header, in one of two forms that differ only in
 * how the values the deferred reductions rely on are made trustworthy (checks 1–5 are the same):
 *
 *  RC = 1, the transcript form (plain Groth16 parent): every hint and deferred result is
 *    range-checked by bits where it is made, and the batch check's coefficients come from an
 *    in-circuit transcript hash of x and every such value (section 6).
 *
 *  RC = 0, the lookup form (a parent proven as Groth16 with one commitment, src/commit/,
 *    docs/circuits.md): an extra public input `seed`, which the parent binds to H(D) of its own
 *    commitment D. Every value of `limbs` (every hint input and every deferred result, K limbs
 *    each) is range-checked by lookup (lib/logup.circom, Haböck, ePrint 2022/1530) instead of
 *    bits: each limb is cut into chunks of at most CB = 11 bits (a 43-bit limb into 11 + 11 + 11 +
 *    10, the 39-bit top limb into 10 + 10 + 10 + 9), 24 lookups per value, into one table of the
 *    widths 11, 10 and 9 (3,584 entries). Four chunks per limb beat three (15 + 14 + 14) for a
 *    circuit with its own table: 24·V + 3,584 against 18·V + 57,344 for V = 5,136 values. The
 *    lookup challenges X, Y and the batch check's α, β come from `seed`; there is no transcript.
 *    Soundness errors: lookups ≤ (L·|T| + L + 2|T|)/r with L = 123,264 lookups, |T| = 3,584
 *    (below 2^−225); batch check 2^−126 (lib/bn254/deferred.circom).
 *
 *    Commitment discipline (what makes the lookups and the batch check sound): the enclosing
 *    proof must commit every wire computed before the challenges, and the challenges must come
 *    from that commitment. Wires are split by name: every signal and component computed from
 *    `seed` has a name that starts with `post_`; everything else (the proof, the hints, the
 *    results, the chunks `ck`, the multiplicities `mult`) is fixed without it. The committed set
 *    is every private wire that src/commit/key.ts's POST_CHALLENGE does not name; `seed` is
 *    never committed. A post-challenge wire is constrained by the arguments (the accumulators, the
 *    challenges' derivation and bits, the batch sum and its reduction).
 *
 * CM selects the child: 0 a plain Groth16 proof (A, B, C) of statement x; 1 a child proven as
 * Groth16 with one commitment (src/commit/verify.ts; lib/bn254/commitment.circom has the argument):
 * inputs d (D) and pok (P) with the hints of L + D and of ρ·P, ρ·D. Then x' = Poseidon(x, H(D))
 * (CommittedPublicInput), L' = IC0 + x'·IC1 + D, ρ = Poseidon(Poseidon(x', A, B), C, P) (coordinates
 * split at bit 215), ρ·P and ρ·D by DG1GlvMul, and the constant lines are four (FixedLinesProduct4:
 * −γ at L', −δ at C, [1]₂ at ρ·P, −[σ]₂ at ρ·D), so that the residue identity proves
 *     e(A, B)·e(L', −γ)·e(C, −δ)·(e(P, [1]₂)·e(D, −[σ]₂))^ρ = e(α, β),
 * checks 2 and 3 of the committed proof at once. Every new hint and result is in `limbs`.
 *
 * Hints whose results feed only obligations or lookups are computed here (`<--`); none of them
 * depends on a challenge.
 */
template Groth16Verifier(N, K, VK, RC, CM) {
    var W = bn_vk_msm_window_bits(VK);
    var NW = (254 + W - 1) \ W;
    var NS = bn_ate_steps();
    var NA = bn_ate_adds();
    var NP = 2 * K - 1;
    var NN = 2 + 2 * CM;
    var NM = CM == 1 ? 80 : 8;
    var GA = bn_glv_adds();
    signal input x;
    signal input a[2][K];
    signal input b[2][2][K];
    signal input c[2][K];
    signal input msmLambda[NW][K];
    signal input msmXInv[NW][K];
    signal input norm[NN][2][K];
    signal input lambda[NS][2][K];
    signal input xInv[NA][2][K];
    signal input rc[6][2][K];
    signal input rcInv[6][2][K];
    signal input rw[3][2][K];
    var TL = bn_verifier_limbs(K, NW, CM);
    var NOB = bn_verifier_obligations(NW, CM);
    signal limbs[TL];
    signal obl[NOB][NP];

    // 1. Reduced form and curve membership of the proof; reduced form of the hints used in products
    // (RC = 0: by the lookups of section 6, over `limbs`).
    component rA[2];
    component rC[2];
    component rB[2][2];
    for (var j = 0; j < 2 * RC; j++) {
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
    for (var s = 0; s < 6 * RC; s++) {
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

    // 2. L = IC0 + x·IC1 (CM = 1: L' = IC0 + x'·IC1 + D with x' = Poseidon(x, H(D))).
    component msm = FixedBaseMul(N, K, VK, RC);
    msm.lambda <== msmLambda;
    msm.xInv <== msmXInv;
    signal lp[2][K];
    // CM = 1: the committed child's D, P, x', L + D and ρ·P, ρ·D (lib/bn254/commitment.circom)
    component cpi;
    component onD;
    component onP;
    component rD[2];
    component rP[2];
    component ld;
    component rh[2];
    component rbits;
    component glv[2];
    if (CM == 1) {
        signal input d[2][K];
        signal input pok[2][K];
        signal input ldLambda[K];
        signal input ldXInv[K];
        signal input glvLambda[2][GA][K];
        signal input glvXInv[2][GA][K];
        // these inputs' entries of `limbs` (declared in this block, so placed here: the last ones)
        var ci = TL - (6 + 4 * GA) * K;
        for (var j = 0; j < 2; j++) {
            for (var i = 0; i < K; i++) { limbs[ci] <== d[j][i]; ci++; }
        }
        for (var j = 0; j < 2; j++) {
            for (var i = 0; i < K; i++) { limbs[ci] <== pok[j][i]; ci++; }
        }
        for (var i = 0; i < K; i++) { limbs[ci] <== ldLambda[i]; ci++; }
        for (var i = 0; i < K; i++) { limbs[ci] <== ldXInv[i]; ci++; }
        for (var t = 0; t < 2; t++) {
            for (var g = 0; g < GA; g++) {
                for (var i = 0; i < K; i++) { limbs[ci] <== glvLambda[t][g][i]; ci++; }
                for (var i = 0; i < K; i++) { limbs[ci] <== glvXInv[t][g][i]; ci++; }
            }
        }
        assert(ci == TL);
        for (var j = 0; j < 2 * RC; j++) {
            rD[j] = FqRangeCheck(N, K);
            rD[j].x <== d[j];
            rP[j] = FqRangeCheck(N, K);
            rP[j].x <== pok[j];
        }
        onD = G1AssertOnCurve(N, K);
        onD.p <== d;
        onP = G1AssertOnCurve(N, K);
        onP.p <== pok;
        cpi = CommittedPublicInput(N, K);
        cpi.x <== x;
        cpi.D <== d;
        msm.x <== cpi.xp;
        ld = DG1AddHinted(N, K, RC);
        ld.p <== msm.out;
        ld.q <== d;
        ld.lambda <== ldLambda;
        ld.xInv <== ldXInv;
        lp <== ld.out;
        // ρ = Poseidon(Poseidon(x', A, B), C, P), coordinates split at bit 215 (groth16.ts committedRho)
        rh[0] = Poseidon(13);
        rh[0].inputs[0] <== cpi.xp;
        for (var j = 0; j < 2; j++) {
            for (var e = 0; e < 2; e++) {
                var lo = 0;
                for (var i = 0; i < K - 1; i++) lo += b[j][e][i] * (1 << (N * i));
                rh[0].inputs[5 + 4 * j + 2 * e] <== lo;
                rh[0].inputs[6 + 4 * j + 2 * e] <== b[j][e][K - 1];
            }
        }
        rh[1] = Poseidon(9);
        for (var q = 0; q < 6; q++) {
            var lo = 0;
            var hi = 0;
            for (var i = 0; i < K; i++) {
                var v = 0;
                if (q == 0) v = a[0][i];
                if (q == 1) v = a[1][i];
                if (q == 2) v = c[0][i];
                if (q == 3) v = c[1][i];
                if (q == 4) v = pok[0][i];
                if (q == 5) v = pok[1][i];
                if (i < K - 1) lo += v * (1 << (N * i));
                if (i == K - 1) hi = v;
            }
            if (q < 2) {
                rh[0].inputs[1 + 2 * q] <== lo;
                rh[0].inputs[2 + 2 * q] <== hi;
            } else {
                rh[1].inputs[1 + 2 * (q - 2)] <== lo;
                rh[1].inputs[2 + 2 * (q - 2)] <== hi;
            }
            if (q == 1) rh[1].inputs[0] <== rh[0].out;
        }
        rbits = Num2Bits(254);
        rbits.in <== rh[1].out;
        for (var t = 0; t < 2; t++) {
            glv[t] = DG1GlvMul(N, K, RC, 64);
            glv[t].p <== t == 0 ? pok : d;
            for (var i = 0; i < 64; i++) {
                glv[t].b1[i] <== rbits.out[i];
                glv[t].b2[i] <== rbits.out[64 + i];
            }
            glv[t].lambda <== glvLambda[t];
            glv[t].xInv <== glvXInv[t];
        }
    } else {
        msm.x <== x;
        lp <== msm.out;
    }

    // Normalisers of the fixed pairs and their products m.
    component nL = NormalisePoint(N, K, RC);
    nL.p <== lp;
    nL.xy <== norm[0];
    component nC = NormalisePoint(N, K, RC);
    nC.p <== c;
    nC.xy <== norm[1];
    component nR[2];
    for (var t = 0; t < 2 * CM; t++) {
        nR[t] = NormalisePoint(N, K, RC);
        nR[t].p <== glv[t].out;
        nR[t].xy <== norm[2 + t];
    }
    // CM = 0: m = (X_L, X_C, Y_L, Y_C, X_L·X_C, Y_L·Y_C, X_L·Y_C, X_C·Y_L).
    // CM = 1: m[j − 1] = monomial j of FixedLinesProduct4 (bn_m4_digit), products deferred.
    component mp[4];
    component mq[80];
    signal m[NM][K];
    if (CM == 1) {
        for (var j = 1; j < 81; j++) {
            var nz = 0;
            var low = -1;
            for (var i = 0; i < 4; i++) {
                if (bn_m4_digit(j, i) != 0) {
                    nz++;
                    if (low < 0) low = i;
                }
            }
            var dl = bn_m4_digit(j, low);
            if (nz == 1) {
                m[j - 1] <== norm[low][dl - 1];
            } else {
                var rest = j - dl * (low == 0 ? 1 : (low == 1 ? 3 : (low == 2 ? 9 : 27)));
                mq[j - 1] = DExtSumOfProducts(N, K, 1, 1, [1], 0, [0], 0, 2 - RC);
                mq[j - 1].x[0][0] <== norm[low][dl - 1];
                mq[j - 1].y[0][0] <== m[rest - 1];
                m[j - 1] <== mq[j - 1].out[0];
            }
        }
    } else {
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
    }

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
    var kinds[88] = bn_ate_kinds();
    var signs[88] = bn_ate_signs();
    component st[NS];
    var ai = 0;
    var frob = 0;
    for (var s = 0; s < NS; s++) {
        var kind = kinds[s];
        st[s] = VerifierStep(N, K, VK, s, kind, RC, CM);
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
                        if (signs[s] > 0) {
                            st[s].q[1][e][i] <== b[1][e][i];
                        } else {
                            st[s].q[1][e][i] <== negBy.out[e][i];
                        }
                    } else if (frob == 0) {
                        st[s].q[0][e][i] <== psi1.out[0][e][i];
                        st[s].q[1][e][i] <== psi1.out[1][e][i];
                    } else {
                        st[s].q[0][e][i] <== psi2.out[0][e][i];
                        st[s].q[1][e][i] <== negPsi2y.out[e][i];
                    }
                }
                for (var co = 0; co < 6; co++) {
                    if (kind == 1 && signs[s] > 0) {
                        st[s].cf[co][e][i] <== rcInv[co][e][i];
                    } else if (kind == 1) {
                        st[s].cf[co][e][i] <== rc[co][e][i];
                    } else {
                        st[s].cf[co][e][i] <== 0;
                    }
                }
            }
        }
        if (kind != 0) ai++;
        if (kind == 2) frob++;
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
        // limb by limb: circom 2.2.3's C++ witness code copies this slice (computed indices into an
        // output of a component-array element) from the wrong offsets; same constraints either way
        for (var i = 0; i < K; i++) fin.x[0][j][i] <== st[NS - 1].fOut[j \ 2][j % 2][i];
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

    // `limbs`: the values the deferred reductions rely on, K limbs each: the inputs in declaration order,
    // the non-deferred results that enter deferred gadgets (−y_B, ψ(B), ψ²(B), −y_ψ²(B), m_4…m_7),
    // the fixed-base sums and every step's values. Every deferred result is among them.
    var li = 0;
    for (var j = 0; j < 2; j++) {
        for (var i = 0; i < K; i++) { limbs[li] <== a[j][i]; li++; }
    }
    for (var j = 0; j < 2; j++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== b[j][e][i]; li++; }
        }
    }
    for (var j = 0; j < 2; j++) {
        for (var i = 0; i < K; i++) { limbs[li] <== c[j][i]; li++; }
    }
    for (var j = 0; j < NW; j++) {
        for (var i = 0; i < K; i++) { limbs[li] <== msmLambda[j][i]; li++; }
    }
    for (var j = 0; j < NW; j++) {
        for (var i = 0; i < K; i++) { limbs[li] <== msmXInv[j][i]; li++; }
    }
    for (var j = 0; j < NN; j++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== norm[j][e][i]; li++; }
        }
    }
    for (var s = 0; s < NS; s++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== lambda[s][e][i]; li++; }
        }
    }
    for (var s = 0; s < NA; s++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== xInv[s][e][i]; li++; }
        }
    }
    for (var s = 0; s < 6; s++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== rc[s][e][i]; li++; }
        }
    }
    for (var s = 0; s < 6; s++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== rcInv[s][e][i]; li++; }
        }
    }
    for (var s = 0; s < 3; s++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== rw[s][e][i]; li++; }
        }
    }
    for (var e = 0; e < 2; e++) {
        for (var i = 0; i < K; i++) { limbs[li] <== negBy.out[e][i]; li++; }
    }
    for (var j = 0; j < 2; j++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== psi1.out[j][e][i]; li++; }
        }
    }
    for (var j = 0; j < 2; j++) {
        for (var e = 0; e < 2; e++) {
            for (var i = 0; i < K; i++) { limbs[li] <== psi2.out[j][e][i]; li++; }
        }
    }
    for (var e = 0; e < 2; e++) {
        for (var i = 0; i < K; i++) { limbs[li] <== negPsi2y.out[e][i]; li++; }
    }
    for (var j = 4 * (1 - CM); j < NM; j++) {
        // CM = 0: m_4…m_7; CM = 1: the monomials of two or more points (single points are inputs)
        if (CM == 0 || bn_m4_points(j + 1) > 1) {
            for (var i = 0; i < K; i++) { limbs[li] <== m[j][i]; li++; }
        }
    }
    for (var j = 0; j < 2 * NW; j++) {
        for (var i = 0; i < K; i++) { limbs[li] <== msm.vals[j][i]; li++; }
    }
    if (CM == 1) {
        for (var j = 0; j < 2; j++) {
            for (var i = 0; i < K; i++) { limbs[li] <== ld.out[j][i]; li++; }
        }
        for (var t = 0; t < 2; t++) {
            for (var j = 0; j < 1 + 2 * GA; j++) {
                for (var i = 0; i < K; i++) { limbs[li] <== glv[t].vals[j][i]; li++; }
            }
        }
    }
    for (var s = 0; s < NS; s++) {
        for (var j = 0; j < bn_step_values(kinds[s], CM); j++) {
            for (var i = 0; i < K; i++) { limbs[li] <== st[s].vals[j][i]; li++; }
        }
    }
    assert(li == TL - CM * (6 + 4 * GA) * K);
    var ko = 0;
    for (var i = 0; i < 4 * NW; i++) {
        obl[ko] <== msm.e[i];
        ko++;
    }
    for (var s = 0; s < NS; s++) {
        for (var i = 0; i < bn_step_obligations(kinds[s], CM); i++) {
            obl[ko] <== st[s].e[i];
            ko++;
        }
    }
    if (CM == 1) {
        for (var i = 0; i < 4; i++) {
            obl[ko] <== ld.e[i];
            ko++;
        }
        for (var t = 0; t < 2; t++) {
            for (var i = 0; i < 1 + 4 * GA; i++) {
                obl[ko] <== glv[t].e[i];
                ko++;
            }
        }
        for (var j = 1; j < 81; j++) {
            if (bn_m4_points(j) > 1) {
                obl[ko] <== mq[j - 1].e[0];
                ko++;
            }
        }
    }
    assert(ko == NOB);
    // 6. The deferred reductions: the batch check's coefficients (and the lookups' challenges) are
    // drawn after everything in `limbs` is fixed.
    var BA = bn_isqrt_ceil(NOB);
    var BB = (NOB + BA - 1) \ BA;
    if (RC == 1) {
        // Transcript: x, then the limbs of `limbs`, 5 per element.
        var NE = 1 + (TL + 4) \ 5;
        component th = TranscriptHash(NE);
        th.in[0] <== x;
        for (var el = 1; el < NE; el++) {
            var acc = 0;
            for (var j = 0; j < 5; j++) {
                if (5 * (el - 1) + j < TL) acc += limbs[5 * (el - 1) + j] * (1 << (N * j));
            }
            th.in[el] <== acc;
        }
        component ch = Challenges64(2 * (BA + BB));
        ch.seed <== th.out;
        component bc[2];
        for (var t = 0; t < 2; t++) {
            bc[t] = DeferredBatchCheck(N, K, NOB, BA, BB);
            for (var i = 0; i < BA; i++) bc[t].alpha[i] <== ch.out[t * (BA + BB) + i];
            for (var j = 0; j < BB; j++) bc[t].beta[j] <== ch.out[t * (BA + BB) + BA + j];
            bc[t].e <== obl;
        }
    } else {
        signal input seed;
        var CB = bn_lookup_cb();
        var WS[3] = bn_lookup_widths();
        var NC = logup_chunk_count(N, CB);
        var TB = bn_top_bits(N, K);
        assert(logup_chunk_count(TB, CB) == NC);
        assert(CB == 11 && WS[0] == 11 && WS[1] == 10 && WS[2] == 9); // the offsets below
        var NV = TL \ K;
        assert(NV * K == TL);
        // Before the challenges: every value's chunks, and the table's multiplicities.
        signal ck[NV][K][NC];
        signal mult[3584];
        var cnt[3584];
        for (var t = 0; t < 3584; t++) cnt[t] = 0;
        for (var v = 0; v < NV; v++) {
            for (var i = 0; i < K; i++) {
                var w = i == K - 1 ? TB : N;
                var off = 0;
                for (var k = 0; k < NC; k++) {
                    var cw = logup_chunk_width(w, CB, k);
                    var q = (limbs[v * K + i] >> off) & ((1 << cw) - 1);
                    ck[v][i][k] <-- q;
                    // table offsets of the widths 11, 10, 9
                    var o = 3072;
                    if (cw == 11) o = 0;
                    if (cw == 10) o = 2048;
                    cnt[o + q] += 1;
                    off += cw;
                }
            }
        }
        for (var t = 0; t < 3584; t++) mult[t] <-- cnt[t];

        // After the challenges (every name from here on starts with post_).
        component post_hx = Poseidon(2);
        post_hx.inputs[0] <== seed;
        post_hx.inputs[1] <== 1;
        component post_hy = Poseidon(2);
        post_hy.inputs[0] <== seed;
        post_hy.inputs[1] <== 2;
        component post_lu[NV];
        for (var v = 0; v < NV; v++) {
            post_lu[v] = FqRangeLookup(N, K, CB);
            post_lu[v].X <== post_hx.out;
            post_lu[v].Y <== post_hy.out;
            post_lu[v].in <== v == 0 ? 0 : post_lu[v - 1].out;
            for (var i = 0; i < K; i++) post_lu[v].x[i] <== limbs[v * K + i];
            post_lu[v].c <== ck[v];
        }
        component post_tb = LogUpTable(3, WS);
        post_tb.X <== post_hx.out;
        post_tb.Y <== post_hy.out;
        post_tb.in <== post_lu[NV - 1].out;
        post_tb.m <== mult;
        component post_ch = Challenges64(2 * (BA + BB));
        post_ch.seed <== seed;
        component post_bc[2];
        for (var t = 0; t < 2; t++) {
            post_bc[t] = DeferredBatchCheck(N, K, NOB, BA, BB);
            for (var i = 0; i < BA; i++) post_bc[t].alpha[i] <== post_ch.out[t * (BA + BB) + i];
            for (var j = 0; j < BB; j++) post_bc[t].beta[j] <== post_ch.out[t * (BA + BB) + BA + j];
            post_bc[t].e <== obl;
        }
    }
}
