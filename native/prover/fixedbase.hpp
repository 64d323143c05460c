// Fixed-base scalar multiplication k_i·B for many scalars and one base B (the development setup's
// key sections: every key element is a known scalar times a generator).
//
// Signed c-bit windows: a table T[j][d−1] = d·2^(c·j)·B, d = 1 … 2^(c−1), built once and made affine
// with one batch inversion; then each k·B is the sum over windows of ±T[j][|d_j| − 1], W = ⌊254/c⌋ + 1
// additions and no doublings. The scalars of a chunk go through the windows in lockstep, so the
// additions of one window step are independent and share one field inversion (affine addition
// with Montgomery's batch-inversion trick, about 6 multiplications each), and the results come out
// affine with no final normalisation. A sum that meets its own addend's x (P + P or P − P: once in
// ~2^250 for random scalars, but possible) is done on its own.
#pragma once
#include <vector>

#include "curve.hpp"
#include "msm.hpp"
#include "parallel.hpp"

namespace DES_ARCH {

template <class F>
struct FixedBaseTable {
  int c = 0, windows = 0;
  size_t half = 0;
  std::vector<Affine<F>> t;  // windows × half
  const Affine<F>& at(int j, size_t k) const { return t[(size_t)j * half + k]; }
};

template <class F>
static void batchToAffine(const Jacobian<F>* in, Affine<F>* out, size_t n) {
  // Montgomery's trick over the Z coordinates (none at infinity here)
  std::vector<F> pref(n);
  F acc = F::one();
  for (size_t i = 0; i < n; i++) {
    pref[i] = acc;
    acc = acc * in[i].Z;
  }
  F inv = acc.inv();
  for (size_t i = n; i-- > 0;) {
    F zi = inv * pref[i];
    inv = inv * in[i].Z;
    F zi2 = zi * zi;
    out[i] = Affine<F>{in[i].X * zi2, in[i].Y * zi2 * zi};
  }
}

template <class F>
FixedBaseTable<F> buildFixedBaseTable(const Affine<F>& base, int c, int threads) {
  FixedBaseTable<F> T;
  T.c = c;
  T.windows = 254 / c + 1;
  T.half = (size_t)1 << (c - 1);
  T.t.resize((size_t)T.windows * T.half);
  // window bases 2^(c·j)·B
  std::vector<Jacobian<F>> wb(T.windows);
  wb[0] = Jacobian<F>::fromAffine(base);
  for (int j = 1; j < T.windows; j++) {
    wb[j] = wb[j - 1];
    for (int i = 0; i < c; i++) pointDouble(wb[j], wb[j]);
  }
  std::vector<Affine<F>> wa(T.windows);
  batchToAffine(wb.data(), wa.data(), (size_t)T.windows);
  parallelFor((size_t)T.windows, threads, [&](size_t j) {
    std::vector<Jacobian<F>> row(T.half);
    Jacobian<F> acc = Jacobian<F>::infinity();
    for (size_t d = 0; d < T.half; d++) {
      pointAddMixed(acc, acc, wa[j]);
      row[d] = acc;
    }
    batchToAffine(row.data(), &T.t[j * T.half], T.half);
  });
  return T;
}

// out[i] = scalars[i]·B (affine, (0, 0) for 0), scalars standard form.
template <class F>
void fixedBaseMul(const FixedBaseTable<F>& T, const u64* scalars, size_t n, Affine<F>* out, int threads) {
  using A = Affine<F>;
  const size_t CH = 1024;
  const size_t chunks = (n + CH - 1) / CH;
  parallelFor(chunks, threads, [&](size_t ch) {
    const size_t b = ch * CH, e = std::min(n, b + CH), m = e - b;
    std::vector<int16_t> dg((size_t)T.windows * m);
    for (size_t i = 0; i < m; i++) signedDigits(scalars + 4 * (b + i), T.c, T.windows, &dg[i], m);
    std::vector<A> acc(m);
    std::vector<uint8_t> set(m, 0);
    std::vector<A> q(m);
    std::vector<uint32_t> who(m);
    std::vector<F> den(m), pref(m);
    for (int j = 0; j < T.windows; j++) {
      size_t cnt = 0;
      for (size_t i = 0; i < m; i++) {
        int d = dg[(size_t)j * m + i];
        if (d == 0) continue;
        A p = T.at(j, (size_t)std::abs(d) - 1);
        if (d < 0) p = negAffine(p);
        if (!set[i]) {
          acc[i] = p;
          set[i] = 1;
        } else if (acc[i].x == p.x) {
          // P + P or P − P: alone, through Jacobian coordinates
          Jacobian<F> s;
          pointAddMixed(s, Jacobian<F>::fromAffine(acc[i]), p);
          if (s.isInfinity()) {
            set[i] = 0;
          } else {
            acc[i] = toAffine(s);
          }
        } else {
          who[cnt] = (uint32_t)i;
          q[cnt] = p;
          cnt++;
        }
      }
      batchAffineAddInto(acc.data(), who.data(), q.data(), cnt, den.data(), pref.data());
    }
    for (size_t i = 0; i < m; i++) out[b + i] = set[i] ? acc[i] : A::infinity();
  });
}

inline int fixedBaseWindow(size_t n) {
  if (n >= ((size_t)1 << 20)) return 16;
  if (n >= ((size_t)1 << 16)) return 13;
  return 10;
}

}  // namespace DES_ARCH
