pragma circom 2.1.0;

/*
 * Test circuit for Groth16 with one commitment (src/commit/, test/commit.test.ts): NV values in
 * reduced form, range-checked by lookups (circuits/lib/logup.circom) whose challenges X, Y come from
 * the seed h = H(D). The values, chunks and multiplicities are the committed private inputs; seed
 * is the only private input outside the commitment. Public output: x' = Poseidon(x, seed), where
 * the statement x = Poseidon(every limb of every value).
 */

include "circomlib/circuits/poseidon.circom";
include "../lib/logup.circom";

template CommittedRange(N, K, CB, NV, NW, WS) {
    var NCMAX = logup_chunk_count(N, CB);
    var SIZE = logup_table_size(NW, WS);
    signal input x[NV][K];
    signal input c[NV][K][NCMAX];
    signal input m[SIZE];
    signal input seed;
    signal output out;

    component hx = Poseidon(2);
    hx.inputs[0] <== seed;
    hx.inputs[1] <== 1;
    component hy = Poseidon(2);
    hy.inputs[0] <== seed;
    hy.inputs[1] <== 2;

    component rl[NV];
    for (var v = 0; v < NV; v++) {
        rl[v] = FqRangeLookup(N, K, CB);
        rl[v].X <== hx.out;
        rl[v].Y <== hy.out;
        rl[v].in <== v == 0 ? 0 : rl[v - 1].out;
        rl[v].x <== x[v];
        rl[v].c <== c[v];
    }
    component tb = LogUpTable(NW, WS);
    tb.X <== hx.out;
    tb.Y <== hy.out;
    tb.in <== rl[NV - 1].out;
    tb.m <== m;

    component st = Poseidon(NV * K);
    for (var v = 0; v < NV; v++) {
        for (var i = 0; i < K; i++) st.inputs[v * K + i] <== x[v][i];
    }
    component xp = Poseidon(2);
    xp.inputs[0] <== st.out;
    xp.inputs[1] <== seed;
    out <== xp.out;
}
