#include "cuvee/study/paired_comparison.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

// Three seeds whose differences are −0.03, −0.02, −0.04: mean −0.03, sd 0.01, and the 95%
// interval −0.03 ± t(0.975, 2) · 0.01/√3 with t(0.975, 2) = 4.302652729911275.
TEST(PairedComparison, StudentIntervalOfTheMeanDifference) {
  std::vector<double> recipe = {5.00, 5.10, 4.96}, baseline = {5.03, 5.12, 5.00};
  auto c = compare_paired(recipe, baseline);
  ASSERT_EQ(c.diffs.size(), 3u);
  EXPECT_NEAR(c.diffs[1], -0.02, 1e-12);
  EXPECT_NEAR(c.mean, -0.03, 1e-12);
  EXPECT_NEAR(*c.sd, 0.01, 1e-12);
  const double half = 4.302652729911275 * 0.01 / std::sqrt(3.0);
  EXPECT_NEAR(*c.ci95_low, -0.03 - half, 1e-12);
  EXPECT_NEAR(*c.ci95_high, -0.03 + half, 1e-12);
  EXPECT_EQ(c.verdict, "better");  // −0.0548 … −0.0052
  auto reverse = compare_paired(baseline, recipe);
  EXPECT_EQ(reverse.verdict, "worse");
  EXPECT_NEAR(*reverse.ci95_low, 0.03 - half, 1e-12);
}

// The same mean difference with more spread between seeds: the interval holds 0.
TEST(PairedComparison, IndistinguishableWhenTheIntervalHoldsZero) {
  std::vector<double> recipe = {5.00, 5.10, 4.96}, baseline = {5.06, 5.08, 5.01};
  auto c = compare_paired(recipe, baseline);
  EXPECT_NEAR(c.mean, -0.03, 1e-12);
  EXPECT_LT(*c.ci95_low, 0);
  EXPECT_GT(*c.ci95_high, 0);
  EXPECT_EQ(c.verdict, "indistinguishable");
  // A recipe against itself differs by nothing.
  EXPECT_EQ(compare_paired(recipe, recipe).verdict, "indistinguishable");
}

TEST(PairedComparison, OneSeedHasNoInterval) {
  std::vector<double> recipe = {5.0}, baseline = {5.2};
  auto c = compare_paired(recipe, baseline);
  EXPECT_NEAR(c.mean, -0.2, 1e-12);
  EXPECT_FALSE(c.sd);
  EXPECT_FALSE(c.ci95_low);
  EXPECT_EQ(c.verdict, "one seed");
  auto json = paired_json(c);
  EXPECT_TRUE(json.at("ci95_low").is_null());
  EXPECT_TRUE(json.at("ci95_high").is_null());
  EXPECT_EQ(json.at("verdict"), "one seed");
  EXPECT_EQ(json.at("diffs").size(), 1u);
}

TEST(PairedComparison, RefusesUnpairedOrMissingLosses) {
  std::vector<double> two = {1, 2}, three = {1, 2, 3}, none;
  EXPECT_THROW(compare_paired(two, three), Error);
  EXPECT_THROW(compare_paired(none, none), Error);
  std::vector<double> bad = {1, std::nan("")};
  EXPECT_THROW(compare_paired(bad, two), Error);
}

}  // namespace
}  // namespace cuvee::study
