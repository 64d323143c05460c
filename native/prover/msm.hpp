// Multi-scalar multiplication Σ kᵢ·Pᵢ over affine bases: Pippenger's bucket method with signed
// digits (windows of c bits, digits in [−2^(c−1), 2^(c−1)), so each window needs 2^(c−1) buckets
// and a negative digit adds −Pᵢ, which costs a negation of y).
//
// Before the buckets: zero scalars and bases at infinity are dropped, and scalars equal to 1 are
// summed directly (circuit witnesses are dominated by bits, and many zkey points are zero), so only
// the remaining "large" terms go through the windows. The window size minimises
// W(c)·(n + 2^c), W(c) = ⌊254/c⌋ + 1 windows of n bucket additions and a 2^c-addition running-sum
// reduction each. Threads take whole windows (each its own bucket array); when there are more
// threads than windows, the terms are also split into segments whose window sums are added.
//
// Scalars are standard-form (not Montgomery) 4-limb little-endian integers below r.
#pragma once
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "curve.hpp"
#include "parallel.hpp"

namespace DES_ARCH {

struct MsmStats {
  size_t n = 0, zeros = 0, ones = 0, large = 0;
  int window = 0;
  bool batchAffine = false;
};

inline int msmWindow(size_t n) {
  if (n < 32) return 3;
  int best = 2;
  double bestCost = 1e300;
  for (int c = 2; c <= 16; c++) {
    double w = (double)(254 / c + 1);
    double cost = w * ((double)n + (double)(1u << c));
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

static inline bool scalarIsZero(const u64* k) { return (k[0] | k[1] | k[2] | k[3]) == 0; }
static inline bool scalarIsOne(const u64* k) { return k[0] == 1 && (k[1] | k[2] | k[3]) == 0; }

// Signed c-bit digits of a 254-bit scalar, `windows` of them (the last one non-negative).
static inline void signedDigits(const u64* k, int c, int windows, int16_t* out, size_t stride) {
  int carry = 0;
  const int half = 1 << (c - 1);
  const int full = 1 << c;
  for (int w = 0; w < windows; w++) {
    int bit = w * c;
    int limb = bit >> 6, off = bit & 63;
    u64 v = 0;
    if (limb < 4) {
      v = k[limb] >> off;
      if (off + c > 64 && limb + 1 < 4) v |= k[limb + 1] << (64 - off);
    }
    int d = (int)(v & (u64)(full - 1)) + carry;
    if (w < windows - 1 && d >= half) {
      d -= full;
      carry = 1;
    } else {
      carry = 0;
    }
    out[(size_t)w * stride] = (int16_t)d;
  }
}

// Loads affine point i from packed file bytes (zkey sections are not 8-byte aligned), checking that
// its coordinates are canonical field elements.
template <class F>
static inline Affine<F> loadPoint(const unsigned char* base, size_t i) {
  Affine<F> p;
  std::memcpy(&p, base + i * sizeof(Affine<F>), sizeof(Affine<F>));
  return p;
}

template <class F>
static inline bool pointCanonical(const Affine<F>& p) {
  const u64* w = reinterpret_cast<const u64*>(&p);
  for (size_t i = 0; i < sizeof(Affine<F>) / 32; i++)
    if (!Fq::canonical(w + 4 * i)) return false;
  return true;
}

struct NonCanonicalPoint {
  size_t index;
};

enum class Accumulation { BatchAffine, Jacobian };
inline Accumulation& msmAccumulation() {
  static Accumulation a = Accumulation::BatchAffine;
  return a;
}

// Σ (i+1)·bucket[i] by running sums from the top; bucket i = affine part (if set) + Jacobian part.
template <class F>
static Jacobian<F> reduceBuckets(const Affine<F>* aff, const uint8_t* set, const Jacobian<F>* jac, size_t nb) {
  Jacobian<F> running = Jacobian<F>::infinity(), sum = Jacobian<F>::infinity();
  for (size_t i = nb; i-- > 0;) {
    if (jac) pointAdd(running, running, jac[i]);
    if (set && set[i]) pointAddMixed(running, running, aff[i]);
    pointAdd(sum, sum, running);
  }
  return sum;
}

// One window's buckets with Jacobian accumulators: one mixed addition per term.
template <class F>
static Jacobian<F> bucketsJacobian(const unsigned char* points, const uint32_t* idx, const int16_t* dg, size_t b,
                                   size_t e, size_t nBuckets) {
  using J = Jacobian<F>;
  using A = Affine<F>;
  std::vector<J> buckets(nBuckets, J::infinity());
  for (size_t j = b; j < e; j++) {
    if (j + 8 < e) {
      int dn = dg[j + 8];
      if (dn) __builtin_prefetch(&buckets[(size_t)std::abs(dn) - 1]);
    }
    int d = dg[j];
    if (d == 0) continue;
    A p = loadPoint<F>(points, idx[j]);
    if (d < 0) p = negAffine(p);
    size_t k = (size_t)std::abs(d) - 1;
    pointAddMixed(buckets[k], buckets[k], p);
  }
  return reduceBuckets<F>(nullptr, nullptr, buckets.data(), nBuckets);
}

// targets[idx[i]] += addends[i] for i < cnt, affine: every target distinct and every pair of
// distinct x (the callers route the other cases elsewhere), so λ = (y₂ − y₁)/(x₂ − x₁) always
// exists; the cnt denominators share one field inversion (Montgomery's trick: 3 multiplications
// each), then λ, λ² and y₃ make about 6 multiplications per addition. den and pref: scratch of ≥ cnt.
template <class F>
static void batchAffineAddInto(Affine<F>* targets, const uint32_t* idx, const Affine<F>* addends, size_t cnt,
                               F* den, F* pref) {
  if (!cnt) return;
  for (size_t i = 0; i < cnt; i++) F::sub(den[i], addends[i].x, targets[idx[i]].x);
  pref[0] = den[0];
  for (size_t i = 1; i < cnt; i++) F::mul(pref[i], pref[i - 1], den[i]);
  F inv = pref[cnt - 1].inv();
  for (size_t i = cnt; i-- > 0;) {
    F di;  // 1/den[i]
    if (i) {
      F::mul(di, inv, pref[i - 1]);
      F::mul(inv, inv, den[i]);
    } else {
      di = inv;
    }
    Affine<F>& q = targets[idx[i]];
    const Affine<F>& p = addends[i];
    F lambda, x3, t;
    F::sub(t, p.y, q.y);
    F::mul(lambda, t, di);
    F::sqr(x3, lambda);
    F::sub(x3, x3, q.x);
    F::sub(x3, x3, p.x);
    F::sub(t, q.x, x3);
    F::mul(t, lambda, t);
    F::sub(q.y, t, q.y);
    q.x = x3;
  }
}

// One window's buckets kept affine, additions done in batches that share one field inversion
// (batchAffineAddInto: about 6 multiplications per addition against 11 for a mixed Jacobian
// one). A term whose bucket is already in the pending batch, or has the same x (doubling or
// cancellation), goes to the bucket's Jacobian overflow accumulator instead, so batches never
// wait and no case is special inside them.
template <class F>
static Jacobian<F> bucketsBatchAffine(const unsigned char* points, const uint32_t* idx, const int16_t* dg,
                                      size_t b, size_t e, size_t nBuckets) {
  using J = Jacobian<F>;
  using A = Affine<F>;
  std::vector<A> aff(nBuckets);
  std::vector<uint8_t> set(nBuckets, 0);
  std::vector<J> jac(nBuckets, J::infinity());
  std::vector<uint32_t> busy(nBuckets, 0);
  uint32_t epoch = 1;
  const size_t B = std::max<size_t>(16, std::min<size_t>(1024, nBuckets / 8));
  std::vector<uint32_t> bk(B);
  std::vector<A> pt(B);
  std::vector<F> den(B), pref(B);
  size_t cnt = 0;
  bool anyJac = false;
  auto flush = [&]() {
    if (!cnt) return;
    batchAffineAddInto(aff.data(), bk.data(), pt.data(), cnt, den.data(), pref.data());
    cnt = 0;
    epoch++;
  };
  for (size_t j = b; j < e; j++) {
    if (j + 8 < e) {
      int dn = dg[j + 8];
      if (dn) __builtin_prefetch(&aff[(size_t)std::abs(dn) - 1]);
    }
    int d = dg[j];
    if (d == 0) continue;
    A p = loadPoint<F>(points, idx[j]);
    if (d < 0) p = negAffine(p);
    size_t k = (size_t)std::abs(d) - 1;
    if (!set[k]) {
      aff[k] = p;
      set[k] = 1;
    } else if (busy[k] == epoch || aff[k].x == p.x) {
      pointAddMixed(jac[k], jac[k], p);
      anyJac = true;
    } else {
      busy[k] = epoch;
      bk[cnt] = (uint32_t)k;
      pt[cnt] = p;
      if (++cnt == B) flush();
    }
  }
  flush();
  return reduceBuckets<F>(aff.data(), set.data(), anyJac ? jac.data() : nullptr, nBuckets);
}

// points: n packed affine points in Montgomery form (the zkey's layout); throws NonCanonicalPoint
// for a coordinate ≥ q.
template <class F>
Jacobian<F> msm(const unsigned char* points, const u64* scalars, size_t n, int threads,
                MsmStats* stats = nullptr) {
  using J = Jacobian<F>;
  using A = Affine<F>;
  if (threads < 1) threads = 1;

  // 1. Split into dropped, ones and large terms.
  const size_t chunks = (size_t)threads * 4;
  std::vector<std::vector<uint32_t>> largeParts(chunks);
  std::vector<J> onesParts(chunks, J::infinity());
  std::vector<size_t> zeroCount(chunks, 0), oneCount(chunks, 0);
  parallelFor(chunks, threads, [&](size_t p) {
    size_t b = n * p / chunks, e = n * (p + 1) / chunks;
    J acc = J::infinity();
    auto& large = largeParts[p];
    for (size_t i = b; i < e; i++) {
      const u64* k = scalars + 4 * i;
      A pt = loadPoint<F>(points, i);
      if (!pointCanonical(pt)) throw NonCanonicalPoint{i};
      if (scalarIsZero(k) || pt.isInfinity()) {
        zeroCount[p]++;
      } else if (scalarIsOne(k)) {
        pointAddMixed(acc, acc, pt);
        oneCount[p]++;
      } else {
        large.push_back((uint32_t)i);
      }
    }
    onesParts[p] = acc;
  });
  J result = J::infinity();
  std::vector<uint32_t> idx;
  size_t zeros = 0, ones = 0;
  {
    size_t total = 0;
    for (auto& v : largeParts) total += v.size();
    idx.reserve(total);
    for (size_t p = 0; p < chunks; p++) {
      idx.insert(idx.end(), largeParts[p].begin(), largeParts[p].end());
      std::vector<uint32_t>().swap(largeParts[p]);
      pointAdd(result, result, onesParts[p]);
      zeros += zeroCount[p];
      ones += oneCount[p];
    }
  }
  const size_t m = idx.size();
  const int c = msmWindow(m);
  const int windows = 254 / c + 1;
  if (stats) {
    stats->n = n;
    stats->zeros = zeros;
    stats->ones = ones;
    stats->large = m;
    stats->window = c;
  }
  if (m == 0) return result;

  // 2. Digits, window-major: digits[w·m + j] for term j.
  std::vector<int16_t> digits((size_t)windows * m);
  parallelRanges(m, threads, [&](size_t b, size_t e, size_t) {
    for (size_t j = b; j < e; j++) signedDigits(scalars + 4 * (size_t)idx[j], c, windows, &digits[j], m);
  });

  // 3. Buckets: one task per (window, segment).
  size_t segments = 1;
  if ((size_t)threads > (size_t)windows) segments = ((size_t)threads + windows - 1) / windows;
  if (segments > m) segments = m;
  const size_t nBuckets = (size_t)1 << (c - 1);
  std::vector<J> windowSums((size_t)windows * segments, J::infinity());
  const bool batched = msmAccumulation() == Accumulation::BatchAffine && m >= 4096;
  if (stats) stats->batchAffine = batched;
  parallelFor((size_t)windows * segments, threads, [&](size_t task) {
    size_t w = task / segments, s = task % segments;
    size_t b = m * s / segments, e = m * (s + 1) / segments;
    const int16_t* dg = &digits[w * m];
    windowSums[task] = batched ? bucketsBatchAffine<F>(points, idx.data(), dg, b, e, nBuckets)
                               : bucketsJacobian<F>(points, idx.data(), dg, b, e, nBuckets);
  });

  // 4. Horner over windows, from the top.
  J acc = J::infinity();
  for (int w = windows - 1; w >= 0; w--) {
    for (int i = 0; i < c; i++) pointDouble(acc, acc);
    for (size_t s = 0; s < segments; s++) pointAdd(acc, acc, windowSums[(size_t)w * segments + s]);
  }
  pointAdd(result, result, acc);
  return result;
}

}  // namespace DES_ARCH
