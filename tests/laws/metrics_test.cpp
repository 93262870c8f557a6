#include "cuvee/laws/metrics.h"

#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cuvee {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Metrics, SpearmanUsesAverageRanksForTies) {
  std::vector<double> a = {1, 2, 3, 4, 5}, b = {5, 6, 7, 8, 7};
  // Ranks of b: 1, 2, 3.5, 5, 3.5 (scipy.stats.spearmanr gives 0.8207826816681233).
  EXPECT_NEAR(spearman(a, b), 0.8207826816681233, 1e-15);
  std::vector<double> reversed = {5, 4, 3, 2, 1};
  EXPECT_DOUBLE_EQ(spearman(a, reversed), -1);
  std::vector<double> constant = {2, 2, 2, 2, 2};
  EXPECT_TRUE(std::isnan(spearman(a, constant)));
}

TEST(Metrics, PerDomainAndMean) {
  // Two rows × two domains; domain b's second row not measured.
  std::vector<double> observed = {2.0, 4.0, 3.0, kNaN};
  std::vector<double> predicted = {2.2, 3.0, 2.7, 5.0};
  auto e = evaluate({"a", "b"}, observed, predicted);
  const auto& a = e.domains[0];
  EXPECT_EQ(a.points, 2u);
  EXPECT_NEAR(a.mean_relative_error, (0.1 + 0.1) / 2, 1e-15);
  EXPECT_NEAR(a.max_relative_error, 0.1, 1e-15);
  EXPECT_NEAR(a.mse, (0.04 + 0.09) / 2, 1e-15);
  double m = (std::log(2.0) + std::log(3.0)) / 2;
  double total = std::pow(std::log(2.0) - m, 2) + std::pow(std::log(3.0) - m, 2);
  double residual = std::pow(std::log(2.2 / 2), 2) + std::pow(std::log(2.7 / 3), 2);
  EXPECT_NEAR(a.r2_log, 1 - residual / total, 1e-14);
  EXPECT_DOUBLE_EQ(a.spearman, 1);
  const auto& b = e.domains[1];
  EXPECT_EQ(b.points, 1u);
  EXPECT_NEAR(b.mean_relative_error, 0.25, 1e-15);
  EXPECT_TRUE(std::isnan(b.r2_log));  // one point: undefined
  EXPECT_EQ(e.mean.points, 3u);
  EXPECT_NEAR(e.mean.mean_relative_error, (0.1 + 0.25) / 2, 1e-15);
  EXPECT_NEAR(e.mean.r2_log, a.r2_log, 1e-15);  // the mean of the defined values
  auto json = evaluation_json(e);
  EXPECT_TRUE(json["domains"]["b"]["r2_log"].is_null());
  EXPECT_EQ(json["mean"]["points"], 3);
  auto text = format_evaluation(e);
  EXPECT_NE(text.find("mean"), std::string::npos);
}

TEST(Metrics, NonPositivePredictionsHaveNoLogR2) {
  std::vector<double> observed = {2.0, 3.0}, predicted = {-0.5, 3.0};
  auto e = evaluate({"a"}, observed, predicted);
  EXPECT_TRUE(std::isnan(e.domains[0].r2_log));
  EXPECT_FALSE(std::isnan(e.domains[0].mse));
}

}  // namespace
}  // namespace cuvee
