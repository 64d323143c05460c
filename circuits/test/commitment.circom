pragma circom 2.1.0;

/* Test wrapper for CommittedPublicInput (test/commit.test.ts): D's limbs and x as private inputs, x' out. */

include "../lib/bn254/commitment.circom";

template TestCommittedPublicInput(N, K) {
    signal input x;
    signal input D[2][K];
    signal output xp;
    component c = CommittedPublicInput(N, K);
    c.x <== x;
    c.D <== D;
    xp <== c.xp;
}
