#include "cuvee/sampling/mixed_sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"

namespace cuvee {
namespace {

TEST(MixedSampler, SlotCountsAreWithinOneOfTheirShare) {
  std::vector<double> w = {0.5, 0.3, 0.15, 0.05};
  for (uint64_t step = 0; step < 200; ++step) {
    auto slots = MixedSampler::slot_domains(7, step, w, 32);
    std::vector<int> counts(4);
    for (auto d : slots) ++counts[d];
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_LE(std::fabs(counts[i] - 32 * w[i]), 1.0) << "step " << step << " domain " << i;
    }
  }
}

TEST(MixedSampler, ProportionsPassAChiSquareTestOverManyDraws) {
  std::vector<double> w = {0.42, 0.31, 0.17, 0.07, 0.03};
  MixedSampler sampler({1000, 1000, 1000, 1000, 1000}, 11);
  std::vector<double> counts(5);
  const int steps = 2000, batch = 7;  // odd batch: shares are not whole numbers of slots
  for (int s = 0; s < steps; ++s) {
    for (const auto& draw : sampler.next(w, batch)) ++counts[draw.domain];
  }
  double chi2 = 0;
  for (size_t i = 0; i < 5; ++i) {
    double expected = steps * batch * w[i];
    chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
  }
  EXPECT_LT(chi2, 18.47);  // p = 0.001 at 4 degrees of freedom
}

TEST(MixedSampler, ZeroWeightDomainsAreNeverDrawn) {
  std::vector<double> w = {0.0, 1.0, 0.0};
  for (uint64_t step = 0; step < 100; ++step) {
    for (auto d : MixedSampler::slot_domains(3, step, w, 9)) EXPECT_EQ(d, 1u);
  }
  std::vector<double> last = {0.5, 0.5, 0.0};
  for (uint64_t step = 0; step < 500; ++step) {
    for (auto d : MixedSampler::slot_domains(3, step, last, 3)) EXPECT_NE(d, 2u);
  }
}

TEST(MixedSampler, SlotsAreShuffledSoRanksSeeEveryDomain) {
  std::vector<double> w = {0.5, 0.5};
  int first_half_domain1 = 0;
  for (uint64_t step = 0; step < 100; ++step) {
    auto slots = MixedSampler::slot_domains(5, step, w, 16);
    for (int j = 0; j < 8; ++j) first_half_domain1 += slots[j];
  }
  EXPECT_GT(first_half_domain1, 300);
  EXPECT_LT(first_half_domain1, 500);
}

TEST(MixedSampler, SameSeedSameDrawsOtherSeedOtherDraws) {
  std::vector<double> w = {0.6, 0.4};
  MixedSampler a({50, 70}, 1), b({50, 70}, 1), c({50, 70}, 2);
  bool differ = false;
  for (int s = 0; s < 30; ++s) {
    auto da = a.next(w, 8), db = b.next(w, 8), dc = c.next(w, 8);
    for (size_t j = 0; j < 8; ++j) {
      EXPECT_EQ(da[j].domain, db[j].domain);
      EXPECT_EQ(da[j].sequence, db[j].sequence);
      differ = differ || da[j].sequence != dc[j].sequence;
    }
  }
  EXPECT_TRUE(differ);
}

TEST(MixedSampler, ResumeFromASavedStateContinuesTheSameStream) {
  std::vector<std::vector<double>> schedule;
  for (int s = 0; s < 40; ++s) schedule.push_back({0.2 + 0.01 * s, 0.8 - 0.01 * s});
  MixedSampler whole({13, 29}, 9);
  std::vector<Draw> expected;
  SamplerState at_17;
  for (int s = 0; s < 40; ++s) {
    if (s == 17) at_17 = whole.state();
    auto draws = whole.next(schedule[s], 6);
    if (s >= 17) expected.insert(expected.end(), draws.begin(), draws.end());
  }
  MixedSampler resumed({13, 29}, 9);
  resumed.restore(at_17);
  std::vector<Draw> got;
  for (int s = 17; s < 40; ++s) {
    auto draws = resumed.next(schedule[s], 6);
    got.insert(got.end(), draws.begin(), draws.end());
  }
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].domain, expected[i].domain);
    EXPECT_EQ(got[i].sequence, expected[i].sequence);
    EXPECT_EQ(got[i].epoch, expected[i].epoch);
  }
  EXPECT_EQ(resumed.state(), whole.state());
}

TEST(MixedSampler, EachEpochVisitsEverySequenceOnceInANewOrder) {
  const uint64_t n = 37;
  MixedSampler sampler({n}, 4);
  std::vector<double> w = {1.0};
  std::vector<std::vector<uint64_t>> epochs(3);
  for (int s = 0; s < 37 * 3 / 3; ++s) {
    for (const auto& draw : sampler.next(w, 3)) epochs[draw.epoch].push_back(draw.sequence);
  }
  for (const auto& epoch : epochs) {
    ASSERT_EQ(epoch.size(), n);
    EXPECT_EQ(std::set<uint64_t>(epoch.begin(), epoch.end()).size(), n);
  }
  EXPECT_NE(epochs[0], epochs[1]);
  EXPECT_DOUBLE_EQ(sampler.epochs(0), 3.0);
}

// The exact draws of a run, folded into one number: speed work on the sampler must keep every
// draw (domain, sequence, epoch) bit for bit, across epoch boundaries, zero weights, odd batch
// sizes and domains from one sequence to many thousands. The value was computed by the
// straightforward implementation (scalar Philox, one draw at a time).
TEST(MixedSampler, DrawsArePinned) {
  std::vector<uint64_t> sequences = {1, 37, 1000, 5003, 20000, 3};
  MixedSampler sampler(sequences, 12345);
  uint64_t fold = 0;
  for (uint64_t step = 0; step < 700; ++step) {
    double t = static_cast<double>(step) / 700;
    std::vector<double> w = {0.05, 0.2 * t, 0.3, 0.25 - 0.2 * t, 0.4, step % 5 == 0 ? 0.0 : 0.1};
    double total = 0;
    for (double x : w) total += x;
    for (double& x : w) x /= total;
    for (const auto& d : sampler.next(w, 1 + step % 61)) {
      fold = mix64(fold ^ (uint64_t{d.domain} << 56 ^ d.epoch << 40 ^ d.sequence));
    }
  }
  EXPECT_EQ(fold, 0xc210b1e9c5dad6c0u) << std::hex << fold;
  EXPECT_EQ(sampler.state().step, 700u);
}

TEST(MixedSampler, BadWeightsAreClearErrors) {
  MixedSampler sampler({10, 10}, 0);
  std::vector<double> wrong_size = {1.0};
  EXPECT_THROW(sampler.next(wrong_size, 4), Error);
  std::vector<double> not_simplex = {0.5, 0.6};
  EXPECT_THROW(sampler.next(not_simplex, 4), Error);
  std::vector<double> nan = {NAN, 1.0};
  EXPECT_THROW(sampler.next(nan, 4), Error);
  std::vector<double> negative = {-0.5, 1.5};
  EXPECT_THROW(sampler.next(negative, 4), Error);
  EXPECT_THROW(MixedSampler({10, 0}, 0), Error);
  SamplerState other;
  other.consumed = {1, 2, 3};
  EXPECT_THROW(sampler.restore(other), Error);
}

}  // namespace
}  // namespace cuvee
