pragma circom 2.1.0;

include "circomlib/circuits/poseidon.circom";

// Circuits for the r1cs-linking tests (src/aggregate/link.ts).
// LinkPart(N): x (public) = Poseidon(s) after N squarings of s: a part with private wires.
template LinkPart(N) {
    signal input x;
    signal input s;
    signal t[N + 1];
    t[0] <== s;
    for (var i = 0; i < N; i++) t[i + 1] <== t[i] * t[i];
    component h = Poseidon(1);
    h.inputs[0] <== t[N];
    x === h.out;
}

// LinkGlue(): out = Poseidon(xL, xR); xL, xR are the parts' public inputs (private here).
template LinkGlue() {
    signal input xL;
    signal input xR;
    signal output out;
    component h = Poseidon(2);
    h.inputs[0] <== xL;
    h.inputs[1] <== xR;
    out <== h.out;
}

// StandInVerifier(): a stand-in for groth16_verifier.circom in the orchestration tests
// (test/aggregate.tree.test.ts): one public input x like the verifier, and private wires tied to it
// (h = Poseidon(x, a), a·a = sq). It verifies nothing; the real verifier has its own tests.
template StandInVerifier() {
    signal input x;
    signal input a;
    signal input h;
    signal sq;
    sq <== a * a;
    component p = Poseidon(2);
    p.inputs[0] <== x;
    p.inputs[1] <== sq;
    h === p.out;
}

// StandInLookupVerifier(): the stand-in for the verifier's lookup form (a committed node's child
// verifier): public inputs x and seed like that form; the same tie of x to private wires, all of
// them computed before the seed (committed); then, like the real form's challenges, a hash of the
// seed under a post_ name (post_xp: src/commit/key.ts leaves it out of the commitment). As in the
// real form, the seed is read only as a copy into a sub-component's input, so the native generator
// computes its witness in two stages (src/build/native.ts pauseSupport).
template StandInLookupVerifier() {
    signal input x;
    signal input seed;
    signal input a;
    signal input h;
    component v = StandInVerifier();
    v.x <== x;
    v.a <== a;
    v.h <== h;
    component post_xp = Poseidon(2);
    post_xp.inputs[0] <== x;
    post_xp.inputs[1] <== seed;
}
