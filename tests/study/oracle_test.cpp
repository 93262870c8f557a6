#include "cuvee/study/oracle.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

TEST(Oracle, DirichletMixturesAreOnTheSimplexAndSeeded) {
  auto a = dirichlet_mixtures(5, 4, 1);
  ASSERT_EQ(a.size(), 5u);
  for (const auto& w : a) {
    ASSERT_EQ(w.size(), 4u);
    double sum = 0;
    for (double x : w) {
      EXPECT_GT(x, 0);
      sum += x;
    }
    EXPECT_NEAR(sum, 1, 1e-12);
  }
  EXPECT_NE(a[0], a[1]);
  EXPECT_EQ(dirichlet_mixtures(5, 4, 1), a);
  EXPECT_NE(dirichlet_mixtures(5, 4, 2)[0], a[0]);
  EXPECT_TRUE(dirichlet_mixtures(0, 4, 1).empty());
  EXPECT_THROW(dirichlet_mixtures(1, 0, 1), Error);
  // A flat Dirichlet's marginal mean is 1/K: the average of many draws is near it.
  auto many = dirichlet_mixtures(4000, 4, 3);
  double first = 0;
  for (const auto& w : many) first += w[0] / 4000;
  EXPECT_NEAR(first, 0.25, 0.01);
}

TEST(Oracle, GainsSharesAndHeadroom) {
  std::vector<OracleCandidate> candidates = {{"natural", {0.9, 0.1}, 5.0},
                                             {"uniform", {0.5, 0.5}, 4.9},
                                             {"oracle.1", {0.2, 0.8}, 4.6},
                                             {"oracle.2", {0.7, 0.3}, 4.95}};
  auto oracle = choose_oracle(candidates, 0.05);
  EXPECT_EQ(oracle.candidates[oracle.best].name, "oracle.1");
  EXPECT_NEAR(oracle.gain_over_natural, 0.4, 1e-12);
  EXPECT_NEAR(oracle.gain_over_uniform, 0.3, 1e-12);
  EXPECT_EQ(oracle.can_rank, true);  // 0.3 ≥ 3 × 0.05
  EXPECT_NEAR(*oracle_share(oracle, 5.0, 4.8), 0.5, 1e-12);
  EXPECT_NEAR(*oracle_share(oracle, 5.0, 5.2), -0.5, 1e-12);  // worse than natural
  EXPECT_EQ(choose_oracle(candidates, 0.2).can_rank, false);  // 0.3 < 0.6
  auto one_seed = choose_oracle(candidates, std::nullopt);
  EXPECT_FALSE(one_seed.can_rank);
  auto json = oracle_json(oracle, {"a", "b"});
  EXPECT_EQ(json["best"], "oracle.1");
  EXPECT_DOUBLE_EQ(json["weights"]["b"].get<double>(), 0.8);
  EXPECT_EQ(json["candidates"].size(), 4u);
  EXPECT_TRUE(oracle_json(one_seed, {"a", "b"})["headroom"]["can_rank"].is_null());
  // Natural itself the best: no gain, no share.
  std::vector<OracleCandidate> flat = {{"natural", {1, 0}, 4.0}, {"uniform", {0.5, 0.5}, 4.5}};
  EXPECT_FALSE(oracle_share(choose_oracle(flat, std::nullopt), 4.0, 4.2));
}

TEST(Oracle, RefusesIncompleteSearches) {
  EXPECT_THROW(choose_oracle({{"natural", {1}, 4.0}}, std::nullopt), Error);
  EXPECT_THROW(choose_oracle({{"natural", {1}, NAN}, {"uniform", {1}, 4.0}}, std::nullopt), Error);
}

}  // namespace
}  // namespace cuvee::study
