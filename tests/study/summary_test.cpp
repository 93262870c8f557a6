#include "cuvee/study/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

// Domains a, b (trained on 1 and 3 tokens: natural weights 1/4, 3/4), both scored.
Scoring both() {
  std::vector<uint64_t> tokens = {1, 3};
  return Scoring({"a", "b"}, tokens, {}, "study.toml");
}

// A run over domains a, b whose balanced score on the test split at steps 10, 20, 30 is `avg`
// (a one below it, b one above). Its validation losses are far off: the study never scores them.
RunCurves run(std::vector<double> avg) {
  RunCurves curves;
  curves.domains = {"a", "b"};
  for (size_t i = 0; i < avg.size(); ++i) {
    curves.evals.push_back({10 * (i + 1), {100 - avg[i], 100}, {avg[i] - 1, avg[i] + 1}});
  }
  return curves;
}

TEST(Summary, MeansOverSeeds) {
  auto s = summarise_recipe("odm", {run({6, 5, 4}), run({6, 5, 4.2}), run({6, 5, 4.4})}, both());
  EXPECT_EQ(s.final_step, 30u);
  EXPECT_NEAR(s.balanced, 4.2, 1e-12);
  EXPECT_NEAR(s.balanced_std, 0.2, 1e-12);
  ASSERT_EQ(s.balanced_per_seed.size(), 3u);
  EXPECT_NEAR(s.balanced_per_seed[2], 4.4, 1e-12);
  // Natural-weighted: 1/4 of a (score − 1) and 3/4 of b (score + 1): score + 0.5.
  EXPECT_NEAR(s.natural_weighted, 4.7, 1e-12);
  EXPECT_NEAR(s.test_loss[0], 3.2, 1e-12);
  EXPECT_NEAR(s.test_loss[1], 5.2, 1e-12);
  EXPECT_NEAR(s.balanced_curve[1].mean, 5, 1e-12);
  EXPECT_NEAR(s.balanced_curve[2].low, 4.0, 1e-12);  // the seeds' band
  EXPECT_NEAR(s.balanced_curve[2].high, 4.4, 1e-12);
  // Per domain: the seed mean of each evaluation's test loss (a is one below the score).
  ASSERT_EQ(s.domain_curve.size(), 3u);
  EXPECT_NEAR(s.domain_curve[2][0], 3.2, 1e-12);
  EXPECT_NEAR(s.domain_curve[0][1], 7, 1e-12);
  auto one = summarise_recipe("x", {run({3, 2, 1})}, both());
  EXPECT_EQ(one.balanced_std, 0);
}

// Only the targets count: a scored alone.
TEST(Summary, ScoresTheTargetsOnly) {
  std::vector<uint64_t> tokens = {1, 3};
  Scoring a_only({"a", "b"}, tokens, {"a"}, "study.toml");
  auto s = summarise_recipe("x", {run({6, 5, 4})}, a_only);
  EXPECT_NEAR(s.balanced, 3, 1e-12);
  EXPECT_NEAR(s.natural_weighted, 3, 1e-12);
  EXPECT_NEAR(s.balanced_curve[0].mean, 5, 1e-12);
}

TEST(Summary, StepReachingInterpolatesBetweenEvaluations) {
  std::vector<RecipeSummary::CurvePoint> curve = {{10, 6, 6, 6}, {20, 5, 5, 5}, {30, 4, 4, 4}};
  EXPECT_NEAR(*step_reaching(curve, 4.5), 25, 1e-12);  // halfway from 5 (step 20) to 4 (30)
  EXPECT_NEAR(*step_reaching(curve, 5.75), 12.5, 1e-12);
  EXPECT_NEAR(*step_reaching(curve, 5), 20, 1e-12);  // reached exactly
  EXPECT_NEAR(*step_reaching(curve, 7), 10, 1e-12);  // already below at the first
  EXPECT_FALSE(step_reaching(curve, 3.9));
}

TEST(Summary, PairedAgainstBothBaselines) {
  std::vector<RecipeSummary> recipes = {
      summarise_recipe("natural", {run({6, 5, 4.6}), run({6, 5, 4.7}), run({6, 5, 4.5})}, both()),
      summarise_recipe("uniform", {run({6, 5, 4.5}), run({6, 5, 4.6}), run({6, 5, 4.4})}, both()),
      summarise_recipe("odm", {run({6, 4.6, 4.4}), run({6, 4.7, 4.52}), run({6, 4.5, 4.28})},
                       both())};
  compare_with_baselines(recipes, {"natural", "uniform"}, 64);
  const auto& odm = recipes[2];
  const auto& vs_natural = odm.versus.at("natural");
  ASSERT_EQ(vs_natural.balanced.diffs.size(), 3u);
  EXPECT_NEAR(vs_natural.balanced.diffs[0], -0.2, 1e-12);
  EXPECT_EQ(vs_natural.balanced.verdict, "better");  // −0.2, −0.18, −0.22
  const auto& vs_uniform = odm.versus.at("uniform");
  EXPECT_NEAR(vs_uniform.balanced.mean, -0.1, 1e-12);  // −0.1, −0.08, −0.12
  EXPECT_EQ(vs_uniform.balanced.verdict, "better");
  // Uniform's final score 4.5 against odm's seed-mean curve 6, 4.6, 4.4: step 20 + 10·0.1/0.2.
  EXPECT_NEAR(*vs_uniform.steps_to_final, 25, 1e-9);
  EXPECT_NEAR(*vs_uniform.tokens_to_final, 25 * 64, 1e-6);
  EXPECT_EQ(recipes[0].versus.at("uniform").balanced.verdict, "worse");
  EXPECT_FALSE(recipes[0].versus.at("uniform").steps_to_final);  // never reaches 4.5
  EXPECT_EQ(recipes[1].versus.at("uniform").balanced.verdict, "indistinguishable");  // itself

  auto json = recipe_json(odm);
  EXPECT_EQ(json["name"], "odm");
  EXPECT_EQ(json["seeds"], 3);
  EXPECT_EQ(json["versus"]["natural"]["verdict"], "better");
  EXPECT_EQ(json["versus"]["natural"]["diffs"].size(), 3u);
  EXPECT_TRUE(json["versus"]["uniform"]["ci95_low"].is_number());
  EXPECT_NEAR(json["versus"]["uniform"]["steps_saved"].get<double>(), 1 - 25.0 / 30, 1e-9);
  EXPECT_NEAR(json["test_loss.a"].get<double>(), 3.4, 1e-12);
  EXPECT_TRUE(recipe_json(recipes[0])["versus"]["uniform"]["steps_to_final"].is_null());
}

TEST(Summary, OneSeedHasNoInterval) {
  std::vector<RecipeSummary> recipes = {summarise_recipe("uniform", {run({6, 5, 4.5})}, both()),
                                        summarise_recipe("fast", {run({6, 4.5, 4})}, both())};
  compare_with_baselines(recipes, {"natural", "uniform"}, 1);
  EXPECT_FALSE(recipes[1].versus.contains("natural"));  // no natural recipe: no comparison
  auto json = recipe_json(recipes[1]);
  EXPECT_EQ(json["versus"]["uniform"]["verdict"], "one seed");
  EXPECT_TRUE(json["versus"]["uniform"]["ci95_low"].is_null());
  EXPECT_TRUE(json["versus"]["uniform"]["ci95_high"].is_null());
  EXPECT_NEAR(json["versus"]["uniform"]["mean"].get<double>(), -0.5, 1e-12);
  EXPECT_NEAR(json["versus"]["uniform"]["steps_to_final"].get<double>(), 20, 1e-12);
}

TEST(Summary, RefusesMismatchedRuns) {
  EXPECT_THROW(summarise_recipe("x", {}, both()), Error);
  EXPECT_THROW(summarise_recipe("x", {run({1, 2, 3}), run({1, 2})}, both()), Error);
  auto shifted = run({1, 2, 3});
  shifted.evals[1].step = 25;
  EXPECT_THROW(summarise_recipe("x", {run({1, 2, 3}), shifted}, both()), Error);
  std::vector<RecipeSummary> no_uniform = {summarise_recipe("x", {run({1})}, both())};
  EXPECT_THROW(compare_with_baselines(no_uniform, {"uniform"}, 1), Error);
  std::vector<RecipeSummary> seeds_differ = {
      summarise_recipe("uniform", {run({1}), run({2})}, both()),
      summarise_recipe("x", {run({1})}, both())};
  EXPECT_THROW(compare_with_baselines(seeds_differ, {"uniform"}, 1), Error);
}

TEST(Scoring, RefusesTargetsThatAreNotDomains) {
  std::vector<uint64_t> tokens = {1, 3};
  try {
    Scoring({"code", "mail"}, tokens, {"mial"}, "study.toml");
    FAIL();
  } catch (const Error& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("study.toml: targets: 'mial' is not a domain"), std::string::npos) << what;
    EXPECT_NE(what.find("did you mean 'mail'"), std::string::npos) << what;
  }
  EXPECT_THROW(Scoring({"code", "mail"}, tokens, {"mail", "mail"}, "s"), Error);
  std::vector<uint64_t> none = {0, 0};
  EXPECT_THROW(Scoring({"code", "mail"}, none, {}, "s"), Error);
  Scoring all({"code", "mail"}, tokens, {}, "s");
  EXPECT_EQ(all.targets(), (std::vector<std::string>{"code", "mail"}));
  EXPECT_NEAR(all.natural_weights()[1], 0.75, 1e-12);
  std::vector<double> short_loss = {1};
  EXPECT_THROW(all.balanced(short_loss), Error);
}

}  // namespace
}  // namespace cuvee::study
