pragma circom 2.1.0;

/*
 * Test wrapper for the deferred reduction checks (test/groth16-verifier.test.ts): NOB obligations
 * e[NOB][2K − 1] as private inputs, hashed into a transcript (one element per coefficient), two
 * batches of challenges, DeferredBatchCheck. Passes iff every obligation is ≡ 0 (mod p) (up to the
 * batch's soundness error).
 */

include "./deferred.circom";
include "./commitment.circom";

template TestDeferredBatch(N, K, NOB) {
    var NP = 2 * K - 1;
    signal input e[NOB][NP];
    signal output ok;
    component th = TranscriptHash(NOB * NP);
    for (var k = 0; k < NOB; k++) {
        for (var m = 0; m < NP; m++) th.in[k * NP + m] <== e[k][m];
    }
    var BA = 1;
    while (BA * BA < NOB) BA++;
    var BB = (NOB + BA - 1) \ BA;
    component ch = Challenges64(BA + BB);
    ch.seed <== th.out;
    component bc = DeferredBatchCheck(N, K, NOB, BA, BB);
    bc.e <== e;
    for (var i = 0; i < BA; i++) bc.alpha[i] <== ch.out[i];
    for (var j = 0; j < BB; j++) bc.beta[j] <== ch.out[BA + j];
    ok <== 1 + 0 * e[0][0];
}

/*
 * Test wrapper for DG1GlvMul (commitment.circom) with NB bits per half: its obligations batched as
 * in TestDeferredBatch (the transcript holds the inputs and every value), its result asserted equal
 * to the input `expect` (the reference value).
 */
template TestGlvMul(N, K, NB) {
    var NP = 2 * K - 1;
    var NA = 3 + 2 * NB;
    var NOB = 1 + 4 * NA;
    signal input p[2][K];
    signal input b1[NB];
    signal input b2[NB];
    signal input lambda[NA][K];
    signal input xInv[NA][K];
    signal input expect[2][K];
    signal output ok;
    for (var i = 0; i < NB; i++) {
        b1[i] * (b1[i] - 1) === 0;
        b2[i] * (b2[i] - 1) === 0;
    }
    component g = DG1GlvMul(N, K, 1, NB);
    g.p <== p;
    g.b1 <== b1;
    g.b2 <== b2;
    g.lambda <== lambda;
    g.xInv <== xInv;
    g.out === expect;
    ok <== 1 + 0 * p[0][0];
    var NT = 2 * K + 2 * NB + 2 * NA * K + (1 + 2 * NA) * K;
    component th = TranscriptHash(NT);
    var t = 0;
    for (var j = 0; j < 2; j++) {
        for (var i = 0; i < K; i++) { th.in[t] <== p[j][i]; t++; }
    }
    for (var i = 0; i < NB; i++) { th.in[t] <== b1[i]; t++; th.in[t] <== b2[i]; t++; }
    for (var a = 0; a < NA; a++) {
        for (var i = 0; i < K; i++) { th.in[t] <== lambda[a][i]; t++; th.in[t] <== xInv[a][i]; t++; }
    }
    for (var v = 0; v < 1 + 2 * NA; v++) {
        for (var i = 0; i < K; i++) { th.in[t] <== g.vals[v][i]; t++; }
    }
    var BA = 1;
    while (BA * BA < NOB) BA++;
    var BB = (NOB + BA - 1) \ BA;
    component ch = Challenges64(2 * (BA + BB));
    ch.seed <== th.out;
    component bc[2];
    for (var r = 0; r < 2; r++) {
        bc[r] = DeferredBatchCheck(N, K, NOB, BA, BB);
        bc[r].e <== g.e;
        for (var i = 0; i < BA; i++) bc[r].alpha[i] <== ch.out[r * (BA + BB) + i];
        for (var j = 0; j < BB; j++) bc[r].beta[j] <== ch.out[r * (BA + BB) + BA + j];
    }
}
