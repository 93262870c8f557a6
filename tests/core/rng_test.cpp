#include "cuvee/core/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace cuvee {
namespace {

// Known-answer vectors of the Random123 distribution (kat_vectors, philox4x32_10).
TEST(Philox, MatchesRandom123KnownAnswers) {
  auto zero = philox4x32({0, 0, 0, 0}, {0, 0});
  EXPECT_EQ(zero, (std::array<uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}));
  auto ones =
      philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff});
  EXPECT_EQ(ones, (std::array<uint32_t, 4>{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}));
  auto pi = philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0});
  EXPECT_EQ(pi, (std::array<uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}));
}

TEST(CounterRng, IsAPureFunctionOfItsAddress) {
  CounterRng a(42, Stream::kTest, 7), b(42, Stream::kTest, 7);
  EXPECT_EQ(a.bits(123), b.bits(123));
  EXPECT_NE(a.bits(123), a.bits(124));
  EXPECT_NE(a.bits(123), CounterRng(43, Stream::kTest, 7).bits(123));
  EXPECT_NE(a.bits(123), CounterRng(42, Stream::kMixedSampler, 7).bits(123));
  EXPECT_NE(a.bits(123), CounterRng(42, Stream::kTest, 8).bits(123));
}

TEST(CounterRng, UniformHasTheRightMoments) {
  CounterRng rng(1, Stream::kTest);
  const int n = 200000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    double u = rng.uniform(i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  EXPECT_NEAR(sum / n, 0.5, 0.005);
  EXPECT_NEAR(sum_sq / n - (sum / n) * (sum / n), 1.0 / 12, 0.002);
}

TEST(SequentialRng, BelowIsUnbiasedAndInRange) {
  SequentialRng rng(3, Stream::kTest, 0);
  std::vector<int> counts(7);
  const int n = 70000;
  for (int i = 0; i < n; ++i) {
    uint64_t x = rng.below(7);
    ASSERT_LT(x, 7u);
    ++counts[x];
  }
  double chi2 = 0;
  for (int c : counts) chi2 += (c - n / 7.0) * (c - n / 7.0) / (n / 7.0);
  EXPECT_LT(chi2, 22.46);  // p = 0.001 at 6 degrees of freedom
}

TEST(SequentialRng, NormalHasTheRightMoments) {
  SequentialRng rng(5, Stream::kTest, 0);
  const int n = 100000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    double z = rng.normal();
    sum += z;
    sum_sq += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.02);
  EXPECT_NEAR(sum_sq / n, 1.0, 0.02);
}

TEST(CounterRng, BlockOfBitsMatchesOneCallEach) {
  // Counters that carry into the high word, and blocks of every length around the SIMD width.
  CounterRng rng(77, Stream::kTest, 0x123456789abcULL);
  for (uint64_t first : {uint64_t{0}, uint64_t{0xfffffff0}, ~uint64_t{0} - 40}) {
    for (size_t count : {1, 7, 8, 9, 16, 33}) {
      std::vector<uint64_t> block(count);
      rng.bits(first, block);
      for (size_t i = 0; i < count; ++i)
        ASSERT_EQ(block[i], rng.bits(first + i)) << first << " " << i;
    }
  }
}

TEST(BlockRng, GivesSequentialRngsSequence) {
  SequentialRng one(9, Stream::kEpochPermutation, 5);
  BlockRng block(9, Stream::kEpochPermutation, 5);
  for (uint64_t i = 0; i < 1000; ++i) {
    uint64_t bound = i % 3 == 0 ? (uint64_t{1} << 63) + i : 1 + i;  // huge bounds reject often
    ASSERT_EQ(one.below(bound), block.below(bound)) << i;
  }
  ASSERT_EQ(one.next(), block.next());
}

}  // namespace
}  // namespace cuvee
