pragma circom 2.1.0;

/*
 * Fiat–Shamir transcripts in a circuit: Poseidon with its linear layers kept as linear
 * expressions, and a sponge over many field elements.
 *
 * PoseidonExLinear(nInputs, nOuts) computes exactly circomlib's PoseidonEx (same constants, same
 * optimised round structure: full rounds with M, the P matrix before the partial rounds, the
 * sparse S matrices in them; tested against circomlibjs), but the round-constant additions and
 * matrix products are linear expressions fed into the next S-box instead of signals. circomlib's
 * version turns each of them into a linear constraint, which --O1 keeps: 612 non-linear + 1,480
 * linear constraints for t = 17, against 612 here. Only the S-boxes x⁵ are constraints (3 each).
 */

include "circomlib/circuits/poseidon_constants.circom";

template PoseidonExLinear(nInputs, nOuts) {
    signal input inputs[nInputs];
    signal input initialState;
    signal output out[nOuts];

    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var t = nInputs + 1;
    var nRoundsF = 8;
    var nRoundsP = N_ROUNDS_P[t - 2];
    var C[t * nRoundsF + nRoundsP] = POSEIDON_C(t);
    var S[N_ROUNDS_P[t - 2] * (t * 2 - 1)] = POSEIDON_S(t);
    var M[t][t] = POSEIDON_M(t);
    var P[t][t] = POSEIDON_P(t);

    var st[17];
    var nx[17];
    st[0] = initialState + C[0];
    for (var j = 1; j < t; j++) st[j] = inputs[j - 1] + C[j];

    // S-boxes x⁵ of linear expressions x, inline (a component input would add a linear constraint).
    signal f2[nRoundsF][t];
    signal f4[nRoundsF][t];
    signal f5[nRoundsF][t];
    signal p2[nRoundsP];
    signal p4[nRoundsP];
    signal p5[nRoundsP];
    // First half of the full rounds: S-boxes, constants, M (P before the partial rounds).
    for (var r = 0; r < nRoundsF \ 2; r++) {
        for (var j = 0; j < t; j++) {
            f2[r][j] <== st[j] * st[j];
            f4[r][j] <== f2[r][j] * f2[r][j];
            f5[r][j] <== f4[r][j] * st[j];
        }
        for (var j = 0; j < t; j++) st[j] = f5[r][j] + C[(r + 1) * t + j];
        for (var i = 0; i < t; i++) {
            nx[i] = 0;
            for (var j = 0; j < t; j++) {
                if (r == nRoundsF \ 2 - 1) {
                    nx[i] += P[j][i] * st[j];
                } else {
                    nx[i] += M[j][i] * st[j];
                }
            }
        }
        for (var i = 0; i < t; i++) st[i] = nx[i];
    }
    // Partial rounds with the sparse matrices.
    for (var r = 0; r < nRoundsP; r++) {
        p2[r] <== st[0] * st[0];
        p4[r] <== p2[r] * p2[r];
        p5[r] <== p4[r] * st[0];
        var s0 = p5[r] + C[(nRoundsF \ 2 + 1) * t + r];
        var lc = S[(t * 2 - 1) * r] * s0;
        for (var i = 1; i < t; i++) lc += S[(t * 2 - 1) * r + i] * st[i];
        for (var i = 1; i < t; i++) st[i] = st[i] + s0 * S[(t * 2 - 1) * r + t + i - 1];
        st[0] = lc;
    }
    // Second half of the full rounds.
    for (var r = 0; r < nRoundsF \ 2 - 1; r++) {
        var fr = nRoundsF \ 2 + r;
        for (var j = 0; j < t; j++) {
            f2[fr][j] <== st[j] * st[j];
            f4[fr][j] <== f2[fr][j] * f2[fr][j];
            f5[fr][j] <== f4[fr][j] * st[j];
        }
        for (var j = 0; j < t; j++) st[j] = f5[fr][j] + C[(nRoundsF \ 2 + 1) * t + nRoundsP + r * t + j];
        for (var i = 0; i < t; i++) {
            nx[i] = 0;
            for (var j = 0; j < t; j++) nx[i] += M[j][i] * st[j];
        }
        for (var i = 0; i < t; i++) st[i] = nx[i];
    }
    for (var j = 0; j < t; j++) {
        f2[nRoundsF - 1][j] <== st[j] * st[j];
        f4[nRoundsF - 1][j] <== f2[nRoundsF - 1][j] * f2[nRoundsF - 1][j];
        f5[nRoundsF - 1][j] <== f4[nRoundsF - 1][j] * st[j];
    }
    for (var i = 0; i < nOuts; i++) {
        var lc = 0;
        for (var j = 0; j < t; j++) lc += M[j][i] * f5[nRoundsF - 1][j];
        out[i] <== lc;
    }
}

/*
 * TranscriptHash(NE): a sponge over NE field elements, 16 per permutation (PoseidonExLinear(16, 1),
 * t = 17), each chunk's output the next chunk's initial state; the last chunk is padded with
 * zeros and NE is absorbed first (so inputs of different lengths never collide by padding).
 *   cost: 612 per 16 elements.
 */
template TranscriptHash(NE) {
    signal input in[NE];
    signal output out;
    var NC = (NE + 15) \ 16;
    component h[NC];
    for (var c = 0; c < NC; c++) {
        h[c] = PoseidonExLinear(16, 1);
        if (c == 0) {
            h[c].initialState <== NE;
        } else {
            h[c].initialState <== h[c - 1].out[0];
        }
        for (var j = 0; j < 16; j++) {
            if (16 * c + j < NE) {
                h[c].inputs[j] <== in[16 * c + j];
            } else {
                h[c].inputs[j] <== 0;
            }
        }
    }
    out <== h[NC - 1].out[0];
}
