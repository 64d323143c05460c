pragma circom 2.1.0;

/*
 * Compile-time parameters and witness-time hint functions for emulated BN254 base-field (Fq)
 * arithmetic. Nothing here creates constraints: the functions compute constants (limbs of p,
 * interpolation matrices, the bounds of circuits/lib/bn254/fq.circom) and the hints that templates
 * assign with `<--` and then constrain.
 *
 * Big integers are arrays of limbs in base B = 2^N, least significant first. circom `var`
 * arithmetic is over the native field Fr (r ≈ 2^253.6); every hint computation below keeps its
 * intermediate integers below 2^(3N+3) ≪ r/2, and negative integers are field elements above r/2:
 * circom's `<` compares such signed values, `\` and `%` act on the representative in [0, r).
 */

// ⌈log2 x⌉ for an integer 1 ≤ x < 2^252 (0 for x = 1).
function bn_clog2(x) {
    var b = 0;
    var v = 1;
    while (v < x) {
        v = v * 2;
        b++;
    }
    return b;
}

// 2^e as a field element (any e ≥ 0; `<<` is not used past the field size).
function bn_pow2(e) {
    var v = 1;
    for (var i = 0; i < e; i++) v = v * 2;
    return v;
}

function bn_max(a, b) {
    if (a > b) return a;
    return b;
}

// Bits of the top limb: values in reduced form are < 2^254 (p < 2^254).
function bn_top_bits(N, K) {
    var t = 254 - N * (K - 1);
    assert(t > 0 && t <= N);
    return t;
}

// Bit i of p = 21888…208583 (0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47).
function bn_p_bit(i) {
    var lo = 0x97816a916871ca8d3c208c16d87cfd47;
    var hi = 0x30644e72e131a029b85045b68181585d;
    if (i < 128) return (lo >> i) & 1;
    if (i < 256) return (hi >> (i - 128)) & 1;
    return 0;
}

/*
 * Limbs of the 256-bit integer hi·2^128 + lo (lo, hi < 2^128) in base 2^N, N ≤ 120 (array of 40;
 * limbs K.. are zero). A limb is one or two shifts and a mask of the halves, not a loop over its
 * bits: the reduction hints below take p's limbs on every call, once per deferred product in the
 * witness, and a bit-by-bit extraction (N·K shifts of a 128-bit value) was most of their time.
 */
function bn_limbs_of(N, K, lo, hi) {
    assert(N <= 120);
    var C[40];
    var mask = (1 << N) - 1;
    for (var j = 0; j < 40; j++) {
        C[j] = 0;
        if (j < K) {
            var s = N * j;
            var v = 0;
            if (s < 128) {
                v = lo >> s;
                // the limb straddles bit 128: its top s + N − 128 bits are hi's lowest
                if (s + N > 128) v = v + (hi & ((1 << (s + N - 128)) - 1)) * (1 << (128 - s));
            } else if (s < 256) {
                v = hi >> (s - 128);
            }
            C[j] = v & mask;
        }
    }
    return C;
}

// Limbs of p (array of 40; limbs K.. are zero).
function bn_p_limbs(N, K) {
    return bn_limbs_of(N, K, 0x97816a916871ca8d3c208c16d87cfd47, 0x30644e72e131a029b85045b68181585d);
}

// Limbs of a 256-bit constant given as two 128-bit halves (array of 40).
function bn_const_limbs(N, K, lo, hi) {
    return bn_limbs_of(N, K, lo, hi);
}

/*
 * L[m][t]: coefficient of X^m in the Lagrange basis polynomial ℓ_t for the points 0, 1, …, NP − 1
 * (over Fr): a polynomial of degree < NP with values v_t has coefficients Σ_t L[m][t]·v_t.
 */
function bn_lagrange(NP) {
    var L[40][40];
    for (var t = 0; t < 40; t++) for (var m = 0; m < 40; m++) L[m][t] = 0;
    for (var t = 0; t < NP; t++) {
        var poly[40];
        for (var m = 0; m < 40; m++) poly[m] = 0;
        poly[0] = 1;
        var deg = 0;
        var denom = 1;
        for (var u = 0; u < NP; u++) {
            if (u != t) {
                for (var m = deg + 1; m > 0; m--) poly[m] = poly[m - 1] - u * poly[m];
                poly[0] = -u * poly[0];
                deg++;
                denom = denom * (t - u);
            }
        }
        var inv = 1 / denom;
        for (var m = 0; m < NP; m++) L[m][t] = poly[m] * inv;
    }
    return L;
}

/*
 * Parameters of the reduction check FqReduceCheck(N, K, M, DB, VB) (see fq.circom for the bound
 * argument). Returns an array:
 *   [0] VB'  = max(VB, 254)         [1] QB  = VB' − 252: bits of q' = q + OFF
 *   [2] KQ   = ⌈QB / N⌉ limbs of q' [3] QT  = bits of the top limb of q'
 *   [4] OFFE = VB' − 253: OFF = 2^OFFE
 *   [5] MD   = coefficients of D(X) [6] DBALL: |D_m| < 2^DBALL
 *   [7] CB   : |carry| < 2^CB       [8] S   : limbs per segment
 *   [9] J    = limbs covered by carries (N·J ≥ VB' + 3 − 252)
 *   [10] NSEG = ⌈J / S⌉ carries
 */
function bn_reduce_params(N, K, M, DB, VB) {
    var out[11];
    var vb = bn_max(VB, 254);
    var qb = vb - 252;
    var kq = (qb + N - 1) \ N;
    var qt = qb - N * (kq - 1);
    var offe = vb - 253;
    var md = bn_max(bn_max(M, kq + K - 1), K);
    md = bn_max(md, (offe \ N) + K);
    var kmin = kq;
    if (K < kmin) kmin = K;
    var qmax = N;
    if (kq == 1) qmax = qt;
    var dball = bn_max(bn_max(DB, N + qmax + bn_clog2(kmin)), bn_max(N + (offe % N), N)) + 2;
    // A segment's two sides stay below 2^(DBALL + N·(S − 1) + 2) ≤ 2^252 (fq.circom, step 2): S ≥ 1
    // limbs per segment needs DBALL ≤ 250.
    assert(dball <= 250);
    var cb = dball - N + 1;
    var s = (250 - dball) \ N + 1;
    var j = (vb + 3 - 252 + N - 1) \ N;
    var nseg = (j + s - 1) \ s;
    out[0] = vb; out[1] = qb; out[2] = kq; out[3] = qt; out[4] = offe; out[5] = md;
    out[6] = dball; out[7] = cb; out[8] = s; out[9] = j; out[10] = nseg;
    return out;
}

// Coefficient m of OFF(X)·P(X), OFF = 2^OFFE.
function bn_offp_coeff(N, K, OFFE, m) {
    var P[40] = bn_p_limbs(N, K);
    var sh = OFFE \ N;
    var c = 0;
    if (m >= sh && m - sh < K) c = P[m - sh] * bn_pow2(OFFE % N);
    return c;
}

/*
 * Hint: V = Σ_m d[m]·2^(N·m) (d signed, |d[m]| < 2^(2N+20)), returns r = V mod p (K limbs) and
 * q' = (V − r)/p + OFF (KQ limbs): out[0..K−1] = r, out[K..K+KQ−1] = q'.
 */
function bn_reduce_hint(N, K, M, VB, d) {
    var prm[11] = bn_reduce_params(N, K, M, 0, VB);
    var KQ = prm[2];
    var OFFE = prm[4];
    var B = 1 << N;
    var P[40] = bn_p_limbs(N, K);
    // e = d + OFF·p, then normalize into limbs (floor carries, signed-aware).
    // (OFF(X)·P(X) from the P above: bn_offp_coeff would take p's limbs again for each of the 40)
    var L = 40;
    var sh = OFFE \ N;
    var offm = 1 << (OFFE % N);
    var e[40];
    for (var m = 0; m < L; m++) {
        e[m] = 0;
        if (m >= sh && m - sh < K) e[m] = P[m - sh] * offm;
        if (m < M) e[m] = e[m] + d[m];
    }
    var carry = 0;
    for (var m = 0; m < L; m++) {
        var v = e[m] + carry;
        if (v < 0) {
            var w = -v;
            var lo = (B - (w % B)) % B;
            e[m] = lo;
            carry = -((w + B - 1) \ B);
        } else {
            e[m] = v % B;
            carry = v \ B;
        }
    }
    assert(carry == 0);
    // Long division by p in base B: digit estimates from the top three limbs, then corrections.
    var den = P[K - 1] * B + P[K - 2];
    var q[40];
    for (var m = 0; m < L; m++) q[m] = 0;
    var top = L - 1;
    while (top > 0 && e[top] == 0) top--;
    for (var pos = top - K + 1; pos >= 0; pos--) {
        var num = e[pos + K] * B * B + e[pos + K - 1] * B + e[pos + K - 2];
        var est = num \ den;
        if (est >= B) est = B - 1;
        // t = est·p (K + 1 limbs)
        var t[41];
        var c = 0;
        for (var j = 0; j < K; j++) {
            var v = est * P[j] + c;
            t[j] = v % B;
            c = v \ B;
        }
        t[K] = c;
        // while t > e[pos..pos+K]: est--, t -= p
        var gt = bn_cmp_window(K, t, e, pos);
        while (gt == 1) {
            est--;
            var br = 0;
            for (var j = 0; j <= K; j++) {
                var v = t[j] - br;
                if (j < K) v = v - P[j];
                if (v < 0) { t[j] = v + B; br = 1; } else { t[j] = v; br = 0; }
            }
            gt = bn_cmp_window(K, t, e, pos);
        }
        // e[pos..pos+K] -= t
        var br2 = 0;
        for (var j = 0; j <= K; j++) {
            var v = e[pos + j] - t[j] - br2;
            if (v < 0) { e[pos + j] = v + B; br2 = 1; } else { e[pos + j] = v; br2 = 0; }
        }
        // while e[pos..] >= p: est++, subtract p
        var ge = bn_ge_p_window(K, e, pos, P);
        while (ge == 1) {
            est++;
            var br3 = 0;
            for (var j = 0; j <= K; j++) {
                var v = e[pos + j] - br3;
                if (j < K) v = v - P[j];
                if (v < 0) { e[pos + j] = v + B; br3 = 1; } else { e[pos + j] = v; br3 = 0; }
            }
            ge = bn_ge_p_window(K, e, pos, P);
        }
        q[pos] = est;
    }
    var out[80];
    for (var i = 0; i < 80; i++) out[i] = 0;
    for (var i = 0; i < K; i++) out[i] = e[i];
    for (var i = 0; i < KQ; i++) out[K + i] = q[i];
    return out;
}

// 1 if t[0..K] > e[pos..pos+K] (both normalized), else 0.
function bn_cmp_window(K, t, e, pos) {
    for (var j = K; j >= 0; j--) {
        if (t[j] > e[pos + j]) return 1;
        if (t[j] < e[pos + j]) return 0;
    }
    return 0;
}

// 1 if e[pos..pos+K] ≥ p, else 0.
function bn_ge_p_window(K, e, pos, P) {
    if (e[pos + K] > 0) return 1;
    for (var j = K - 1; j >= 0; j--) {
        if (e[pos + j] > P[j]) return 1;
        if (e[pos + j] < P[j]) return 0;
    }
    return 1;
}

// Hint: limbs of (p − 1 − r) comparison: index of the highest limb where r differs from p.
function bn_first_diff(N, K, r) {
    var P[40] = bn_p_limbs(N, K);
    for (var j = K - 1; j >= 0; j--) {
        if (r[j] != P[j]) return j;
    }
    return 0;
}

// Hint: a^(p−2) mod p for a in limbs (a ≠ 0 mod p), computed by square-and-multiply on limbs.
function bn_mulmod(N, K, a, b) {
    var d[40];
    for (var m = 0; m < 40; m++) d[m] = 0;
    for (var i = 0; i < K; i++) for (var j = 0; j < K; j++) d[i + j] = d[i + j] + a[i] * b[j];
    var res[80] = bn_reduce_hint(N, K, 2 * K - 1, 2 * 254, d);
    var r[40];
    for (var i = 0; i < 40; i++) r[i] = 0;
    for (var i = 0; i < K; i++) r[i] = res[i];
    return r;
}

/*
 * NB: NBITS must be 254 passed as a value unknown at compile time (e.g. 254 + 0·signal): circom
 * otherwise runs the whole exponentiation symbolically while generating constraints (≈ 110 s per
 * inverse); with an unknown loop bound it leaves the loop to the witness generator.
 */
function bn_invmod(N, K, a, NBITS) {
    var x[40];
    for (var i = 0; i < 40; i++) x[i] = 0;
    x[0] = 1;
    var base[40];
    for (var i = 0; i < 40; i++) base[i] = a[i];
    // p − 2: bits of p with bit 0 of …47 − 2 = …45 (p is odd, p − 2 differs only in bit 1).
    for (var i = 0; i < NBITS; i++) {
        var bit = bn_p_bit(i);
        if (i == 1) bit = 1 - bit; // p = …0111 (…47): p − 2 = …0101
        if (bit == 1) x = bn_mulmod(N, K, x, base);
        base = bn_mulmod(N, K, base, base);
    }
    return x;
}

// Hint: Σ ca·a + cb·b mod p (small signed ca, cb), limbs.
function bn_lin2(N, K, a, ca, b, cb) {
    var d[40];
    for (var m = 0; m < 40; m++) d[m] = 0;
    for (var m = 0; m < K; m++) d[m] = ca * a[m] + cb * b[m];
    var res[80] = bn_reduce_hint(N, K, K, 260, d);
    var r[40];
    for (var i = 0; i < 40; i++) r[i] = 0;
    for (var i = 0; i < K; i++) r[i] = res[i];
    return r;
}

// Hint: (a0 + a1 u)/(b0 + b1 u) = (a0 + a1 u)(b0 − b1 u)/(b0² + b1²); out[0..] re, out[40..] im.
function bn_fq2_div_hint(N, K, a0, a1, b0, b1, NBITS) {
    var n0[40] = bn_mulmod(N, K, b0, b0);
    var n1[40] = bn_mulmod(N, K, b1, b1);
    var nn[40] = bn_lin2(N, K, n0, 1, n1, 1);
    var ni[40] = bn_invmod(N, K, nn, NBITS);
    var t0[40] = bn_mulmod(N, K, a0, b0);
    var t1[40] = bn_mulmod(N, K, a1, b1);
    var t2[40] = bn_mulmod(N, K, a1, b0);
    var t3[40] = bn_mulmod(N, K, a0, b1);
    var re[40] = bn_lin2(N, K, t0, 1, t1, 1);
    var im[40] = bn_lin2(N, K, t2, 1, t3, -1);
    var r0[40] = bn_mulmod(N, K, re, ni);
    var r1[40] = bn_mulmod(N, K, im, ni);
    var out[80];
    for (var i = 0; i < 40; i++) { out[i] = r0[i]; out[40 + i] = r1[i]; }
    return out;
}

// Hint: (y2 − y1)/(x2 − x1) mod p (0 if x1 ≡ x2).
function bn_slope_add_hint(N, K, x1, y1, x2, y2, NBITS) {
    var num[40] = bn_lin2(N, K, y2, 1, y1, -1);
    var den[40] = bn_lin2(N, K, x2, 1, x1, -1);
    var di[40] = bn_invmod(N, K, den, NBITS);
    return bn_mulmod(N, K, num, di);
}

// Hint: 3x²/(2y) mod p (0 if y ≡ 0).
function bn_slope_dbl_hint(N, K, x, y, NBITS) {
    var xx[40] = bn_mulmod(N, K, x, x);
    var num[40] = bn_lin2(N, K, xx, 3, xx, 0);
    var den[40] = bn_lin2(N, K, y, 2, y, 0);
    var di[40] = bn_invmod(N, K, den, NBITS);
    return bn_mulmod(N, K, num, di);
}

// Fq2 hints: slopes on the twist (out[0..] re, out[40..] im).
function bn_fq2_slope_add_hint(N, K, x1, y1, x2, y2, NBITS) {
    var n0[40] = bn_lin2(N, K, y2[0], 1, y1[0], -1);
    var n1[40] = bn_lin2(N, K, y2[1], 1, y1[1], -1);
    var d0[40] = bn_lin2(N, K, x2[0], 1, x1[0], -1);
    var d1[40] = bn_lin2(N, K, x2[1], 1, x1[1], -1);
    return bn_fq2_div_hint(N, K, n0, n1, d0, d1, NBITS);
}

function bn_fq2_slope_dbl_hint(N, K, x, y, NBITS) {
    // 3x² = 3(x0² − x1²) + 6x0x1·u ; 2y
    var s0[40] = bn_mulmod(N, K, x[0], x[0]);
    var s1[40] = bn_mulmod(N, K, x[1], x[1]);
    var s2[40] = bn_mulmod(N, K, x[0], x[1]);
    var n0[40] = bn_lin2(N, K, s0, 3, s1, -3);
    var n1[40] = bn_lin2(N, K, s2, 6, s2, 0);
    var d0[40] = bn_lin2(N, K, y[0], 2, y[0], 0);
    var d1[40] = bn_lin2(N, K, y[1], 2, y[1], 0);
    return bn_fq2_div_hint(N, K, n0, n1, d0, d1, NBITS);
}
