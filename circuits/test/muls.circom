pragma circom 2.1.0;

// A multiplication chain for setup tests and benchmarks: N constraints, x public, out = x^(N+1) + k.
template Muls(N) {
    signal input x;
    signal input k;
    signal output out;
    signal t[N + 1];
    t[0] <== x;
    for (var i = 0; i < N; i++) {
        t[i + 1] <== t[i] * x + k;
    }
    out <== t[N];
}
