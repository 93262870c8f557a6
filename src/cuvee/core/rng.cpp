#include "cuvee/core/rng.h"

#include <cmath>

namespace cuvee {
namespace {

constexpr uint32_t kMul0 = 0xD2511F53;
constexpr uint32_t kMul1 = 0xCD9E8D57;
constexpr uint32_t kWeyl0 = 0x9E3779B9;
constexpr uint32_t kWeyl1 = 0xBB67AE85;

}  // namespace

std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key) {
  for (int round = 0; round < 10; ++round) {
    uint64_t p0 = static_cast<uint64_t>(kMul0) * ctr[0];
    uint64_t p1 = static_cast<uint64_t>(kMul1) * ctr[2];
    ctr = {static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ key[0], static_cast<uint32_t>(p1),
           static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ key[1], static_cast<uint32_t>(p0)};
    key[0] += kWeyl0;
    key[1] += kWeyl1;
  }
  return ctr;
}

CounterRng::CounterRng(uint64_t seed, Stream stream, uint64_t a) : a_(a) {
  uint64_t k = mix64(seed ^ mix64(static_cast<uint64_t>(stream)));
  key_ = {static_cast<uint32_t>(k), static_cast<uint32_t>(k >> 32)};
}

uint64_t CounterRng::bits(uint64_t b) const {
  auto out = philox4x32({static_cast<uint32_t>(b), static_cast<uint32_t>(b >> 32),
                         static_cast<uint32_t>(a_), static_cast<uint32_t>(a_ >> 32)},
                        key_);
  return (static_cast<uint64_t>(out[1]) << 32) | out[0];
}

namespace {

// philox4x32 of counters (first + i, a) for i < count, low 64 bits of each, written so that
// every counter is one SIMD lane (vpmuludq does the 32×32→64 products); cloned for AVX-512
// and AVX2 and picked at load time.
__attribute__((target_clones("avx512f", "avx2", "default"))) void philox_lanes(
    uint32_t key0, uint32_t key1, uint64_t a, uint64_t first, size_t count, uint64_t* out) {
  const auto a0 = static_cast<uint32_t>(a), a1 = static_cast<uint32_t>(a >> 32);
  for (size_t i = 0; i < count; ++i) {
    const uint64_t b = first + i;
    uint32_t c0 = static_cast<uint32_t>(b), c1 = static_cast<uint32_t>(b >> 32), c2 = a0, c3 = a1;
    uint32_t k0 = key0, k1 = key1;
#pragma GCC unroll 10
    for (int round = 0; round < 10; ++round) {
      const uint64_t p0 = uint64_t{kMul0} * c0;
      const uint64_t p1 = uint64_t{kMul1} * c2;
      c0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
      c1 = static_cast<uint32_t>(p1);
      c2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
      c3 = static_cast<uint32_t>(p0);
      k0 += kWeyl0;
      k1 += kWeyl1;
    }
    out[i] = (static_cast<uint64_t>(c1) << 32) | c0;
  }
}

}  // namespace

void CounterRng::bits(uint64_t first, std::span<uint64_t> out) const {
  philox_lanes(key_[0], key_[1], a_, first, out.size(), out.data());
}

uint64_t SequentialRng::below(uint64_t bound) {
  return lemire_below(bound, [this] { return next(); });
}

double SequentialRng::normal() {
  double u1 = 1.0 - uniform();  // (0, 1]
  double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace cuvee
