#include "cuvee/study/continual.h"

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

// A continued run over old, new1, new2 whose test losses are `start` at step 0 and `end` at step
// 20 (per domain, in that order). Validation losses are far off: only test scores.
RunCurves run(std::vector<double> start, std::vector<double> end) {
  RunCurves curves;
  curves.domains = {"new1", "new2", "old"};
  curves.evals = {{0, {99, 99, 99}, start}, {20, {99, 99, 99}, end}};
  return curves;
}

TEST(Continual, ScoresNewAndBaseDomainsAndPairsVelocituneWithNatural) {
  std::map<std::string, std::vector<RunCurves>> continued;
  continued["natural"] = {run({9, 9, 3}, {6, 5, 3.5}), run({9, 8, 3}, {6, 6, 3.4})};
  continued["velocitune"] = {run({9, 9, 3}, {5, 5, 3.6}), run({9, 8, 3}, {5, 6, 3.6})};
  const ContinualArm arm = summarise_continual({"old"}, {"new1", "new2", "old"}, continued);
  EXPECT_EQ(arm.new_domains, (std::vector<std::string>{"new1", "new2"}));
  // The base model: the step-0 evaluation.
  EXPECT_EQ(arm.base.new_per_seed, (std::vector<double>{9, 8.5}));
  EXPECT_DOUBLE_EQ(arm.base.old_mean, 3);
  const auto& natural = arm.recipes.at("natural");
  EXPECT_EQ(natural.new_per_seed, (std::vector<double>{5.5, 6}));
  EXPECT_EQ(natural.old_per_seed, (std::vector<double>{3.5, 3.4}));
  ASSERT_TRUE(arm.velocitune_new && arm.velocitune_old);
  EXPECT_EQ(arm.velocitune_new->diffs, (std::vector<double>{-0.5, -0.5}));
  EXPECT_NEAR(arm.velocitune_old->mean, 0.15, 1e-12);
  const auto json = continual_json(arm);
  EXPECT_EQ(json["recipes"]["velocitune"]["new_score"], 5.25);
  EXPECT_EQ(json["velocitune_vs_natural"]["new"]["diffs"].size(), 2u);
  EXPECT_TRUE(json["velocitune_vs_natural"]["retention"].contains("verdict"));
}

TEST(Continual, RefusesWhatCannotBeScored) {
  std::map<std::string, std::vector<RunCurves>> continued;
  continued["natural"] = {run({9, 9, 3}, {6, 5, 3.5})};
  const std::vector<std::string> all = {"new1", "new2", "old"};
  EXPECT_THROW(summarise_continual({"missing"}, all, continued), Error);
  EXPECT_THROW(summarise_continual(all, all, continued), Error);           // nothing new
  EXPECT_THROW(summarise_continual({"old"}, {"new1"}, continued), Error);  // no retention target
  // Only targets are scored: new2 left out.
  EXPECT_EQ(summarise_continual({"old"}, {"new1", "old"}, continued).recipes.at("natural").new_mean,
            6);
  continued["velocitune"] = {};
  EXPECT_THROW(summarise_continual({"old"}, all, continued), Error);  // seeds differ
  EXPECT_THROW(summarise_continual({"old"}, all, {}), Error);
  auto late = run({9, 9, 3}, {6, 5, 3.5});
  late.evals.front().step = 5;  // no step-0 evaluation: no base model to measure
  EXPECT_THROW(summarise_continual({"old"}, all, {{"natural", {late}}}), Error);
}

}  // namespace
}  // namespace cuvee::study
