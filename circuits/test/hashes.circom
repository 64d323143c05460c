pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// K chained Poseidon(2) hashes: h_0 = seed, h_{i+1} = Poseidon(h_i, salt); out = h_K.
// Dense linear combinations in A, B and C, for setup tests.
template Hashes(K) {
    signal input seed;
    signal input salt;
    signal output out;
    component h[K];
    signal acc[K + 1];
    acc[0] <== seed;
    for (var i = 0; i < K; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== acc[i];
        h[i].inputs[1] <== salt;
        acc[i + 1] <== h[i].out;
    }
    out <== acc[K];
}
