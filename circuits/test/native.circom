pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

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
