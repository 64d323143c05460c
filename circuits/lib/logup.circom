pragma circom 2.1.0;

/*
 * Range checks by a log-derivative lookup (Haböck, "Multivariate lookups based on logarithmic
 * derivatives", ePrint 2022/1530), for the emulated-field results of the in-circuit verifier
 * (issue #18: a limb range-checked bit by bit costs one constraint per bit; looked up in chunks of
 * up to 15 bits it costs one constraint per chunk, plus a table shared by the whole circuit).
 *
 * TABLE. T = {(j, w) : w ∈ WS, 0 ≤ j < 2^w}: one sub-table per chunk width, so a chunk of width w
 * is looked up in its own range with one lookup (no second, shifted lookup). A pair is folded into
 * one field element t(j, w) = j + Y·w. A chunk c of width w contributes 1/(X − c − Y·w); the
 * table contributes Σ_t m_t/(X − t) with multiplicities m_t; the circuit proves
 *         Σ_i 1/(X − f_i) = Σ_t m_t/(X − t)                                              (1)
 * with one constraint per lookup and one per table entry, on a running accumulator: each lookup
 * adds its 1/(X − f_i), each table entry takes m_t/(X − t) off, and the accumulator must end at 0.
 *
 * SOUNDNESS — ASSUMPTION THE CALLER ENFORCES: the chunks c_i, their widths, and the
 * multiplicities m_t are fixed before X and Y are drawn (here: bound by a commitment to those
 * witness wires, with X and Y derived from it by a hash the verifier recomputes). Without that,
 * the check proves nothing: knowing X, a prover can choose two chunks out of range that still sum
 * to the right limb and balance (1) (one linear and one quadratic equation in two unknowns).
 *   1. Folding. Let some chunk c_i of width w_i lie outside [0, 2^w_i). It equals t(j, w) for some
 *      (j, w) ∈ T only if c_i + Y·w_i = j + Y·w; for w = w_i that says c_i = j ∈ [0, 2^w_i), which
 *      is false, and for w ≠ w_i it fixes Y = (c_i − j)/(w − w_i). So over Y uniform in Fr the
 *      folded value f_i hits T with probability ≤ |T|/r, and all out-of-range chunks miss T except
 *      with probability ≤ L·|T|/r (L lookups).
 *   2. Log-derivative (Haböck, Lemma 5): for r > max(L, |T|), Σ_i 1/(X − f_i) = Σ_t m_t/(X − t)
 *      as rational functions iff every f_i is in T (with m_t its count). If some f_i ∉ T, (1)
 *      multiplied by the common denominator is a non-zero polynomial in X of degree < L + |T|, so
 *      it holds at a uniform X with probability < (L + |T|)/r. X is independent of Y (two hash
 *      outputs).
 *   3. Steps. A lookup's step (acc' − acc)·(X − f) = 1 fixes acc' − acc = 1/(X − f), and has no
 *      solution when X = f (the honest prover then fails, with probability ≤ L/r); a table
 *      entry's step (acc − acc')·(X − t) = m_t fixes acc − acc' = m_t/(X − t) unless X = t, which
 *      happens with probability ≤ |T|/r. Both are absorbed in the bound. Since every step fixes
 *      its difference, the accumulator ends at Σ_i 1/(X − f_i) − Σ_t m_t/(X − t), and acc = 0
 *      at the end is (1).
 *   Total soundness error ≤ (L·|T| + L + 2|T|)/r; for L = 2^20 lookups and |T| = 2^16 it is
 *   below 2^−216. The sums need no range: r exceeds every count, so Lemma 5 applies in Fr.
 *
 * CHUNKS OF A LIMB. A limb of w bits is split into n = ⌈w/CB⌉ chunks of widths as equal as
 * possible, the wider first (logup_chunk_width), least significant first: for CB = 15 a 43-bit
 * limb is 15 + 14 + 14 bits, a 39-bit top limb 13 + 13 + 13. The limb equals Σ c_k·2^(offset_k)
 * (one linear constraint); each chunk in [0, 2^width_k) then gives limb < 2^w exactly (the sum is
 * at most 2^w − 1 < r, so the linear identity in Fr is an identity in Z).
 *
 * COST for an Fq value in reduced form (6 limbs of 43 bits, top limb 39 bits; fq.circom): 18
 * lookups, 18 constraints (FqRangeCheck: 254). The table for widths {15, 14, 13}: 57,344 entries,
 * one constraint each, once per circuit.
 *
 * Hints: the chunks come from the caller (they are inputs here, so that tests can hand over bad
 * ones); src/bn254/logup.ts computes chunks and multiplicities.
 */

include "./bn254/bigint.circom";

/* Width of chunk k of a w-bit limb cut into chunks of at most CB bits (wider chunks first). */
function logup_chunk_width(w, CB, k) {
    var n = (w + CB - 1) \ CB;
    var base = w \ n;
    var rem = w % n;
    return k < rem ? base + 1 : base;
}

/* Number of chunks of a w-bit limb. */
function logup_chunk_count(w, CB) {
    return (w + CB - 1) \ CB;
}

/* Number of entries of the table with sub-table widths WS[0..NW). */
function logup_table_size(NW, WS) {
    var s = 0;
    for (var k = 0; k < NW; k++) s += 1 << WS[k];
    return s;
}

/*
 * LogUpTable(NW, WS): the table side of (1). in is the lookups' sum Σ_i 1/(X − f_i) (a running
 * accumulator threaded through every lookup, starting at 0); the table takes its entries off it,
 *     (acc_t − acc_{t+1})·(X − t) = m_t,   acc_0 = in,   acc_SIZE = 0,
 * over t = j + Y·WS[k], j < 2^WS[k], entries in the order k, then j. So acc_t − acc_{t+1} is
 * m_t/(X − t) and the last constraint is (1). A running accumulator keeps every constraint short
 * (a sum of 57,344 terms in one linear constraint is slow for the compiler). Caller-enforced: m,
 * X, Y as in the header.
 *   cost: one constraint per entry.
 */
template LogUpTable(NW, WS) {
    var SIZE = logup_table_size(NW, WS);
    signal input X;
    signal input Y;
    signal input in;
    signal input m[SIZE];
    signal acc[SIZE + 1];
    acc[0] <== in;
    var t = 0;
    for (var k = 0; k < NW; k++) {
        // the witness inverts the entries' denominators in blocks of 256 (Montgomery's batch
        // inversion: one field inversion and three products per entry)
        for (var b = 0; b < 1 << WS[k]; b += 256) {
            var e = b + 256 < 1 << WS[k] ? b + 256 : 1 << WS[k];
            var pre[256];
            var run = 1;
            for (var j = b; j < e; j++) {
                pre[j - b] = run;
                run = run * (X - j - Y * WS[k]);
            }
            var inv = 1 / run;
            var q[256];
            for (var i = e - b; i > 0; i--) {
                q[i - 1] = inv * pre[i - 1];
                inv = inv * (X - (b + i - 1) - Y * WS[k]);
            }
            for (var j = b; j < e; j++) {
                if (t == SIZE - 1) {
                    acc[t + 1] <== 0;
                } else {
                    acc[t + 1] <-- acc[t] - m[t] * q[j - b];
                }
                (acc[t] - acc[t + 1]) * (X - j - Y * WS[k]) === m[t];
                t++;
            }
        }
    }
}

/*
 * LogUpLimb(W, CB): the limb x (W bits) is Σ c_k·2^(offset_k) with chunk k looked up in the
 * sub-table of its width (logup_chunk_width(W, CB, k)): out = in + Σ_k 1/(X − c_k − Y·width_k),
 * by the running accumulator (acc_{k+1} − acc_k)·(X − c_k − Y·width_k) = 1.
 *   cost: one constraint per chunk, plus the limb identity (linear).
 */
template LogUpLimb(W, CB) {
    var NC = logup_chunk_count(W, CB);
    signal input X;
    signal input Y;
    signal input in;
    signal input x;
    signal input c[NC];
    signal output out;
    signal acc[NC + 1];
    acc[0] <== in;
    // the witness inverts the NC denominators with one field inversion (Montgomery's batch trick)
    var den[NC];
    var pre[NC];
    var run = 1;
    for (var k = 0; k < NC; k++) {
        den[k] = X - c[k] - Y * logup_chunk_width(W, CB, k);
        pre[k] = run;
        run = run * den[k];
    }
    var inv = 1 / run;
    var q[NC];
    for (var k = NC; k > 0; k--) {
        q[k - 1] = inv * pre[k - 1];
        inv = inv * den[k - 1];
    }
    var sum = 0;
    var off = 0;
    for (var k = 0; k < NC; k++) {
        var w = logup_chunk_width(W, CB, k);
        acc[k + 1] <-- acc[k] + q[k];
        (acc[k + 1] - acc[k]) * (X - c[k] - Y * w) === 1;
        sum += c[k] * (1 << off);
        off += w;
    }
    x === sum;
    out <== acc[NC];
}

/*
 * FqRangeLookup(N, K, CB): x is in reduced form (fq.circom: limbs of N bits, the top limb of
 * 254 − N(K − 1) bits), by lookups of its limbs' chunks c[K][NCMAX] (unused trailing entries must
 * be 0: NCMAX = the most chunks a limb has). in/out: the lookups' running accumulator.
 *   cost for N = 43, K = 6, CB = 15: 18 constraints.
 */
template FqRangeLookup(N, K, CB) {
    var TB = bn_top_bits(N, K);
    var NCMAX = logup_chunk_count(N, CB);
    signal input X;
    signal input Y;
    signal input in;
    signal input x[K];
    signal input c[K][NCMAX];
    signal output out;
    component lk[K];
    for (var i = 0; i < K; i++) {
        var w = i == K - 1 ? TB : N;
        var nc = logup_chunk_count(w, CB);
        lk[i] = LogUpLimb(w, CB);
        lk[i].X <== X;
        lk[i].Y <== Y;
        lk[i].in <== i == 0 ? in : lk[i - 1].out;
        lk[i].x <== x[i];
        for (var k = 0; k < nc; k++) lk[i].c[k] <== c[i][k];
        for (var k = nc; k < NCMAX; k++) c[i][k] === 0;
    }
    out <== lk[K - 1].out;
}
