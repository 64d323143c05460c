// The prover's core, compiled twice (namespace `generic`: portable; namespace `adx`: -mbmi2 -madx).
//
// des-groth16 prove <zkey> <wtns> <proof.json> <public.json> [--threads N] [--stats]
//   A Groth16 proof exactly as snarkjs's groth16_prove.js computes it: A, B evaluations on the
//   domain from the zkey's coefficient section (section 4, values stored ×R² so that one Montgomery
//   product with a standard-form witness value gives a Montgomery result), C = A·B pointwise;
//   each of A, B, C interpolated (ifft), moved to the odd coset (coefficient i × ω_{2n}^i) and
//   evaluated there (fft); H = MSM(section 9, A·B − C on the coset); then the five MSMs and the
//   blinding with r, s drawn from the OS CSPRNG. Output: snarkjs's proof.json / public.json.
//
// Options: --threads N (default: the cores this process may use), --arch auto|generic|adx,
// --msm batch-affine|jacobian (bucket accumulation; default batch-affine), --stats (timings JSON).
//
// des-groth16 msm-g1|msm-g2 <points> <scalars> <out.json> [--threads N]
// des-groth16 fixed-base g1|g2 [--threads N]   (stdin: base point, scalars; stdout: points)
//   k·B for many k, affine, in the zkey's layout: the development setup's key sections.
// des-groth16 fft|ifft|coset-fft|odd-coset <in> <out> [--threads N]
//   Test entry points: raw packed inputs (points in the zkey's Montgomery layout, scalars standard
//   form, field elements Montgomery form, all little-endian), compared against ffjavascript.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sched.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "common.hpp"
#include "curve.hpp"
#include "msm.hpp"
#include "fixedbase.hpp"
#include "ntt.hpp"

namespace DES_ARCH {

using des::ProverError;

[[noreturn]] static void fail(const std::string& code, const std::string& msg) {
  throw ProverError{code, msg};
}

// ---------------------------------------------------------------------------------------------
// Files

struct Mapped {
  const unsigned char* data = nullptr;
  size_t size = 0;
  std::string path;
  Mapped(const std::string& p, const char* missingCode) : path(p) {
    int fd = ::open(p.c_str(), O_RDONLY);
    if (fd < 0) fail(missingCode, p + ": cannot open (" + std::strerror(errno) + ")");
    struct stat st;
    if (fstat(fd, &st) != 0) {
      ::close(fd);
      fail(missingCode, p + ": cannot stat");
    }
    size = (size_t)st.st_size;
    if (size > 0) {
      void* m = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
      if (m == MAP_FAILED) {
        ::close(fd);
        fail(missingCode, p + ": cannot map (" + std::strerror(errno) + ")");
      }
      data = static_cast<const unsigned char*>(m);
    }
    ::close(fd);
  }
  ~Mapped() {
    if (data) munmap(const_cast<unsigned char*>(data), size);
  }
  Mapped(const Mapped&) = delete;
  Mapped& operator=(const Mapped&) = delete;
};

static uint32_t rdU32(const unsigned char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
static uint64_t rdU64(const unsigned char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

struct Section {
  size_t pos, size;
};

// The iden3 binfile container: magic, u32 version, u32 section count, (u32 type, u64 size, data)*.
struct BinFile {
  std::map<uint32_t, Section> sections;
  BinFile(const Mapped& f, const char* magic, uint32_t maxVersion, const char* code) {
    if (f.size < 12) fail(code, f.path + ": truncated (" + std::to_string(f.size) + " bytes)");
    if (std::memcmp(f.data, magic, 4) != 0) fail(code, f.path + ": not a ." + magic + " file");
    uint32_t version = rdU32(f.data + 4);
    if (version == 0 || version > maxVersion)
      fail(code, f.path + ": unsupported version " + std::to_string(version));
    uint32_t n = rdU32(f.data + 8);
    size_t pos = 12;
    for (uint32_t i = 0; i < n; i++) {
      if (pos + 12 > f.size) fail(code, f.path + ": truncated in the section table");
      uint32_t type = rdU32(f.data + pos);
      uint64_t size = rdU64(f.data + pos + 4);
      pos += 12;
      if (size > f.size - pos)
        fail(code, f.path + ": truncated (section " + std::to_string(type) + " needs " +
                       std::to_string(size) + " bytes, " + std::to_string(f.size - pos) + " left)");
      if (sections.count(type)) fail(code, f.path + ": section " + std::to_string(type) + " appears twice");
      sections[type] = Section{pos, (size_t)size};
      pos += size;
    }
  }
  const Section& get(uint32_t type, const std::string& path, const char* code) const {
    auto it = sections.find(type);
    if (it == sections.end()) fail(code, path + ": missing section " + std::to_string(type));
    return it->second;
  }
};

static bool limbsEqual(const unsigned char* p, const u64* limbs) {
  return std::memcmp(p, limbs, 32) == 0;
}

struct Zkey {
  uint32_t nVars, nPublic, domainSize;
  int power;
  Affine<Fq> alpha1, beta1, delta1;
  Affine<Fq2> beta2, gamma2, delta2;
  const unsigned char* coeffs;
  uint32_t nCoeffs;
  const unsigned char *A, *B1, *B2, *C, *H;
};

static const char* ZK = "INVALID_ZKEY";

template <class F>
static Affine<F> headerPoint(const unsigned char* p, const std::string& path, const char* what) {
  Affine<F> a;
  std::memcpy(&a, p, sizeof a);
  if (!pointCanonical(a)) fail(ZK, path + ": " + what + " has a coordinate ≥ q");
  if (a.isInfinity() || !onCurve(a)) fail(ZK, path + ": " + what + " is not a point of the curve");
  return a;
}

static Zkey readZkey(const Mapped& f) {
  BinFile bf(f, "zkey", 1, ZK);
  const std::string& path = f.path;
  Zkey z;
  const Section& s1 = bf.get(1, path, ZK);
  if (s1.size < 4) fail(ZK, path + ": header section too short");
  uint32_t protocol = rdU32(f.data + s1.pos);
  if (protocol != 1) fail(ZK, path + ": not a Groth16 key (protocol " + std::to_string(protocol) + ")");
  const Section& s2 = bf.get(2, path, ZK);
  const size_t need2 = 4 + 32 + 4 + 32 + 12 + 64 * 3 + 128 * 3;
  if (s2.size != need2) fail(ZK, path + ": Groth16 header section has " + std::to_string(s2.size) + " bytes, expected " + std::to_string(need2));
  const unsigned char* h = f.data + s2.pos;
  if (rdU32(h) != 32 || !limbsEqual(h + 4, FqParams::P))
    fail(ZK, path + ": base field is not BN254's (only bn128 keys are supported)");
  if (rdU32(h + 36) != 32 || !limbsEqual(h + 40, FrParams::P))
    fail(ZK, path + ": scalar field is not BN254's");
  z.nVars = rdU32(h + 72);
  z.nPublic = rdU32(h + 76);
  z.domainSize = rdU32(h + 80);
  if (z.domainSize == 0 || (z.domainSize & (z.domainSize - 1)) != 0)
    fail(ZK, path + ": domain size " + std::to_string(z.domainSize) + " is not a power of two");
  z.power = __builtin_ctz(z.domainSize);
  if (z.power > FrRoots::S) fail(ZK, path + ": domain 2^" + std::to_string(z.power) + " exceeds Fr's 2-adicity");
  if ((uint64_t)z.nPublic + 1 > (uint64_t)z.nVars) fail(ZK, path + ": more public inputs than variables");
  const unsigned char* p = h + 84;
  z.alpha1 = headerPoint<Fq>(p, path, "alpha_1");
  z.beta1 = headerPoint<Fq>(p + 64, path, "beta_1");
  z.beta2 = headerPoint<Fq2>(p + 128, path, "beta_2");
  z.gamma2 = headerPoint<Fq2>(p + 256, path, "gamma_2");
  z.delta1 = headerPoint<Fq>(p + 384, path, "delta_1");
  z.delta2 = headerPoint<Fq2>(p + 448, path, "delta_2");

  const Section& s4 = bf.get(4, path, ZK);
  if (s4.size < 4) fail(ZK, path + ": coefficient section too short");
  z.nCoeffs = rdU32(f.data + s4.pos);
  if ((uint64_t)s4.size != 4 + (uint64_t)z.nCoeffs * 44)
    fail(ZK, path + ": coefficient section size does not match its count");
  z.coeffs = f.data + s4.pos + 4;
  auto sec = [&](uint32_t t, uint64_t count, size_t elem, const char* what) {
    const Section& s = bf.get(t, path, ZK);
    if ((uint64_t)s.size != count * elem)
      fail(ZK, path + ": " + what + " section has " + std::to_string(s.size) + " bytes, expected " +
                   std::to_string(count * elem));
    return f.data + s.pos;
  };
  sec(3, (uint64_t)z.nPublic + 1, 64, "IC");
  z.A = sec(5, z.nVars, 64, "A");
  z.B1 = sec(6, z.nVars, 64, "B1");
  z.B2 = sec(7, z.nVars, 128, "B2");
  z.C = sec(8, (uint64_t)z.nVars - z.nPublic - 1, 64, "C");
  z.H = sec(9, z.domainSize, 64, "H");
  return z;
}

static const char* WT = "INVALID_WTNS";

// The witness, copied into aligned limbs (standard form) and checked canonical.
static std::vector<u64> readWtns(const Mapped& f, uint32_t* count) {
  BinFile bf(f, "wtns", 2, WT);
  const Section& s1 = bf.get(1, f.path, WT);
  if (s1.size != 40) fail(WT, f.path + ": header section has " + std::to_string(s1.size) + " bytes (a BN254 witness has 40)");
  const unsigned char* h = f.data + s1.pos;
  if (rdU32(h) != 32 || !limbsEqual(h + 4, FrParams::P))
    fail("WITNESS_MISMATCH", f.path + ": the witness is not over BN254's scalar field");
  uint32_t n = rdU32(h + 36);
  const Section& s2 = bf.get(2, f.path, WT);
  if ((uint64_t)s2.size != (uint64_t)n * 32)
    fail(WT, f.path + ": witness section has " + std::to_string(s2.size) + " bytes for " + std::to_string(n) + " values");
  std::vector<u64> w((size_t)n * 4);
  if (n) std::memcpy(w.data(), f.data + s2.pos, (size_t)n * 32);
  for (size_t i = 0; i < n; i++)
    if (!Fr::canonical(&w[4 * i])) fail(WT, f.path + ": witness value " + std::to_string(i) + " is not below r");
  if (n == 0 || !(w[0] == 1 && w[1] == 0 && w[2] == 0 && w[3] == 0))
    fail(WT, f.path + ": witness value 0 is not 1");
  *count = n;
  return w;
}

// ---------------------------------------------------------------------------------------------
// Output

static std::string decimal(const u64* limbs) {
  u64 x[4] = {limbs[0], limbs[1], limbs[2], limbs[3]};
  std::string out;
  const u64 base = 10000000000000000000ULL;  // 10^19
  while (x[0] | x[1] | x[2] | x[3]) {
    u128 rem = 0;
    for (int i = 3; i >= 0; i--) {
      u128 cur = (rem << 64) | x[i];
      x[i] = (u64)(cur / base);
      rem = cur % base;
    }
    char buf[24];
    bool more = (x[0] | x[1] | x[2] | x[3]) != 0;
    if (more)
      std::snprintf(buf, sizeof buf, "%019llu", (unsigned long long)rem);
    else
      std::snprintf(buf, sizeof buf, "%llu", (unsigned long long)rem);
    out = std::string(buf) + out;
  }
  return out.empty() ? "0" : out;
}

static std::string dec(const Fq& a) {
  u64 s[4];
  a.toStd(s);
  return decimal(s);
}

static std::string q(const std::string& s) { return "\"" + s + "\""; }

// snarkjs's G1.toObject(toAffine(p)): [x, y, "1"], or ["0", "1", "0"] at infinity
static std::string g1Json(const Jacobian<Fq>& p, const std::string& ind) {
  if (p.isInfinity()) return "[\n" + ind + " \"0\",\n" + ind + " \"1\",\n" + ind + " \"0\"\n" + ind + "]";
  Affine<Fq> a = toAffine(p);
  return "[\n" + ind + " " + q(dec(a.x)) + ",\n" + ind + " " + q(dec(a.y)) + ",\n" + ind + " \"1\"\n" + ind + "]";
}

static std::string fq2Json(const Fq2& a, const std::string& ind) {
  return "[\n" + ind + " " + q(dec(a.c0)) + ",\n" + ind + " " + q(dec(a.c1)) + "\n" + ind + "]";
}

static std::string g2Json(const Jacobian<Fq2>& p, const std::string& ind) {
  std::string i2 = ind + " ";
  if (p.isInfinity())
    return "[\n" + i2 + fq2Json(Fq2::zero(), i2) + ",\n" + i2 + fq2Json(Fq2::one(), i2) + ",\n" + i2 +
           fq2Json(Fq2::zero(), i2) + "\n" + ind + "]";
  Affine<Fq2> a = toAffine(p);
  return "[\n" + i2 + fq2Json(a.x, i2) + ",\n" + i2 + fq2Json(a.y, i2) + ",\n" + i2 + fq2Json(Fq2::one(), i2) +
         "\n" + ind + "]";
}

// Writes each text to path.tmp-PID, then renames them all: a failed run leaves no file, partial or
// whole, under any final name (unless a rename itself fails, after every file was written).
static void writeAtomic(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> tmps;
  auto cleanup = [&]() {
    for (auto& t : tmps) std::remove(t.c_str());
  };
  for (auto& [path, text] : files) {
    std::string tmp = path + ".tmp-" + std::to_string(getpid());
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
      std::string why = std::strerror(errno);
      cleanup();
      fail("FILE_NOT_FOUND", path + ": cannot write (" + why + ")");
    }
    tmps.push_back(tmp);
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
      cleanup();
      fail("FILE_NOT_FOUND", path + ": write failed");
    }
  }
  for (size_t i = 0; i < files.size(); i++) {
    if (std::rename(tmps[i].c_str(), files[i].first.c_str()) != 0) {
      cleanup();
      fail("FILE_NOT_FOUND", files[i].first + ": rename failed");
    }
  }
}
static void writeAtomic(const std::string& path, const std::string& text) { writeAtomic({{path, text}}); }

// ---------------------------------------------------------------------------------------------
// Randomness: a uniform scalar in [1, r) from getrandom(2), by rejection.

static void randomScalar(u64* out) {
  for (;;) {
    unsigned char buf[32];
    size_t got = 0;
    while (got < sizeof buf) {
      ssize_t r = getrandom(buf + got, sizeof buf - got, 0);
      if (r < 0) {
        if (errno == EINTR) continue;
        fail("PROVER_FAULT", std::string("getrandom failed: ") + std::strerror(errno));
      }
      got += (size_t)r;
    }
    std::memcpy(out, buf, 32);
    out[3] &= (1ULL << 62) - 1;  // 254 bits: r > 2^253, so at most 4 draws expected
    if (Fr::canonical(out) && (out[0] | out[1] | out[2] | out[3])) return;
  }
}

// ---------------------------------------------------------------------------------------------

using Clock = std::chrono::steady_clock;
static double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

template <class F>
static Jacobian<F> runMsm(const unsigned char* pts, const u64* sc, size_t n, int threads, const char* what,
                          const std::string& path, MsmStats* st) {
  try {
    return msm<F>(pts, sc, n, threads, st);
  } catch (const NonCanonicalPoint& e) {
    fail(ZK, path + ": " + what + " point " + std::to_string(e.index) + " has a coordinate ≥ q");
  }
}

static double peakRssMiB() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_maxrss / 1024.0;  // KiB on Linux
}

static std::string statsJson(const MsmStats& s) {
  return "{\"n\":" + std::to_string(s.n) + ",\"zeros\":" + std::to_string(s.zeros) + ",\"ones\":" +
         std::to_string(s.ones) + ",\"large\":" + std::to_string(s.large) + ",\"window\":" +
         std::to_string(s.window) + ",\"batchAffine\":" + (s.batchAffine ? "true" : "false") + "}";
}

static int prove(const std::string& zkeyPath, const std::string& wtnsPath, const std::string& proofPath,
                 const std::string& publicPath, int threads, bool stats) {
  auto t0 = Clock::now();
  Mapped zf(zkeyPath, "FILE_NOT_FOUND");
  Mapped wf(wtnsPath, "FILE_NOT_FOUND");
  Zkey z = readZkey(zf);
  uint32_t nW = 0;
  std::vector<u64> w = readWtns(wf, &nW);
  if (nW != z.nVars)
    fail("WITNESS_MISMATCH", wtnsPath + " has " + std::to_string(nW) + " values; the key's circuit has " +
                                 std::to_string(z.nVars) + " (a witness of another circuit)");
  const size_t n = z.domainSize;
  double tRead = since(t0);

  // A, B on the domain; C = A·B
  auto t1 = Clock::now();
  std::vector<Fr> a(n, Fr::zero()), b(n, Fr::zero()), c(n);
  bool badCoef = false;
  size_t badIndex = 0;
  parallelFor(2, threads, [&](size_t m) {
    std::vector<Fr>& out = m == 0 ? a : b;
    for (uint32_t i = 0; i < z.nCoeffs; i++) {
      const unsigned char* e = z.coeffs + (size_t)i * 44;
      uint32_t mat = rdU32(e), row = rdU32(e + 4), sig = rdU32(e + 8);
      if (mat > 1 || row >= n || sig >= z.nVars) {
        if (m == 0) {
          badCoef = true;
          badIndex = i;
        }
        return;
      }
      if (mat != m) continue;
      Fr coef, wv, prod;
      std::memcpy(coef.v, e + 12, 32);
      std::memcpy(wv.v, &w[4 * (size_t)sig], 32);
      Fr::mul(prod, coef, wv);
      Fr::add(out[row], out[row], prod);
    }
  });
  if (badCoef) fail(ZK, zkeyPath + ": coefficient " + std::to_string(badIndex) + " is out of range");
  parallelRanges(n, threads, [&](size_t bb, size_t e, size_t) {
    for (size_t i = bb; i < e; i++) Fr::mul(c[i], a[i], b[i]);
  });
  double tAbc = since(t1);

  // To the odd coset: ifft, × ω_{2n}^i, fft
  auto t2 = Clock::now();
  Domain d(z.power, threads);
  const std::vector<Fr> scale = bitReversedPowers(oddCosetShift(z.power), z.power, d.nInv, threads);  // ω_{2n}^i / n
  for (std::vector<Fr>* v : {&a, &b, &c}) toOddCoset(v->data(), d, scale, threads);
  // H scalars: (A·B − C) on the coset, standard form
  std::vector<u64> hs(n * 4);
  parallelRanges(n, threads, [&](size_t bb, size_t e, size_t) {
    for (size_t i = bb; i < e; i++) {
      Fr t;
      Fr::mul(t, a[i], b[i]);
      Fr::sub(t, t, c[i]);
      t.toStd(&hs[4 * i]);
    }
  });
  std::vector<Fr>().swap(a);
  std::vector<Fr>().swap(b);
  std::vector<Fr>().swap(c);
  double tFft = since(t2);

  // MSMs
  auto t3 = Clock::now();
  MsmStats sA, sB1, sB2, sC, sH;
  Jacobian<Fq> pa = runMsm<Fq>(z.A, w.data(), z.nVars, threads, "A", zkeyPath, &sA);
  Jacobian<Fq> pb1 = runMsm<Fq>(z.B1, w.data(), z.nVars, threads, "B1", zkeyPath, &sB1);
  Jacobian<Fq2> pb = runMsm<Fq2>(z.B2, w.data(), z.nVars, threads, "B2", zkeyPath, &sB2);
  Jacobian<Fq> pc = runMsm<Fq>(z.C, w.data() + 4 * ((size_t)z.nPublic + 1), z.nVars - z.nPublic - 1, threads,
                               "C", zkeyPath, &sC);
  Jacobian<Fq> ph = runMsm<Fq>(z.H, hs.data(), n, threads, "H", zkeyPath, &sH);
  double tMsm = since(t3);

  // Blinding, in snarkjs's order
  u64 r[4], s[4];
  randomScalar(r);
  randomScalar(s);
  Jacobian<Fq> delta1 = Jacobian<Fq>::fromAffine(z.delta1);
  Jacobian<Fq2> delta2 = Jacobian<Fq2>::fromAffine(z.delta2);
  pointAddMixed(pa, pa, z.alpha1);
  pointAdd(pa, pa, scalarMul(delta1, r));
  pointAddMixed(pb, pb, z.beta2);
  pointAdd(pb, pb, scalarMul(delta2, s));
  pointAddMixed(pb1, pb1, z.beta1);
  pointAdd(pb1, pb1, scalarMul(delta1, s));
  pointAdd(pc, pc, ph);
  pointAdd(pc, pc, scalarMul(pa, s));
  pointAdd(pc, pc, scalarMul(pb1, r));
  // −r·s
  Fr rs = Fr::fromStd(r) * Fr::fromStd(s);
  u64 nrs[4];
  (-rs).toStd(nrs);
  pointAdd(pc, pc, scalarMul(delta1, nrs));
  std::memset(r, 0, sizeof r);
  std::memset(s, 0, sizeof s);
  std::memset(nrs, 0, sizeof nrs);

  std::string proof = "{\n \"pi_a\": " + g1Json(pa, " ") + ",\n \"pi_b\": " + g2Json(pb, " ") +
                      ",\n \"pi_c\": " + g1Json(pc, " ") + ",\n \"protocol\": \"groth16\",\n \"curve\": \"bn128\"\n}";
  std::string pub = "[";
  for (uint32_t i = 1; i <= z.nPublic; i++) pub += std::string(i > 1 ? "," : "") + "\n \"" + decimal(&w[4 * i]) + "\"";
  pub += z.nPublic ? "\n]" : "]";
  writeAtomic({{publicPath, pub}, {proofPath, proof}});
  if (stats) {
    std::printf(
        "{\"threads\":%d,\"arch\":\"%s\",\"constraintsDomain\":%zu,\"nVars\":%u,\"readSeconds\":%.3f,"
        "\"msmAccumulation\":\"%s\",\"abcSeconds\":%.3f,\"fftSeconds\":%.3f,\"msmSeconds\":%.3f,\"totalSeconds\":%.3f,"
        "\"peakRssMiB\":%.0f,\"msm\":{\"A\":%s,\"B1\":%s,\"B2\":%s,\"C\":%s,\"H\":%s}}\n",
        threads, DES_ARCH_NAME, n, z.nVars, tRead,
        msmAccumulation() == Accumulation::BatchAffine ? "batch-affine" : "jacobian", tAbc, tFft, tMsm, since(t0), peakRssMiB(), statsJson(sA).c_str(),
        statsJson(sB1).c_str(), statsJson(sB2).c_str(), statsJson(sC).c_str(), statsJson(sH).c_str());
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Test entry points

template <class F>
static int msmCommand(const std::string& ptsPath, const std::string& scPath, const std::string& outPath,
                      int threads) {
  Mapped pf(ptsPath, "FILE_NOT_FOUND"), sf(scPath, "FILE_NOT_FOUND");
  const size_t ps = sizeof(Affine<F>);
  if (pf.size % ps != 0 || sf.size % 32 != 0 || pf.size / ps != sf.size / 32)
    fail("USAGE", "points and scalars differ in count or are not whole elements");
  size_t n = sf.size / 32;
  std::vector<u64> sc(n * 4);
  if (n) std::memcpy(sc.data(), sf.data, n * 32);
  for (size_t i = 0; i < n; i++)
    if (!Fr::canonical(&sc[4 * i])) fail("USAGE", "scalar " + std::to_string(i) + " is not below r");
  MsmStats st;
  Jacobian<F> r = runMsm<F>(pf.data, sc.data(), n, threads, "input", ptsPath, &st);
  std::string out;
  if constexpr (sizeof(F) == 32)
    out = g1Json(r, "");
  else
    out = g2Json(r, "");
  writeAtomic(outPath, out);
  return 0;
}

static int nttCommand(const std::string& kind, const std::string& inPath, const std::string& outPath, int threads) {
  Mapped f(inPath, "FILE_NOT_FOUND");
  size_t n = f.size / 32;
  if (f.size % 32 != 0 || n == 0 || (n & (n - 1)) != 0) fail("USAGE", "input is not a power-of-two count of Fr elements");
  int logn = __builtin_ctzll(n);
  std::vector<Fr> a(n);
  std::memcpy(a.data(), f.data, n * 32);
  for (size_t i = 0; i < n; i++)
    if (!Fr::canonical(a[i].v)) fail("USAGE", "element " + std::to_string(i) + " is not below r");
  Domain d(logn, threads);
  if (kind == "fft") {
    fft(a.data(), d, threads);
  } else if (kind == "ifft") {
    ifft(a.data(), d, threads);
  } else if (kind == "odd-coset") {  // the prover's step: domain evaluations → odd-coset evaluations
    toOddCoset(a.data(), d, bitReversedPowers(oddCosetShift(logn), logn, d.nInv, threads), threads);
  } else {  // coset-fft: evaluations on ω_{2n}·⟨ω_n⟩ of coefficients
    scaleByPowers(a.data(), n, oddCosetShift(logn), threads);
    fft(a.data(), d, threads);
  }
  std::string out(reinterpret_cast<const char*>(a.data()), n * 32);
  writeAtomic(outPath, out);
  return 0;
}

// fixed-base g1|g2: stdin = the base (affine, zkey layout) then n scalars (standard form, 32 bytes
// each); stdout = n affine points (zkey layout, (0, 0) for a zero scalar). Through pipes, so the
// development setup's toxic scalars never touch the disk.
static std::vector<unsigned char> readAll(int fd) {
  std::vector<unsigned char> buf;
  size_t used = 0;
  buf.resize(1 << 20);
  for (;;) {
    if (used == buf.size()) buf.resize(buf.size() * 2);
    ssize_t r = ::read(fd, buf.data() + used, buf.size() - used);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("PROVER_FAULT", std::string("reading stdin: ") + std::strerror(errno));
    }
    if (r == 0) break;
    used += (size_t)r;
  }
  buf.resize(used);
  return buf;
}

static void writeAll(int fd, const unsigned char* p, size_t n) {
  while (n) {
    ssize_t r = ::write(fd, p, n);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("PROVER_FAULT", std::string("writing stdout: ") + std::strerror(errno));
    }
    p += r;
    n -= (size_t)r;
  }
}

template <class F>
static int fixedBaseCommand(int threads) {
  std::vector<unsigned char> in = readAll(0);
  const size_t ps = sizeof(Affine<F>);
  if (in.size() < ps || (in.size() - ps) % 32 != 0) fail("USAGE", "stdin: a base point then whole 32-byte scalars");
  Affine<F> base;
  std::memcpy(&base, in.data(), ps);
  if (!pointCanonical(base) || base.isInfinity() || !onCurve(base)) fail("USAGE", "the base is not a point of the curve");
  size_t n = (in.size() - ps) / 32;
  std::vector<u64> sc(n * 4);
  if (n) std::memcpy(sc.data(), in.data() + ps, n * 32);
  std::memset(in.data(), 0, in.size());
  for (size_t i = 0; i < n; i++)
    if (!Fr::canonical(&sc[4 * i])) fail("USAGE", "scalar " + std::to_string(i) + " is not below r");
  FixedBaseTable<F> T = buildFixedBaseTable(base, fixedBaseWindow(n), threads);
  std::vector<Affine<F>> out(n);
  fixedBaseMul(T, sc.data(), n, out.data(), threads);
  std::memset(sc.data(), 0, sc.size() * 8);
  writeAll(1, reinterpret_cast<const unsigned char*>(out.data()), n * ps);
  return 0;
}

static int defaultThreads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int c = CPU_COUNT(&set);
    if (c > 0) return c;
  }
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

int run(int argc, char** argv) {
  std::vector<std::string> pos;
  int threads = defaultThreads();
  bool stats = false;
  for (int i = 1; i < argc; i++) {
    std::string a = argv[i];
    if (a == "--threads") {
      if (i + 1 >= argc) fail("USAGE", "--threads needs a value");
      char* end = nullptr;
      long t = std::strtol(argv[++i], &end, 10);
      if (!end || *end || t < 1 || t > 1024) fail("USAGE", std::string("--threads: not a thread count: ") + argv[i]);
      threads = (int)t;
    } else if (a == "--msm") {
      if (i + 1 >= argc) fail("USAGE", "--msm needs a value");
      std::string v = argv[++i];
      if (v == "batch-affine")
        msmAccumulation() = Accumulation::BatchAffine;
      else if (v == "jacobian")
        msmAccumulation() = Accumulation::Jacobian;
      else
        fail("USAGE", "--msm: batch-affine or jacobian, not " + v);
    } else if (a == "--stats") {
      stats = true;
    } else if (a == "--arch") {
      if (i + 1 >= argc) fail("USAGE", "--arch needs a value");
      i++;  // handled by the dispatcher
    } else if (a.size() > 1 && a[0] == '-') {
      fail("USAGE", "unknown option " + a);
    } else {
      pos.push_back(a);
    }
  }
  if (pos.empty()) fail("USAGE", "no command (prove, msm-g1, msm-g2, fft, ifft, coset-fft)");
  const std::string& cmd = pos[0];
  if (cmd == "prove") {
    if (pos.size() != 5) fail("USAGE", "prove <zkey> <wtns> <proof.json> <public.json>");
    return prove(pos[1], pos[2], pos[3], pos[4], threads, stats);
  }
  if (cmd == "msm-g1" || cmd == "msm-g2") {
    if (pos.size() != 4) fail("USAGE", cmd + " <points> <scalars> <out.json>");
    return cmd == "msm-g1" ? msmCommand<Fq>(pos[1], pos[2], pos[3], threads)
                           : msmCommand<Fq2>(pos[1], pos[2], pos[3], threads);
  }
  if (cmd == "fixed-base") {
    if (pos.size() != 2 || (pos[1] != "g1" && pos[1] != "g2")) fail("USAGE", "fixed-base g1|g2 < base+scalars > points");
    return pos[1] == "g1" ? fixedBaseCommand<Fq>(threads) : fixedBaseCommand<Fq2>(threads);
  }
  if (cmd == "fft" || cmd == "ifft" || cmd == "coset-fft" || cmd == "odd-coset") {
    if (pos.size() != 3) fail("USAGE", cmd + " <in> <out>");
    return nttCommand(cmd, pos[1], pos[2], threads);
  }
  fail("USAGE", "unknown command " + cmd);
}

}  // namespace DES_ARCH
