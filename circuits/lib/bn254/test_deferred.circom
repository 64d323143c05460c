pragma circom 2.1.0;

/*
 * Test wrapper for the deferred reduction checks (test/groth16-verifier.test.ts): NOB obligations
 * e[NOB][2K − 1] as private inputs, hashed into a transcript (one element per coefficient), two
 * batches of challenges, DeferredBatchCheck. Passes iff every obligation is ≡ 0 (mod p) (up to the
 * batch's soundness error).
 */

include "./deferred.circom";

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
