// BN254 G1 (y² = x³ + 3 over Fq) and G2 (the sextic twist y² = x³ + 3/(9 + u) over Fq2) in
// Jacobian coordinates (x = X/Z², y = Y/Z³), generic over the base field. Formulas for a = 0 curves
// from the Explicit-Formulas Database (Bernstein–Lange): doubling dbl-2009-l, mixed addition
// madd-2007-bl (Jacobian + affine), addition add-2007-bl. Affine points use (0, 0) for the point at
// infinity, as snarkjs's zkey sections do.
#pragma once
#include "field.hpp"

namespace DES_ARCH {

template <class F>
struct Affine {
  F x, y;
  bool isInfinity() const { return x.isZero() && y.isZero(); }
  static Affine infinity() { return Affine{F::zero(), F::zero()}; }
};

template <class F>
struct Jacobian {
  F X, Y, Z;
  static Jacobian infinity() { return Jacobian{F::one(), F::one(), F::zero()}; }
  bool isInfinity() const { return Z.isZero(); }
  static Jacobian fromAffine(const Affine<F>& a) {
    if (a.isInfinity()) return infinity();
    return Jacobian{a.x, a.y, F::one()};
  }
};

template <class F>
inline void pointDouble(Jacobian<F>& r, const Jacobian<F>& p) {
  if (p.isInfinity()) {
    r = p;
    return;
  }
  F A, B, C, D, E, Fv, t;
  F::sqr(A, p.X);
  F::sqr(B, p.Y);
  F::sqr(C, B);
  F::add(t, p.X, B);
  F::sqr(t, t);
  F::sub(t, t, A);
  F::sub(t, t, C);
  F::dbl(D, t);
  F::dbl(E, A);
  F::add(E, E, A);
  F::sqr(Fv, E);
  F Z3;
  F::mul(Z3, p.Y, p.Z);
  F::dbl(r.Z, Z3);
  F::dbl(t, D);
  F::sub(r.X, Fv, t);
  F::sub(t, D, r.X);
  F::mul(t, E, t);
  F::dbl(C, C);
  F::dbl(C, C);
  F::dbl(C, C);
  F::sub(r.Y, t, C);
}

// r = p + q, q affine and not at infinity. r may alias p.
template <class F>
inline void pointAddMixed(Jacobian<F>& r, const Jacobian<F>& p, const Affine<F>& q) {
  if (p.isInfinity()) {
    r.X = q.x;
    r.Y = q.y;
    r.Z = F::one();
    return;
  }
  F Z1Z1, U2, S2, H, HH, I, J, rr, V, t;
  F::sqr(Z1Z1, p.Z);
  F::mul(U2, q.x, Z1Z1);
  F::mul(S2, q.y, p.Z);
  F::mul(S2, S2, Z1Z1);
  F::sub(H, U2, p.X);
  F::sub(rr, S2, p.Y);
  if (H.isZero()) {
    if (rr.isZero()) {
      pointDouble(r, Jacobian<F>{q.x, q.y, F::one()});
    } else {
      r = Jacobian<F>::infinity();
    }
    return;
  }
  F::dbl(rr, rr);
  F::sqr(HH, H);
  F::dbl(I, HH);
  F::dbl(I, I);
  F::mul(J, H, I);
  F::mul(V, p.X, I);
  // Z3 = (Z1 + H)² − Z1Z1 − HH
  F Z3;
  F::add(Z3, p.Z, H);
  F::sqr(Z3, Z3);
  F::sub(Z3, Z3, Z1Z1);
  F::sub(Z3, Z3, HH);
  // X3 = rr² − J − 2V
  F X3;
  F::sqr(X3, rr);
  F::sub(X3, X3, J);
  F::sub(X3, X3, V);
  F::sub(X3, X3, V);
  // Y3 = rr(V − X3) − 2·Y1·J
  F Y3;
  F::sub(t, V, X3);
  F::mul(Y3, rr, t);
  F::mul(t, p.Y, J);
  F::dbl(t, t);
  F::sub(Y3, Y3, t);
  r.X = X3;
  r.Y = Y3;
  r.Z = Z3;
}

// r = p + q (both Jacobian). r may alias either.
template <class F>
inline void pointAdd(Jacobian<F>& r, const Jacobian<F>& p, const Jacobian<F>& q) {
  if (p.isInfinity()) {
    r = q;
    return;
  }
  if (q.isInfinity()) {
    r = p;
    return;
  }
  F Z1Z1, Z2Z2, U1, U2, S1, S2, H, I, J, rr, V, t;
  F::sqr(Z1Z1, p.Z);
  F::sqr(Z2Z2, q.Z);
  F::mul(U1, p.X, Z2Z2);
  F::mul(U2, q.X, Z1Z1);
  F::mul(S1, p.Y, q.Z);
  F::mul(S1, S1, Z2Z2);
  F::mul(S2, q.Y, p.Z);
  F::mul(S2, S2, Z1Z1);
  F::sub(H, U2, U1);
  F::sub(rr, S2, S1);
  if (H.isZero()) {
    if (rr.isZero()) {
      Jacobian<F> d;
      pointDouble(d, p);
      r = d;
    } else {
      r = Jacobian<F>::infinity();
    }
    return;
  }
  F::dbl(rr, rr);
  F::dbl(I, H);
  F::sqr(I, I);
  F::mul(J, H, I);
  F::mul(V, U1, I);
  F X3, Y3, Z3;
  F::sqr(X3, rr);
  F::sub(X3, X3, J);
  F::sub(X3, X3, V);
  F::sub(X3, X3, V);
  F::sub(t, V, X3);
  F::mul(Y3, rr, t);
  F::mul(t, S1, J);
  F::dbl(t, t);
  F::sub(Y3, Y3, t);
  F::add(Z3, p.Z, q.Z);
  F::sqr(Z3, Z3);
  F::sub(Z3, Z3, Z1Z1);
  F::sub(Z3, Z3, Z2Z2);
  F::mul(Z3, Z3, H);
  r.X = X3;
  r.Y = Y3;
  r.Z = Z3;
}

template <class F>
inline Affine<F> toAffine(const Jacobian<F>& p) {
  if (p.isInfinity()) return Affine<F>::infinity();
  F zi = p.Z.inv();
  F zi2 = zi * zi;
  F zi3 = zi2 * zi;
  return Affine<F>{p.X * zi2, p.Y * zi3};
}

template <class F>
inline Affine<F> negAffine(const Affine<F>& a) {
  return Affine<F>{a.x, -a.y};
}

// k·p for a secret scalar k (standard form, 4 LE limbs): double-and-add-always, 256 doublings and
// 256 additions with a branch-free choice of the sum, so set and clear bits cost the same. Not
// constant time in full: until k's top set bit the accumulator is at infinity, where the doubling
// and the addition take their early exits, so the position of that bit shows in the timing.
template <class F>
inline Jacobian<F> scalarMul(const Jacobian<F>& p, const u64* k) {
  Jacobian<F> acc = Jacobian<F>::infinity();
  for (int i = 3; i >= 0; i--) {
    for (int b = 63; b >= 0; b--) {
      pointDouble(acc, acc);
      Jacobian<F> s;
      pointAdd(s, acc, p);
      u64 bit = (k[i] >> b) & 1;
      // branch-free select
      u64 mask = (u64)0 - bit;
      u64* a = reinterpret_cast<u64*>(&acc);
      const u64* sv = reinterpret_cast<const u64*>(&s);
      for (size_t w = 0; w < sizeof(Jacobian<F>) / 8; w++) a[w] = (a[w] & ~mask) | (sv[w] & mask);
    }
  }
  return acc;
}

// b of y² = x³ + b
template <class F>
F curveB();
template <>
inline Fq curveB<Fq>() {
  return Fq::fromU64(3);
}
template <>
inline Fq2 curveB<Fq2>() {
  // 3/(9 + u)
  Fq2 nine_u{Fq::fromU64(9), Fq::fromU64(1)};
  Fq2 three{Fq::fromU64(3), Fq::zero()};
  return three * nine_u.inv();
}

template <class F>
inline bool onCurve(const Affine<F>& a) {
  if (a.isInfinity()) return true;
  F y2 = a.y * a.y;
  F x3 = a.x * a.x * a.x + curveB<F>();
  return y2 == x3;
}

}  // namespace DES_ARCH
