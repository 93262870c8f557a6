#include "cuvee/study/summary.h"

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

// A run over domains a, b whose average loss at steps 10, 20, 30 is `avg`.
RunCurves run(std::vector<double> avg) {
  RunCurves curves;
  curves.domains = {"a", "b"};
  for (size_t i = 0; i < avg.size(); ++i) {
    curves.evals.push_back({10 * (i + 1), avg[i], {avg[i] - 1, avg[i] + 1}});
  }
  return curves;
}

TEST(Summary, MeansOverSeeds) {
  auto s = summarise_recipe("odm", {run({6, 5, 4}), run({6, 5, 4.2}), run({6, 5, 4.4})});
  EXPECT_EQ(s.final_step, 30u);
  EXPECT_NEAR(s.avg_eval_loss, 4.2, 1e-12);
  EXPECT_NEAR(s.avg_eval_loss_std, 0.2, 1e-12);
  EXPECT_NEAR(s.eval_loss[0], 3.2, 1e-12);
  EXPECT_NEAR(s.eval_loss[1], 5.2, 1e-12);
  EXPECT_NEAR(s.mean_curve[1].avg, 5, 1e-12);
  auto one = summarise_recipe("x", {run({3, 2, 1})});
  EXPECT_EQ(one.avg_eval_loss_std, 0);
}

TEST(Summary, StepsToUniformFinal) {
  std::vector<RecipeSummary> recipes = {summarise_recipe("uniform", {run({6, 5, 4.5})}),
                                        summarise_recipe("fast", {run({6, 4.5, 4})}),
                                        summarise_recipe("slow", {run({6, 5.5, 4.6})})};
  compare_with_uniform(recipes);
  EXPECT_EQ(recipes[0].steps_to_uniform_final, 30u);
  EXPECT_EQ(recipes[1].steps_to_uniform_final, 20u);  // 4.5 reached exactly at step 20
  EXPECT_FALSE(recipes[2].steps_to_uniform_final);
  EXPECT_EQ(recipes[1].versus_uniform, "one seed");
  auto json = recipe_json(recipes[1]);
  EXPECT_EQ(json["name"], "fast");
  EXPECT_EQ(json["steps_to_uniform_final"], 20);
  EXPECT_NEAR(json["steps_saved_vs_uniform"].get<double>(), 1.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(json["eval_loss.a"].get<double>(), 3);
  EXPECT_TRUE(recipe_json(recipes[2])["steps_to_uniform_final"].is_null());
}

TEST(Summary, CallsADifferenceOnlyOutsideTheSpread) {
  std::vector<RecipeSummary> recipes = {
      summarise_recipe("uniform", {run({6, 5, 4.5}), run({6, 5, 4.6})}),
      summarise_recipe("better", {run({6, 5, 4.0}), run({6, 5, 4.1})}),
      summarise_recipe("close", {run({6, 5, 4.5}), run({6, 5, 4.62})}),
      summarise_recipe("worse", {run({6, 5, 5.0}), run({6, 5, 5.1})})};
  compare_with_uniform(recipes);
  EXPECT_EQ(recipes[1].versus_uniform, "better");
  EXPECT_EQ(recipes[2].versus_uniform, "within spread");
  EXPECT_EQ(recipes[3].versus_uniform, "worse");
}

TEST(Summary, RefusesMismatchedRuns) {
  EXPECT_THROW(summarise_recipe("x", {}), Error);
  EXPECT_THROW(summarise_recipe("x", {run({1, 2, 3}), run({1, 2})}), Error);
  auto shifted = run({1, 2, 3});
  shifted.evals[1].step = 25;
  EXPECT_THROW(summarise_recipe("x", {run({1, 2, 3}), shifted}), Error);
  std::vector<RecipeSummary> no_uniform = {summarise_recipe("x", {run({1})})};
  EXPECT_THROW(compare_with_uniform(no_uniform), Error);
}

}  // namespace
}  // namespace cuvee::study
