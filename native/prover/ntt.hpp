// Radix-2 number-theoretic transforms over Fr with precomputed twiddles, matching ffjavascript's
// conventions: fft(a)[i] = Σⱼ aⱼ·ωⁱʲ with ω = w[log₂ n], ifft = the same with ω⁻¹ and a factor 1/n;
// w[s] = nqr^t for r − 1 = 2^s·t (s = 28) and nqr the smallest quadratic non-residue ≥ 2,
// w[k] = w[k+1]². Iterative decimation in time after a bit-reversal permutation; each stage's
// butterflies are split across threads (by groups in early stages, inside a group in late ones).
#pragma once
#include <algorithm>
#include <vector>

#include "field.hpp"
#include "parallel.hpp"

namespace DES_ARCH {

struct FrRoots {
  static constexpr int S = 28;
  Fr w[S + 1];
  Fr nqr;
  FrRoots() {
    // (r − 1)/2 and t = (r − 1)/2^28 as limbs
    u64 rm1[4];
    std::memcpy(rm1, FrParams::P, 32);
    rm1[0] -= 1;
    u64 half[4], t[4];
    shr(half, rm1, 1);
    shr(t, rm1, S);
    Fr minusOne = -Fr::one();
    u64 cand = 2;
    for (;; cand++) {
      Fr x = Fr::fromU64(cand);
      if (x.pow(half) == minusOne) {
        nqr = x;
        break;
      }
    }
    w[S] = nqr.pow(t);
    for (int k = S - 1; k >= 0; k--) w[k] = w[k + 1] * w[k + 1];
  }
  static void shr(u64* out, const u64* in, int s) {
    for (int i = 0; i < 4; i++) {
      u64 lo = in[i] >> s;
      u64 hi = (i + 1 < 4) ? (in[i + 1] << (64 - s)) : 0;
      out[i] = lo | hi;
    }
  }
};

inline const FrRoots& frRoots() {
  static FrRoots r;
  return r;
}

// ω_{2n} for n = 2^logn: the shift of the odd coset ω_{2n}·⟨ω_n⟩ (snarkjs's `inc`; at logn = 28,
// past Fr's 2-adicity, ffjavascript's `shift` = nqr²).
inline Fr oddCosetShift(int logn) {
  const FrRoots& R = frRoots();
  return logn == FrRoots::S ? R.nqr * R.nqr : R.w[logn + 1];
}

struct Domain {
  int log = 0;
  size_t n = 1;
  std::vector<Fr> tw, twInv;  // ω^k, ω^−k for k < n/2
  Fr nInv;
  Domain(int logn, int threads) : log(logn), n((size_t)1 << logn) {
    const FrRoots& R = frRoots();
    Fr om = R.w[logn];
    Fr omInv = om.inv();
    size_t h = n / 2;
    tw.resize(h ? h : 1);
    twInv.resize(h ? h : 1);
    if (h) {
      parallelRanges(h, threads, [&](size_t b, size_t e, size_t) {
        u64 eb[4] = {b, 0, 0, 0};
        Fr x = om.pow(eb), y = omInv.pow(eb);
        for (size_t k = b; k < e; k++) {
          tw[k] = x;
          twInv[k] = y;
          x = x * om;
          y = y * omInv;
        }
      });
    }
    nInv = Fr::fromU64(n).inv();
  }
};

inline void bitReverse(Fr* a, int logn, int threads) {
  size_t n = (size_t)1 << logn;
  parallelRanges(n, threads, [&](size_t b, size_t e, size_t) {
    for (size_t i = b; i < e; i++) {
      size_t j = 0, x = i;
      for (int k = 0; k < logn; k++) {
        j = (j << 1) | (x & 1);
        x >>= 1;
      }
      if (i < j) std::swap(a[i], a[j]);
    }
  });
}

// Stages with len ≤ 2^NTT_BLOCK_LOG stay inside aligned blocks of that many elements (512 KiB: an
// L2's worth), so both transforms run them block by block, each block cache-resident throughout.
constexpr int NTT_BLOCK_LOG = 14;

// One whole-array stage of butterflies stage(len, group, kBegin, kEnd): split across threads by
// groups when there are enough of them, else inside each group.
template <class Stage>
inline void nttStage(size_t n, size_t len, int threads, const Stage& stage) {
  const size_t half = len / 2, groups = n / len;
  if (groups >= (size_t)threads * 4 || threads <= 1) {
    parallelRanges(groups, threads, [&](size_t b, size_t e, size_t) {
      for (size_t g = b; g < e; g++) stage(len, g, 0, half);
    });
  } else {
    for (size_t g = 0; g < groups; g++) {
      parallelRanges(half, threads, [&](size_t b, size_t e, size_t) { stage(len, g, b, e); });
    }
  }
}

// Decimation in time: butterflies of stages len = 2 … n, the first NTT_BLOCK_LOG block by block,
// the rest over the whole array. Natural-order output from bit-reversed input (`permute`: from
// natural-order input, after a bit-reversal pass).
inline void nttCoreImpl(Fr* a, const Domain& d, const std::vector<Fr>& tw, int threads, bool permute) {
  const size_t n = d.n;
  if (permute) bitReverse(a, d.log, threads);
  auto stage = [&](size_t len, size_t g, size_t kb, size_t ke) {
    const size_t half = len / 2, step = n / len;
    Fr* x = a + g * len;
    for (size_t k = kb; k < ke; k++) {
      Fr v;
      Fr::mul(v, x[k + half], tw[k * step]);
      Fr u = x[k];
      Fr::add(x[k], u, v);
      Fr::sub(x[k + half], u, v);
    }
  };
  const size_t block = (size_t)1 << std::min(d.log, NTT_BLOCK_LOG);
  parallelFor(n / block, threads, [&](size_t blk) {
    for (size_t len = 2; len <= block; len <<= 1) {
      const size_t groups = block / len, first = blk * block / len;
      for (size_t g = 0; g < groups; g++) stage(len, first + g, 0, len / 2);
    }
  });
  for (size_t len = block << 1; len <= n; len <<= 1) nttStage(n, len, threads, stage);
}

inline void nttCore(Fr* a, const Domain& d, const std::vector<Fr>& tw, int threads) {
  nttCoreImpl(a, d, tw, threads, true);
}
// decimation in time from bit-reversed input: natural-order output
inline void nttDitNoPermute(Fr* a, const Domain& d, const std::vector<Fr>& tw, int threads) {
  nttCoreImpl(a, d, tw, threads, false);
}

inline void fft(Fr* a, const Domain& d, int threads) { nttCore(a, d, d.tw, threads); }

inline void ifft(Fr* a, const Domain& d, int threads) {
  nttCore(a, d, d.twInv, threads);
  parallelRanges(d.n, threads, [&](size_t b, size_t e, size_t) {
    for (size_t i = b; i < e; i++) Fr::mul(a[i], a[i], d.nInv);
  });
}

// a[i] *= c·g^i
inline void scaleByPowers(Fr* a, size_t n, const Fr& g, int threads, const Fr& c = Fr::one()) {
  parallelRanges(n, threads, [&](size_t b, size_t e, size_t) {
    u64 eb[4] = {b, 0, 0, 0};
    Fr x = g.pow(eb) * c;
    for (size_t i = b; i < e; i++) {
      Fr::mul(a[i], a[i], x);
      x = x * g;
    }
  });
}


// Decimation in frequency (Gentleman–Sande): natural-order input, bit-reversed output, no
// permutation. The last stages (len ≤ 2^NTT_BLOCK_LOG) run block by block, cache-resident.
inline void nttDifCore(Fr* a, const Domain& d, const std::vector<Fr>& tw, int threads) {
  const size_t n = d.n;
  auto stage = [&](size_t len, size_t g, size_t kb, size_t ke) {
    const size_t half = len / 2, step = n / len;
    Fr* x = a + g * len;
    for (size_t k = kb; k < ke; k++) {
      Fr u = x[k], v = x[k + half];
      Fr::add(x[k], u, v);
      Fr t;
      Fr::sub(t, u, v);
      Fr::mul(x[k + half], t, tw[k * step]);
    }
  };
  const size_t block = (size_t)1 << std::min(d.log, NTT_BLOCK_LOG);
  for (size_t len = n; len > block; len >>= 1) nttStage(n, len, threads, stage);
  parallelFor(n / block, threads, [&](size_t blk) {
    for (size_t len = block; len >= 2; len >>= 1) {
      const size_t groups = block / len, first = blk * block / len;
      for (size_t g = 0; g < groups; g++) stage(len, first + g, 0, len / 2);
    }
  });
}

// c·g^bitrev(p) for p < n (log n bits): B_{k+1} = B_k ‖ b_{k+1}·B_k with b_k = g^(n/2^k).
inline std::vector<Fr> bitReversedPowers(const Fr& g, int logn, const Fr& c, int threads) {
  const size_t n = (size_t)1 << logn;
  std::vector<Fr> out(n);
  std::vector<Fr> bases(logn + 1);  // bases[k] = g^(n/2^k)
  bases[logn] = g;
  for (int k = logn - 1; k >= 0; k--) bases[k] = bases[k + 1] * bases[k + 1];
  out[0] = c;
  for (int k = 0; k < logn; k++) {
    const size_t m = (size_t)1 << k;
    const Fr b = bases[k + 1];
    parallelRanges(m, m >= 4096 ? threads : 1, [&](size_t lo, size_t hi, size_t) {
      for (size_t p = lo; p < hi; p++) Fr::mul(out[m + p], out[p], b);
    });
  }
  return out;
}

// Evaluations on the domain ⟨ω_n⟩ to evaluations on the odd coset ω_{2n}·⟨ω_n⟩ (natural order
// both): inverse NTT by decimation in frequency (its output bit-reversed), coefficient i × ω_{2n}^i/n
// from a table in the same bit-reversed order, forward NTT by decimation in time from bit-reversed
// input. No permutation pass; `scale` is shared by the calls of one domain.
inline void toOddCoset(Fr* a, const Domain& d, const std::vector<Fr>& scale, int threads) {
  nttDifCore(a, d, d.twInv, threads);
  parallelRanges(d.n, threads, [&](size_t b, size_t e, size_t) {
    for (size_t i = b; i < e; i++) Fr::mul(a[i], a[i], scale[i]);
  });
  nttDitNoPermute(a, d, d.tw, threads);
}

}  // namespace DES_ARCH
