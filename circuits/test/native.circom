pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "../lib/bn254/fq.circom";

// NativeProbe(N): a probe for the native (C++) witness generator tests (test/native-witness.test.ts).
// It takes a two-dimensional array input and a scalar, has private wires, a sub-component, and a
// constraint that fails for some inputs (b must fit 64 bits), so the native and WebAssembly
// generators can be compared wire for wire and on a rejected input.
template NativeProbe(N) {
    signal input a[N][2];
    signal input b;
    signal output out;
    signal p[N];
    var acc = 0;
    for (var i = 0; i < N; i++) {
        p[i] <== a[i][0] * a[i][1];
        acc += p[i];
    }
    component bits = Num2Bits(64);
    bits.in <== b;
    out <== acc + b;
}

// ReduceProbe(N, K, M, DB, VB, HASR): one non-native reduction (circuits/lib/bn254/fq.circom
// FqReduce) with its witness-time hints: big-integer division in circom `var` arithmetic, with
// negative values, integer division and comparisons, the operations where circom's C++ and
// WebAssembly runtimes have to agree.
template ReduceProbe(N, K, M, DB, VB, HASR) {
    signal input d[M];
    signal output r[K];
    component red = FqReduce(N, K, M, DB, VB, HASR, 0);
    red.d <== d;
    r <== red.r;
}

// HetProbe(NS, K, SLICE): reads K-element slices of the outputs of the last element of a component
// array whose elements are different template instances (like the verifier's Miller steps),
// through computed indices, into another component's inputs: as one slice per assignment
// (SLICE = 1), which circom 2.2.3's C++ output copies from the wrong offsets, or limb by limb
// (SLICE = 0), as the verifier does. Both give the same constraints.
template HetStep(S, KIND, K) {
    signal input f[3][2][K];
    signal output fOut[3][2][K];
    signal output e[KIND + 1];
    for (var i = 0; i < 3; i++) for (var j = 0; j < 2; j++) for (var l = 0; l < K; l++) fOut[i][j][l] <== f[i][j][l] * f[i][j][l] + S;
    for (var i = 0; i <= KIND; i++) e[i] <== f[0][0][0] * (i + 1);
}
template HetSink(K) {
    signal input x[2][6][K];
    signal output out[6][K];
    for (var j = 0; j < 6; j++) for (var l = 0; l < K; l++) out[j][l] <== x[0][j][l] * x[1][j][l];
}
template HetProbe(NS, K, SLICE) {
    signal input f[3][2][K];
    signal input y[6][K];
    signal output out[6][K];
    component st[NS];
    for (var s = 0; s < NS; s++) {
        st[s] = HetStep(s, s % 3, K);
        if (s == 0) {
            st[s].f <== f;
        } else {
            st[s].f <== st[s - 1].fOut;
        }
    }
    component sink = HetSink(K);
    for (var j = 0; j < 6; j++) {
        if (SLICE == 1) {
            sink.x[0][j] <== st[NS - 1].fOut[j \ 2][j % 2];
        } else {
            for (var l = 0; l < K; l++) sink.x[0][j][l] <== st[NS - 1].fOut[j \ 2][j % 2][l];
        }
        sink.x[1][j] <== y[j];
    }
    out <== sink.out;
}

// MulProbe(M): products whose operands the C++ runtime holds in normal (non-Montgomery) form, the
// case native/witness/fr_mont.inc multiplies exactly when the limb counts allow: inputs ≥ 2^31
// (normal longs) times each other, and times a negative short (c − 7 with a small input c).
template MulProbe(M) {
    signal input a[M];
    signal input b[M];
    signal input c;
    signal output p[M];
    signal output q[M];
    signal output r[M];
    for (var i = 0; i < M; i++) {
        p[i] <== a[i] * b[i];
        var s = c - 7;
        q[i] <-- s * a[i];
        q[i] === (c - 7) * a[i];
        r[i] <-- b[i] * s;
        r[i] === (c - 7) * b[i];
    }
}

// PauseProbe(N): a probe for the two-stage witness (native/witness/main_pause.inc,
// test/native-witness.test.ts). Before the seed: a chain of N products from `a` (and a sub-component,
// Num2Bits, that does not see the seed); after it: PauseTail, which receives the seed as a copy into
// its input (the only read of `seed` in this template) and folds the chain with it.
template PauseTail(N) {
    signal input seed;
    signal input x[N];
    signal output out;
    signal acc[N];
    acc[0] <== x[0] * seed;
    for (var i = 1; i < N; i++) acc[i] <== (acc[i - 1] + x[i]) * seed;
    out <== acc[N - 1];
}
template PauseProbe(N) {
    signal input a;
    signal input seed;
    signal output out;
    signal sq[N];
    sq[0] <== a * a;
    for (var i = 1; i < N; i++) sq[i] <== sq[i - 1] * sq[i - 1] + i;
    component bits = Num2Bits(64);
    bits.in <== a;
    component post = PauseTail(N);
    post.seed <== seed;
    post.x <== sq;
    out <== post.out;
}

// PauseExprProbe: reads `seed` in an expression of the main template (not as a copy into a
// sub-component's input): the two-stage witness must refuse it (src/build/native.ts pauseSupport).
template PauseExprProbe() {
    signal input a;
    signal input seed;
    signal output out;
    signal sq <== a * a;
    out <== sq * seed;
}
