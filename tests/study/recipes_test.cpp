#include "cuvee/study/recipes.h"

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

std::vector<std::string> settings(const char* name, uint64_t steps, uint64_t eval_every,
                                  double odm_reference = 0) {
  return recipe(name).settings({steps, eval_every, odm_reference});
}

TEST(Recipes, OnlinePoliciesScaleWithTheRunLength) {
  EXPECT_EQ(settings("odm", 100000, 1000),
            (std::vector<std::string>{"mixing.policy=odm", "mixing.warmup_steps=2000"}));
  EXPECT_EQ(settings("odm", 150, 15)[1], "mixing.warmup_steps=3");
  EXPECT_EQ(settings("odm", 150, 15, 100000),
            (std::vector<std::string>{"mixing.policy=odm", "mixing.warmup_steps=3",
                                      "mixing.epsilon_time_scale=666.6666666666666"}));
  // ADO's first refit falls on a multiple of refit_every (the released code refits only there),
  // with rows 3, 13, ..., 43 (5 points) past ignore_steps.
  EXPECT_EQ(settings("ado", 150, 15),
            (std::vector<std::string>{"mixing.policy=ado", "mixing.start_step=45",
                                      "mixing.refit_every=15", "mixing.ignore_steps=3",
                                      "mixing.smooth_window=15"}));
  EXPECT_EQ(settings("ado", 1000, 100)[1], "mixing.start_step=300");
  EXPECT_EQ(settings("ado", 600, 30)[1], "mixing.start_step=180");
  EXPECT_EQ(settings("ado", 1000, 100)[4], "mixing.smooth_window=101");
  EXPECT_EQ(settings("velocitune", 150, 15)[1], "mixing.every=15");
}

TEST(Recipes, StaticRecipesNameTheirPolicy) {
  EXPECT_EQ(settings("natural", 150, 15), (std::vector<std::string>{"mixing.policy=natural"}));
  EXPECT_EQ(settings("uniform", 150, 15), (std::vector<std::string>{"mixing.policy=uniform"}));
  EXPECT_EQ(settings("bimix", 150, 15), (std::vector<std::string>{"mixing.policy=fixed"}));
  // Selection arms mix their documents naturally.
  EXPECT_EQ(settings("density", 150, 15), (std::vector<std::string>{"mixing.policy=natural"}));
}

TEST(Recipes, TheTableAnswersWhatEachNeeds) {
  EXPECT_TRUE(recipe("bimix").needs_natural);
  EXPECT_TRUE(recipe("velocitune").needs_natural);
  EXPECT_TRUE(recipe("perplexity").needs_natural);
  EXPECT_FALSE(recipe("odm").needs_natural);
  EXPECT_EQ(recipe("ado").kind, RecipeKind::online_policy);
  EXPECT_EQ(recipe("entropy").kind, RecipeKind::fitted_mixture);
  ASSERT_EQ(recipe_names().size(), recipes().size());
  EXPECT_EQ(recipe_names().front(), "natural");
}

TEST(Recipes, AnUnknownNameIsRefusedWithTheNearest) {
  try {
    recipe("velocitun");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'velocitune'"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cuvee::study
