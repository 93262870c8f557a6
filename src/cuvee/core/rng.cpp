#include "cuvee/core/rng.h"

#include <cmath>

namespace cuvee {

std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> ctr, std::array<uint32_t, 2> key) {
  constexpr uint32_t kMul0 = 0xD2511F53;
  constexpr uint32_t kMul1 = 0xCD9E8D57;
  constexpr uint32_t kWeyl0 = 0x9E3779B9;
  constexpr uint32_t kWeyl1 = 0xBB67AE85;
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

uint64_t SequentialRng::below(uint64_t bound) {
  // Lemire, "Fast random integer generation in an interval" (2019).
  __uint128_t product = static_cast<__uint128_t>(next()) * bound;
  auto low = static_cast<uint64_t>(product);
  if (low < bound) {
    uint64_t threshold = -bound % bound;
    while (low < threshold) {
      product = static_cast<__uint128_t>(next()) * bound;
      low = static_cast<uint64_t>(product);
    }
  }
  return static_cast<uint64_t>(product >> 64);
}

double SequentialRng::normal() {
  double u1 = 1.0 - uniform();  // (0, 1]
  double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

}  // namespace cuvee
