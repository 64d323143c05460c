pragma circom 2.1.0;

// Synthetic circuit for setup benchmarks: N multiplication constraints t[i+2] = t[i]·t[i+1], so every
// signal appears in the A, B and C matrices (every key element is a full-size scalar, the worst
// case for the development setup). With `a` public, N = 2^k − 3 fills a 2^k domain exactly.
template Chain(N) {
    signal input a;
    signal input b;
    signal output out;
    signal t[N + 2];
    t[0] <== a;
    t[1] <== b;
    for (var i = 0; i < N; i++) {
        t[i + 2] <== t[i] * t[i + 1];
    }
    out <== t[N + 1];
}
