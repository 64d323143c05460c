pragma circom 2.1.0;

/*
 * Test wrapper for the log-derivative range checks (test/logup.test.ts): NV values in reduced form
 * (FqRangeLookup) against one table of widths WS[0..NW); X, Y, chunks and multiplicities are
 * private inputs. Passes iff (1) of circuits/lib/logup.circom holds and every limb identity holds.
 */

include "../lib/logup.circom";

template TestFqRangeLookup(N, K, CB, NV, NW, WS) {
    var NCMAX = logup_chunk_count(N, CB);
    var SIZE = logup_table_size(NW, WS);
    signal input X;
    signal input Y;
    signal input x[NV][K];
    signal input c[NV][K][NCMAX];
    signal input m[SIZE];
    signal output ok;
    component rl[NV];
    for (var v = 0; v < NV; v++) {
        rl[v] = FqRangeLookup(N, K, CB);
        rl[v].X <== X;
        rl[v].Y <== Y;
        rl[v].in <== v == 0 ? 0 : rl[v - 1].out;
        rl[v].x <== x[v];
        rl[v].c <== c[v];
    }
    component tb = LogUpTable(NW, WS);
    tb.X <== X;
    tb.Y <== Y;
    tb.in <== rl[NV - 1].out;
    tb.m <== m;
    ok <== 1 + 0 * X;
}
