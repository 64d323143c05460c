pragma circom 2.1.0;

/*
 * Test wrappers for the Fq gadgets (test/bn254.fq.test.ts): the claimed result is a private input
 * `expected` constrained equal (limb by limb) to the gadget's output, so a valid input proves the
 * gadget's output, and a wrong `expected` must violate a constraint of the gadget itself (--O2
 * substitutes the output by `expected`). One public output, as the test harness requires.
 */

include "./fq.circom";

template TestFqReduceCheck(N, K, M, DB, VB, HASR, CANON) {
    var prm[11] = bn_reduce_params(N, K, M, DB, VB);
    signal input d[M];
    signal input q[prm[2]];
    signal input r[K];
    signal input carry[prm[10]];
    signal output ok;
    component c = FqReduceCheck(N, K, M, DB, VB, HASR, CANON);
    c.d <== d;
    c.q <== q;
    c.r <== r;
    c.carry <== carry;
    ok <== 1;
}

template TestFqMul(N, K) {
    signal input a[K];
    signal input b[K];
    signal input expected[K];
    signal output ok;
    component g = FqMul(N, K);
    g.a <== a;
    g.b <== b;
    g.out === expected;
    ok <== 1;
}

template TestFqSquare(N, K) {
    signal input a[K];
    signal input expected[K];
    signal output ok;
    component g = FqSquare(N, K);
    g.a <== a;
    g.out === expected;
    ok <== 1;
}

// OP: 0 add, 1 sub, 2 neg (b ignored), 3 div, 4 inv (b ignored)
template TestFqBinary(N, K, OP) {
    signal input a[K];
    signal input b[K];
    signal input expected[K];
    signal output ok;
    if (OP == 0) {
        component g0 = FqAdd(N, K);
        g0.a <== a;
        g0.b <== b;
        g0.out === expected;
    }
    if (OP == 1) {
        component g1 = FqSub(N, K);
        g1.a <== a;
        g1.b <== b;
        g1.out === expected;
    }
    if (OP == 2) {
        component g2 = FqNeg(N, K);
        g2.a <== a;
        g2.out === expected;
    }
    if (OP == 3) {
        component g3 = FqDiv(N, K);
        g3.a <== a;
        g3.b <== b;
        g3.out === expected;
    }
    if (OP == 4) {
        component g4 = FqInv(N, K);
        g4.a <== a;
        g4.out === expected;
    }
    ok <== a[0] * 0 + b[0] * 0 + 1;
}

template TestFqCanonical(N, K) {
    signal input a[K];
    signal input expected[K];
    signal output ok;
    component g = FqCanonical(N, K);
    g.a <== a;
    g.out === expected;
    ok <== 1;
}

template TestFqAssertEqual(N, K) {
    signal input a[K];
    signal input b[K];
    signal output ok;
    component g = FqAssertEqual(N, K);
    g.a <== a;
    g.b <== b;
    ok <== 1;
}

template TestFqAssertCanonical(N, K) {
    signal input x[K];
    signal output ok;
    component g = FqAssertCanonical(N, K);
    g.x <== x;
    ok <== 1;
}

// The limbs of p and of a 256-bit constant (lo = 2^128 − 1, hi = 2^127 + 1: a limb straddling bit
// 128 takes bits of both halves) that bigint.circom's functions compute, as constraints on inputs:
// (x − X)² = 0 (a linear x === X on an input is folded away by --O2 and left as a witness assert).
template TestLimbsOf(N, K) {
    signal input p[K];
    signal input c[K];
    signal output ok;
    var P[40] = bn_p_limbs(N, K);
    var C[40] = bn_limbs_of(N, K, 0xffffffffffffffffffffffffffffffff, 0x80000000000000000000000000000001);
    signal dp[K];
    signal dc[K];
    for (var j = 0; j < K; j++) {
        dp[j] <== (p[j] - P[j]) * (p[j] - P[j]);
        dp[j] === 0;
        dc[j] <== (c[j] - C[j]) * (c[j] - C[j]);
        dc[j] === 0;
    }
    ok <== 1;
}
