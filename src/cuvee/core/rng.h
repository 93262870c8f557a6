// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011): every number is a pure
// function of (seed, stream, counter), so any step's randomness can be computed directly,
// on any rank, after any resume, without carrying generator state.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace cuvee {

// One Philox4x32-10 block: 128 random bits from a 128-bit counter and a 64-bit key.
std::array<uint32_t, 4> philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

// Named streams keep independent uses of one seed apart.
enum class Stream : uint64_t {
  kMixedSampler = 1,
  kEpochPermutation = 2,
  kHeldoutSplit = 3,
  kSelection = 4,
  kModelInit = 5,
  kLawStarts = 6,
  kDensityHash = 7,
  kDerivedDomain = 8,
  kOracleMixtures = 9,
  kTest = 99,
};

class CounterRng {
 public:
  CounterRng(uint64_t seed, Stream stream, uint64_t a = 0);
  // 64 random bits addressed by counter b (the generator keeps no state).
  uint64_t bits(uint64_t b) const;
  // bits(first), bits(first + 1), ... into out: the same numbers, many blocks at once in
  // SIMD lanes (several times faster than one call each).
  void bits(uint64_t first, std::span<uint64_t> out) const;
  // Uniform in [0, 1) with 53 random bits.
  double uniform(uint64_t b) const { return static_cast<double>(bits(b) >> 11) * 0x1.0p-53; }

 private:
  std::array<uint32_t, 2> key_{};
  uint64_t a_;
};

// Uniform integer in [0, bound) from 64-bit draws next() without modulo bias (Lemire, "Fast
// random integer generation in an interval", 2019): one draw, rarely more.
template <typename Next>
uint64_t lemire_below(uint64_t bound, Next&& next) {
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

// A sequential generator over one CounterRng address (a), for algorithms that need a run of
// draws (shuffles, rejection sampling). Same (seed, stream, a) ⇒ same sequence.
class SequentialRng {
 public:
  SequentialRng(uint64_t seed, Stream stream, uint64_t a) : rng_(seed, stream, a) {}
  uint64_t next() { return rng_.bits(counter_++); }
  double uniform() { return rng_.uniform(counter_++); }
  // Uniform integer in [0, bound) without modulo bias (Lemire's method).
  uint64_t below(uint64_t bound);
  // Standard normal (Box–Muller).
  double normal();

 private:
  CounterRng rng_;
  uint64_t counter_ = 0;
};

// SequentialRng's sequence for long runs of draws (a shuffle of a whole domain): the same
// numbers, computed a block at a time with CounterRng's SIMD path.
class BlockRng {
 public:
  BlockRng(uint64_t seed, Stream stream, uint64_t a) : rng_(seed, stream, a) {}
  uint64_t next() {
    if (position_ == kBlock) refill();
    return block_[position_++];
  }
  uint64_t below(uint64_t bound) {
    return lemire_below(bound, [this] { return next(); });
  }

 private:
  static constexpr size_t kBlock = 64;
  void refill() {
    rng_.bits(counter_, block_);
    counter_ += kBlock;
    position_ = 0;
  }
  CounterRng rng_;
  uint64_t counter_ = 0;
  size_t position_ = kBlock;
  std::array<uint64_t, kBlock> block_;
};

// SplitMix64's finaliser: a fast bijective 64-bit mixer.
inline uint64_t mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace cuvee
