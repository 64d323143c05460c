pragma circom 2.1.0;

/*
 * Test wrappers for the slope-as-input ("hinted") G1/G2 ops and Miller steps
 * (test/bn254.hinted.test.ts); as in test_ext.circom the claimed result is a private input
 * constrained equal to the gadget's output.
 */

include "./pairing.circom";
include "./g1.circom";

// OP: 0 add, 1 double (q, xInv unused)
template TestG1Hinted(N, K, OP) {
    signal input p[2][K];
    signal input q[2][K];
    signal input lambda[K];
    signal input xInv[K];
    signal input expected[2][K];
    signal output ok;
    if (OP == 0) {
        component g0 = G1AddHinted(N, K);
        g0.p <== p; g0.q <== q; g0.lambda <== lambda; g0.xInv <== xInv;
        g0.out === expected;
    }
    if (OP == 1) {
        component g1 = G1DoubleHinted(N, K);
        g1.p <== p; g1.lambda <== lambda;
        g1.out === expected;
    }
    ok <== q[0][0] * 0 + xInv[0] * 0 + 1;
}

// OP: 0 add, 1 double (q, xInv unused)
template TestG2Hinted(N, K, OP) {
    signal input p[2][2][K];
    signal input q[2][2][K];
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal input expected[2][2][K];
    signal output ok;
    if (OP == 0) {
        component g0 = G2AddHinted(N, K);
        g0.p <== p; g0.q <== q; g0.lambda <== lambda; g0.xInv <== xInv;
        g0.out === expected;
    }
    if (OP == 1) {
        component g1 = G2DoubleHinted(N, K);
        g1.p <== p; g1.lambda <== lambda;
        g1.out === expected;
    }
    ok <== q[0][0][0] * 0 + xInv[0][0] * 0 + 1;
}

// ADD: 0 doubling step (q, xInv unused), 1 addition step
template TestMillerStepHinted(N, K, ADD) {
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input q[2][2][K];
    signal input p[2][K];
    signal input lambda[2][K];
    signal input xInv[2][K];
    signal input expectedF[6][2][K];
    signal input expectedT[2][2][K];
    signal output ok;
    if (ADD == 0) {
        component g0 = MillerDoubleStepHinted(N, K);
        g0.f <== f; g0.t <== t; g0.p <== p; g0.lambda <== lambda;
        g0.fOut === expectedF;
        g0.tOut === expectedT;
    } else {
        component g1 = MillerAddStepHinted(N, K);
        g1.f <== f; g1.t <== t; g1.q <== q; g1.p <== p; g1.lambda <== lambda; g1.xInv <== xInv;
        g1.fOut === expectedF;
        g1.tOut === expectedT;
    }
    ok <== q[0][0][0] * 0 + xInv[0][0] * 0 + 1;
}
