pragma circom 2.1.0;

/*
 * Test wrappers for the Fq2, Fq12, G1, G2 and Miller-step gadgets (test/bn254.*.test.ts); as in
 * test_fq.circom the claimed result is a private input constrained equal to the gadget's output.
 */

include "./pairing.circom";
include "./g1.circom";

// OP: 0 mul, 1 square, 2 inv, 3 mul by ξ, 4 conj
template TestFq2Op(N, K, OP) {
    signal input a[2][K];
    signal input b[2][K];
    signal input expected[2][K];
    signal output ok;
    if (OP == 0) { component g0 = Fq2Mul(N, K); g0.a <== a; g0.b <== b; g0.out === expected; }
    if (OP == 1) { component g1 = Fq2Square(N, K); g1.a <== a; g1.out === expected; }
    if (OP == 2) { component g2 = Fq2Inv(N, K); g2.a <== a; g2.out === expected; }
    if (OP == 3) { component g3 = Fq2MulByXi(N, K); g3.a <== a; g3.out === expected; }
    if (OP == 4) { component g4 = Fq2Conj(N, K); g4.a <== a; g4.out === expected; }
    ok <== a[0][0] * 0 + b[0][0] * 0 + 1;
}

// OP: 0 mul, 1 square, 2..4 Frobenius p^1..p^3
template TestFq12Op(N, K, OP) {
    signal input a[6][2][K];
    signal input b[6][2][K];
    signal input expected[6][2][K];
    signal output ok;
    if (OP == 0) { component g0 = Fq12Mul(N, K); g0.a <== a; g0.b <== b; g0.out === expected; }
    if (OP == 1) { component g1 = Fq12Square(N, K); g1.a <== a; g1.out === expected; }
    if (OP >= 2) { component g2 = Fq12Frobenius(N, K, OP - 1); g2.a <== a; g2.out === expected; }
    ok <== a[0][0][0] * 0 + b[0][0][0] * 0 + 1;
}

// OP: 0 add, 1 double, 2 on-curve (expected unused)
template TestG1Op(N, K, OP) {
    signal input p[2][K];
    signal input q[2][K];
    signal input expected[2][K];
    signal output ok;
    if (OP == 0) { component g0 = G1Add(N, K); g0.p <== p; g0.q <== q; g0.out === expected; }
    if (OP == 1) { component g1 = G1Double(N, K); g1.p <== p; g1.out === expected; }
    if (OP == 2) { component g2 = G1AssertOnCurve(N, K); g2.p <== p; }
    ok <== q[0][0] * 0 + expected[0][0] * 0 + 1;
}

// OP: 0 add, 1 double, 2 on-curve (expected unused), 3 ψ
template TestG2Op(N, K, OP) {
    signal input p[2][2][K];
    signal input q[2][2][K];
    signal input expected[2][2][K];
    signal output ok;
    if (OP == 0) { component g0 = G2Add(N, K); g0.p <== p; g0.q <== q; g0.out === expected; }
    if (OP == 1) { component g1 = G2Double(N, K); g1.p <== p; g1.out === expected; }
    if (OP == 2) { component g2 = G2AssertOnCurve(N, K); g2.p <== p; }
    if (OP == 3) { component g3 = G2Psi(N, K); g3.p <== p; g3.out === expected; }
    ok <== q[0][0][0] * 0 + expected[0][0][0] * 0 + 1;
}

// ADD: 0 doubling step (q unused), 1 addition step
template TestMillerStep(N, K, ADD) {
    signal input f[6][2][K];
    signal input t[2][2][K];
    signal input q[2][2][K];
    signal input p[2][K];
    signal input expectedF[6][2][K];
    signal input expectedT[2][2][K];
    signal output ok;
    if (ADD == 0) {
        component g0 = MillerDoubleStep(N, K);
        g0.f <== f; g0.t <== t; g0.p <== p;
        g0.fOut === expectedF;
        g0.tOut === expectedT;
    } else {
        component g1 = MillerAddStep(N, K);
        g1.f <== f; g1.t <== t; g1.q <== q; g1.p <== p;
        g1.fOut === expectedF;
        g1.tOut === expectedT;
    }
    ok <== q[0][0][0] * 0 + 1;
}
