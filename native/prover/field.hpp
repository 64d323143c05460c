// Prime fields of BN254 in Montgomery form on four 64-bit limbs.
//
// Multiplication is CIOS Montgomery multiplication (Koç, Acar, Kaliski, "Analyzing and comparing
// Montgomery multiplication algorithms", IEEE Micro 1996) with the "no-carry" shortcut that applies
// when the modulus' top limb is below 2^63 − 1 (both BN254 moduli: 0x30644e72…), so the running
// total never needs a fifth limb. Two code paths: portable 128-bit products, and BMI2/ADX
// (mulx + add-with-carry intrinsics) when this translation unit is built with -mbmi2 -madx; the
// prover compiles its core twice and picks one at run time (main.cpp).
//
// Elements are kept fully reduced (< p): inputs read from files are checked canonical first.
#pragma once
#include <cstdint>
#include <cstring>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif
#if defined(__BMI2__) && defined(__ADX__)
#define DES_FIELD_ADX 1
#endif

namespace DES_ARCH {

using u64 = uint64_t;
using u128 = unsigned __int128;

struct FqParams {
  static constexpr u64 P[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL,
                               0x30644e72e131a029ULL};
  // −p⁻¹ mod 2^64
  static constexpr u64 INV = 0x87d20782e4866389ULL;
  // R² mod p, R = 2^256
  static constexpr u64 R2[4] = {0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL,
                                0x06d89f71cab8351fULL};
  // R mod p (Montgomery one)
  static constexpr u64 ONE[4] = {0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL,
                                 0x0e0a77c19a07df2fULL};
};

struct FrParams {
  static constexpr u64 P[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL,
                               0x30644e72e131a029ULL};
  static constexpr u64 INV = 0xc2e1f593efffffffULL;
  static constexpr u64 R2[4] = {0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL,
                                0x0216d0b17f4e44a5ULL};
  static constexpr u64 ONE[4] = {0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL,
                                 0x0e0a77c19a07df2fULL};
};

#if defined(__x86_64__)
static inline u64 addc(u64 a, u64 b, unsigned char& c) {
  unsigned long long r;
  c = _addcarry_u64(c, a, b, &r);
  return r;
}
static inline u64 subb(u64 a, u64 b, unsigned char& c) {
  unsigned long long r;
  c = _subborrow_u64(c, a, b, &r);
  return r;
}
#else
static inline u64 addc(u64 a, u64 b, unsigned char& c) {
  u128 s = (u128)a + b + c;
  c = (unsigned char)(s >> 64);
  return (u64)s;
}
static inline u64 subb(u64 a, u64 b, unsigned char& c) {
  u128 d = (u128)a - b - c;
  c = (unsigned char)((d >> 64) & 1);
  return (u64)d;
}
#endif

// a ≥ b on 4 limbs
static inline bool geq4(const u64* a, const u64* b) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] > b[i];
  }
  return true;
}

#ifdef DES_FIELD_ADX
// One row of the product: t += a·b[OFF/8], then one Montgomery reduction step (t + m·p)/2^64
// with m = t0·inv, the limbs shifted down.
#define DES_MONT_ROW(OFF) \
  "movq " #OFF "(%[b]), %%rdx\n\t" \
  "xorq %[z], %[z]\n\t" \
  "mulxq 0(%[a]), %[lo], %[hi]\n\t" \
  "adcxq %[lo], %[t0]\n\t" \
  "adoxq %[hi], %[t1]\n\t" \
  "mulxq 8(%[a]), %[lo], %[hi]\n\t" \
  "adcxq %[lo], %[t1]\n\t" \
  "adoxq %[hi], %[t2]\n\t" \
  "mulxq 16(%[a]), %[lo], %[hi]\n\t" \
  "adcxq %[lo], %[t2]\n\t" \
  "adoxq %[hi], %[t3]\n\t" \
  "mulxq 24(%[a]), %[lo], %[A]\n\t" \
  "adcxq %[lo], %[t3]\n\t" \
  "adoxq %[z], %[A]\n\t" \
  "adcxq %[z], %[A]\n\t" \
  /* reduction: m = t0·inv; (t + m·p)/2^64 */ \
  "movq %[t0], %%rdx\n\t" \
  "imulq %[inv], %%rdx\n\t" \
  "xorq %[z], %[z]\n\t" \
  "mulxq 0(%[p]), %[lo], %[hi]\n\t" \
  "adcxq %[lo], %[t0]\n\t" \
  "mulxq 8(%[p]), %[lo], %[t0]\n\t" \
  "adcxq %[lo], %[t1]\n\t" \
  "adoxq %[hi], %[t1]\n\t" \
  "mulxq 16(%[p]), %[lo], %[hi]\n\t" \
  "adcxq %[lo], %[t2]\n\t" \
  "adoxq %[t0], %[t2]\n\t" \
  "mulxq 24(%[p]), %[lo], %[t0]\n\t" \
  "adcxq %[lo], %[t3]\n\t" \
  "adoxq %[hi], %[t3]\n\t" \
  "adcxq %[z], %[A]\n\t" \
  "adoxq %[t0], %[A]\n\t" \
  "movq %[t1], %[t0]\n\t" \
  "movq %[t2], %[t1]\n\t" \
  "movq %[t3], %[t2]\n\t" \
  "movq %[A], %[t3]\n\t"

#endif

template <class Params>
struct Fp {
  u64 v[4];

  static Fp zero() { return Fp{{0, 0, 0, 0}}; }
  static Fp one() { return Fp{{Params::ONE[0], Params::ONE[1], Params::ONE[2], Params::ONE[3]}}; }
  bool isZero() const { return (v[0] | v[1] | v[2] | v[3]) == 0; }
  bool operator==(const Fp& o) const {
    return v[0] == o.v[0] && v[1] == o.v[1] && v[2] == o.v[2] && v[3] == o.v[3];
  }
  bool operator!=(const Fp& o) const { return !(*this == o); }

  // Whether 4 little-endian limbs are a canonical representative (< p).
  static bool canonical(const u64* x) { return !geq4(x, Params::P); }

  // t − p if t ≥ p, else t; branch-free (the comparison is data-dependent and unpredictable).
  static inline void reduceOnce(u64* t) {
    unsigned char b = 0;
    u64 s0 = subb(t[0], Params::P[0], b);
    u64 s1 = subb(t[1], Params::P[1], b);
    u64 s2 = subb(t[2], Params::P[2], b);
    u64 s3 = subb(t[3], Params::P[3], b);
    u64 keep = (u64)0 - (u64)b;  // all ones when t < p
    t[0] = (t[0] & keep) | (s0 & ~keep);
    t[1] = (t[1] & keep) | (s1 & ~keep);
    t[2] = (t[2] & keep) | (s2 & ~keep);
    t[3] = (t[3] & keep) | (s3 & ~keep);
  }

  // a + b < 2p < 2^256: no carry out of the top limb.
  static inline void add(Fp& r, const Fp& a, const Fp& b) {
    u64 t[4];
    unsigned char c = 0;
    t[0] = addc(a.v[0], b.v[0], c);
    t[1] = addc(a.v[1], b.v[1], c);
    t[2] = addc(a.v[2], b.v[2], c);
    t[3] = addc(a.v[3], b.v[3], c);
    reduceOnce(t);
    std::memcpy(r.v, t, 32);
  }

  static inline void sub(Fp& r, const Fp& a, const Fp& b) {
    unsigned char br = 0;
    u64 t0 = subb(a.v[0], b.v[0], br);
    u64 t1 = subb(a.v[1], b.v[1], br);
    u64 t2 = subb(a.v[2], b.v[2], br);
    u64 t3 = subb(a.v[3], b.v[3], br);
    u64 mask = (u64)0 - (u64)br;  // add p back on borrow
    unsigned char c = 0;
    r.v[0] = addc(t0, Params::P[0] & mask, c);
    r.v[1] = addc(t1, Params::P[1] & mask, c);
    r.v[2] = addc(t2, Params::P[2] & mask, c);
    r.v[3] = addc(t3, Params::P[3] & mask, c);
  }

  static inline void neg(Fp& r, const Fp& a) {
    u64 nz = (u64)0 - (u64)((a.v[0] | a.v[1] | a.v[2] | a.v[3]) != 0);
    unsigned char b = 0;
    r.v[0] = subb(Params::P[0] & nz, a.v[0], b);
    r.v[1] = subb(Params::P[1] & nz, a.v[1], b);
    r.v[2] = subb(Params::P[2] & nz, a.v[2], b);
    r.v[3] = subb(Params::P[3] & nz, a.v[3], b);
  }

  static inline void dbl(Fp& r, const Fp& a) { add(r, a, a); }

#ifdef DES_FIELD_ADX
  // CIOS with two carry chains: mulx leaves the flags alone, adcx carries through CF and adox
  // through OF, so the low and high halves of each row of products are added in one pass.
  static inline void mul(Fp& r, const Fp& a, const Fp& b) {
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0, A, hi, lo, z;
    __asm__(
      DES_MONT_ROW(0) DES_MONT_ROW(8) DES_MONT_ROW(16) DES_MONT_ROW(24)
      : [t0] "+&r"(t0), [t1] "+&r"(t1), [t2] "+&r"(t2), [t3] "+&r"(t3), [A] "=&r"(A), [hi] "=&r"(hi),
        [lo] "=&r"(lo), [z] "=&r"(z)
      : [a] "r"(a.v), [b] "r"(b.v), [p] "r"(Params::P), [inv] "m"(Params::INV),
        // what the asm reads through the pointers (instead of a "memory" clobber, which would make
        // the compiler spill every live value around each product)
        "m"(*(const u64(*)[4])a.v), "m"(*(const u64(*)[4])b.v), "m"(*(const u64(*)[4])Params::P)
      : "rdx", "cc");
    u64 t[4] = {t0, t1, t2, t3};
    reduceOnce(t);
    std::memcpy(r.v, t, 32);
  }
#else
  static inline void mul(Fp& r, const Fp& a, const Fp& b) {
    u64 t[4] = {0, 0, 0, 0};
    for (int i = 0; i < 4; i++) {
      u128 p = (u128)a.v[0] * b.v[i] + t[0];
      u64 t0 = (u64)p;
      u64 A = (u64)(p >> 64);
      u64 m = t0 * Params::INV;
      u128 pc = (u128)m * Params::P[0] + t0;
      u64 C = (u64)(pc >> 64);
      for (int j = 1; j < 4; j++) {
        p = (u128)a.v[j] * b.v[i] + t[j] + A;
        A = (u64)(p >> 64);
        pc = (u128)m * Params::P[j] + (u64)p + C;
        C = (u64)(pc >> 64);
        t[j - 1] = (u64)pc;
      }
      t[3] = C + A;
    }
    reduceOnce(t);
    std::memcpy(r.v, t, 32);
  }
#endif

  static inline void sqr(Fp& r, const Fp& a) { mul(r, a, a); }

  Fp operator+(const Fp& o) const { Fp r; add(r, *this, o); return r; }
  Fp operator-(const Fp& o) const { Fp r; sub(r, *this, o); return r; }
  Fp operator*(const Fp& o) const { Fp r; mul(r, *this, o); return r; }
  Fp operator-() const { Fp r; neg(r, *this); return r; }

  // From a canonical standard-form integer (4 LE limbs) to Montgomery form.
  static Fp fromStd(const u64* x) {
    Fp a, r2;
    std::memcpy(a.v, x, 32);
    std::memcpy(r2.v, Params::R2, 32);
    Fp r;
    mul(r, a, r2);
    return r;
  }
  static Fp fromU64(u64 x) {
    u64 l[4] = {x, 0, 0, 0};
    return fromStd(l);
  }
  // Montgomery form to standard-form limbs.
  void toStd(u64* out) const {
    Fp one{{1, 0, 0, 0}};
    Fp r;
    mul(r, *this, one);
    std::memcpy(out, r.v, 32);
  }

  // this^e for an exponent given as 4 LE limbs (variable time: public exponents only).
  Fp pow(const u64* e) const {
    Fp r = one();
    for (int i = 3; i >= 0; i--) {
      for (int b = 63; b >= 0; b--) {
        sqr(r, r);
        if ((e[i] >> b) & 1) mul(r, r, *this);
      }
    }
    return r;
  }
  // Inverse by Fermat (p − 2); the inverse of 0 is 0.
  Fp inv() const {
    u64 e[4];
    std::memcpy(e, Params::P, 32);
    e[0] -= 2;  // p is odd and > 2: no borrow
    return pow(e);
  }
};

using Fq = Fp<FqParams>;
using Fr = Fp<FrParams>;

// Fq2 = Fq[u]/(u² + 1)
struct Fq2 {
  Fq c0, c1;
  static Fq2 zero() { return Fq2{Fq::zero(), Fq::zero()}; }
  static Fq2 one() { return Fq2{Fq::one(), Fq::zero()}; }
  bool isZero() const { return c0.isZero() && c1.isZero(); }
  bool operator==(const Fq2& o) const { return c0 == o.c0 && c1 == o.c1; }
  bool operator!=(const Fq2& o) const { return !(*this == o); }
  static inline void add(Fq2& r, const Fq2& a, const Fq2& b) {
    Fq::add(r.c0, a.c0, b.c0);
    Fq::add(r.c1, a.c1, b.c1);
  }
  static inline void sub(Fq2& r, const Fq2& a, const Fq2& b) {
    Fq::sub(r.c0, a.c0, b.c0);
    Fq::sub(r.c1, a.c1, b.c1);
  }
  static inline void neg(Fq2& r, const Fq2& a) {
    Fq::neg(r.c0, a.c0);
    Fq::neg(r.c1, a.c1);
  }
  static inline void dbl(Fq2& r, const Fq2& a) { add(r, a, a); }
  // Karatsuba: 3 base multiplications
  static inline void mul(Fq2& r, const Fq2& a, const Fq2& b) {
    Fq t0, t1, s0, s1, t2;
    Fq::mul(t0, a.c0, b.c0);
    Fq::mul(t1, a.c1, b.c1);
    Fq::add(s0, a.c0, a.c1);
    Fq::add(s1, b.c0, b.c1);
    Fq::mul(t2, s0, s1);
    Fq::sub(r.c0, t0, t1);
    Fq::sub(t2, t2, t0);
    Fq::sub(r.c1, t2, t1);
  }
  // (a0 + a1u)² = (a0 + a1)(a0 − a1) + 2a0a1·u
  static inline void sqr(Fq2& r, const Fq2& a) {
    Fq s, d, m;
    Fq::add(s, a.c0, a.c1);
    Fq::sub(d, a.c0, a.c1);
    Fq::mul(m, a.c0, a.c1);
    Fq::mul(r.c0, s, d);
    Fq::add(r.c1, m, m);
  }
  Fq2 operator+(const Fq2& o) const { Fq2 r; add(r, *this, o); return r; }
  Fq2 operator-(const Fq2& o) const { Fq2 r; sub(r, *this, o); return r; }
  Fq2 operator*(const Fq2& o) const { Fq2 r; mul(r, *this, o); return r; }
  Fq2 operator-() const { Fq2 r; neg(r, *this); return r; }
  // 1/(a0 + a1u) = (a0 − a1u)/(a0² + a1²)
  Fq2 inv() const {
    Fq n = c0 * c0 + c1 * c1;
    Fq ni = n.inv();
    return Fq2{c0 * ni, -(c1 * ni)};
  }
};

}  // namespace DES_ARCH
