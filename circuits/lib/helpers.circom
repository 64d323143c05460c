pragma circom 2.1.0;

/*
 * Small field helpers shared by the column and state-update circuits.
 * Every template states its cost in constraints after --O2 (linear constraints are substituted
 * away, so only the products count).
 */

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

/*
 * AssertBool(): proves in ∈ {0, 1}.
 *   input in.
 *   cost: 1.
 */
template AssertBool() {
    signal input in;
    in * (in - 1) === 0;
}

/*
 * RangeCheck(N): proves 0 ≤ in < 2^N (as an integer below the field modulus).
 *   params: N ≤ 252 (so that the bit sum cannot wrap around the modulus).
 *   input in.
 *   cost: N (Num2Bits).
 */
template RangeCheck(N) {
    signal input in;
    assert(N <= 252);
    component bits = Num2Bits(N);
    bits.in <== in;
}

/*
 * PrefixFlags(N): proves every flag is boolean and the flags form a prefix 1…1 0…0
 * (flag[i] = 1 ⇒ flag[i-1] = 1): real slots first, padding slots after them.
 *   input flag[N].
 *   cost: 2N - 1.
 */
template PrefixFlags(N) {
    signal input flag[N];
    for (var i = 0; i < N; i++) {
        flag[i] * (flag[i] - 1) === 0;
        if (i > 0) {
            flag[i] * (1 - flag[i - 1]) === 0;
        }
    }
}

/*
 * IncreasingIfEnabled(N): when enabled = 1, proves a < b.
 *   params: N ≤ 252.
 *   inputs: enabled (boolean: caller), a, b.
 *   assumptions (caller): a < 2^N and b < 2^N (e.g. both range-checked by Num2Bits(N)); then
 *   b - a - 1 ∈ [0, 2^N) holds exactly when a < b (a negative difference wraps to ≈ p).
 *   cost: N + 1.
 */
template IncreasingIfEnabled(N) {
    signal input enabled;
    signal input a;
    signal input b;
    signal gap;
    gap <== enabled * (b - a - 1);
    component range = RangeCheck(N);
    range.in <== gap;
}

/*
 * OneHot(N): proves sel is a one-hot vector when enabled = 1 and all zero when enabled = 0.
 *   inputs: enabled (boolean: caller), sel[N].
 *   cost: N (booleans; the sum is linear).
 */
template OneHot(N) {
    signal input enabled;
    signal input sel[N];
    var sum = 0;
    for (var i = 0; i < N; i++) {
        sel[i] * (sel[i] - 1) === 0;
        sum += sel[i];
    }
    sum === enabled;
}

/*
 * Select(N): out = Σ sel[i]·v[i], the entry picked by a one-hot (or zero) selector.
 *   inputs: sel[N] (one-hot or zero: caller, e.g. OneHot), v[N].
 *   output: out.
 *   cost: N.
 */
template Select(N) {
    signal input sel[N];
    signal input v[N];
    signal output out;
    signal prod[N];
    var sum = 0;
    for (var i = 0; i < N; i++) {
        prod[i] <== sel[i] * v[i];
        sum += prod[i];
    }
    out <== sum;
}

/*
 * OnBabyJubIfEnabled(): when enabled = 1, proves (x, y) satisfies the BabyJubjub equation
 * a·x² + y² = 1 + d·x²·y² (a = 168700, d = 168696), like circomlib's BabyCheck.
 *   inputs: enabled (boolean: caller), x, y.
 *   cost: 4.
 */
template OnBabyJubIfEnabled() {
    signal input enabled;
    signal input x;
    signal input y;
    signal x2;
    signal y2;
    signal x2y2;
    x2 <== x * x;
    y2 <== y * y;
    x2y2 <== x2 * y2;
    enabled * (168700 * x2 + y2 - 1 - 168696 * x2y2) === 0;
}
