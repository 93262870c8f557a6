#include "cuvee/study/study_config.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cuvee/core/error.h"
#include "cuvee/study/recipes.h"

namespace cuvee::study {
namespace {

const char* kGood = R"(
data = "data"
train = "examples/demo_model.toml"
recipes = ["natural", "uniform", "odm"]
targets = ["code", "mail"]
[bimix]
proxy_measures = ["shannon"]
proxy_fraction = 0.4
[odm]
epsilon_reference_steps = 100000
[oracle]
samples = 3
[selection]
keep = 0.25
perplexity_band = "low"
[scales.demo]
steps = 120
eval_every = 12
set = { "model.width" = 128, "train.device" = "cpu" }
[scales.small]
steps = 600
seeds = [1, 2, 3]
)";

std::string error_of(const std::string& text) {
  try {
    parse_study_config(text, "study.toml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(StudyConfig, ReadsEveryField) {
  auto config = parse_study_config(kGood, "study.toml");
  EXPECT_EQ(config.data, "data");
  EXPECT_EQ(config.train, "examples/demo_model.toml");
  EXPECT_EQ(config.recipes, (std::vector<std::string>{"natural", "uniform", "odm"}));
  EXPECT_EQ(config.targets, (std::vector<std::string>{"code", "mail"}));
  EXPECT_EQ(config.bimix_proxy_measures, std::vector<std::string>{"shannon"});
  EXPECT_DOUBLE_EQ(config.proxy_fraction, 0.4);
  EXPECT_DOUBLE_EQ(config.odm_epsilon_reference_steps, 100000);
  EXPECT_DOUBLE_EQ(config.selection_keep, 0.25);
  EXPECT_EQ(config.oracle_samples, 3u);
  EXPECT_EQ(config.perplexity_band, "low");
  const auto& demo = config.scale("demo");
  EXPECT_EQ(demo.steps, 120u);
  EXPECT_EQ(demo.eval_every, 12u);
  EXPECT_EQ(demo.seeds, std::vector<int64_t>{1});
  EXPECT_EQ(demo.set.at("model.width"), "128");
  EXPECT_EQ(demo.set.at("train.device"), "'cpu'");  // a TOML string, as --set reads it
  const auto& small = config.scale("small");
  EXPECT_EQ(small.eval_every, 60u);  // default: a tenth of the run
  EXPECT_EQ(small.seeds, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_NE(std::string(error_of("")).find("'train'"), std::string::npos);
}

TEST(StudyConfig, ErrorsNameTheLineOfTheKeyAtFault) {
  const std::string head = "train = \"t.toml\"\n\n[scales.demo]\nsteps = 100\n";
  EXPECT_EQ(error_of(head + "eval_every = \"often\"\n"),
            "study.toml:5: scales.demo.eval_every: expected a number");
  EXPECT_EQ(error_of("train = 3\n"), "study.toml:1: train: expected a string");
  EXPECT_EQ(error_of(head + "[selection]\nkeep = 2.0\n"),
            "study.toml:6: selection.keep: expected a fraction in (0, 1), got 2");
  EXPECT_EQ(
      error_of("recipes = [\"uniform\"]\ntrain = \"t.toml\"\n[bimix]\nproxy_fractoin = 1\n"),
      "study.toml:4: unknown key 'bimix.proxy_fractoin'; did you mean 'bimix.proxy_fraction'?");
}

TEST(StudyConfig, TheExampleDefinesEveryScale) {
  auto config = load_study_config(CUVEE_EXAMPLES "/localpile.toml");
  EXPECT_EQ(config.recipes, recipe_names());
  EXPECT_EQ(config.scale("demo").seeds.size(), 1u);
  EXPECT_GE(config.scale("small").seeds.size(), 3u);
  EXPECT_EQ(config.scale("full").set.at("train.device"), "'cuda'");
}

// Both examples train with WSD at every scale; the scenario scores all but its noise source and
// searches an oracle.
TEST(StudyConfig, TheExamplesUseWsdAndTheScenarioItsTargets) {
  for (const char* file : {"/localpile.toml", "/scenario.toml"}) {
    auto config = load_study_config(std::string(CUVEE_EXAMPLES) + file);
    for (const auto& [name, scale] : config.scales) {
      EXPECT_EQ(scale.set.at("train.schedule"), "'wsd'") << file << " " << name;
    }
  }
  auto scenario = load_study_config(CUVEE_EXAMPLES "/scenario.toml");
  EXPECT_EQ(scenario.targets.size(), 5u);
  EXPECT_EQ(std::count(scenario.targets.begin(), scenario.targets.end(), "noise"), 0);
  EXPECT_GT(scenario.oracle_samples, 0u);
  EXPECT_GE(scenario.scale("small").seeds.size(), 3u);
}

TEST(StudyConfig, DefaultsEveryRecipe) {
  auto config = parse_study_config("train = \"t.toml\"\n[scales.demo]\nsteps = 100\n", "s.toml");
  EXPECT_EQ(config.recipes, recipe_names());
  EXPECT_EQ(config.entropy_measure, "conditional");
  EXPECT_EQ(config.odm_epsilon_reference_steps, 0);  // the released schedule
  EXPECT_EQ(config.entropy_estimator, "miller-madow");
  EXPECT_THROW(config.scale("full"), Error);
}

TEST(StudyConfig, UnknownKeysNameTheNearest) {
  std::string base = "train = \"t.toml\"\n[scales.demo]\nsteps = 100\n";
  EXPECT_NE(error_of("trian = 1\n" + base).find("did you mean 'train'"), std::string::npos);
  EXPECT_NE(error_of("train = \"t.toml\"\n[scales.demo]\nstep = 100\n")
                .find("unknown key 'scales.demo.step'; did you mean 'scales.demo.steps'"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[scales.medium]\nsteps = 10\n").find("scales.medium"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[bimix]\nproxy_fractoin = 0.5\n").find("bimix.proxy_fraction"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[odm]\nepsilon_steps = 10\n").find("odm.epsilon_reference_steps"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[odm]\nepsilon_reference_steps = -1\n").find("≥ 0"),
            std::string::npos);
}

TEST(StudyConfig, ReadsTheContinualArm) {
  const std::string base = "train = \"t.toml\"\n[scales.demo]\nsteps = 100\n";
  auto config = parse_study_config(base + "[continual]\nbase = [\"code\", \"mail\"]\n", "s.toml");
  EXPECT_EQ(config.continual_base, (std::vector<std::string>{"code", "mail"}));
  EXPECT_TRUE(parse_study_config(base, "s.toml").continual_base.empty());
  EXPECT_NE(error_of(base + "[continual]\nbase = []\n").find("continual.base: expected the base"),
            std::string::npos);
  EXPECT_NE(
      error_of(base + "[continual]\nbas = [\"code\"]\n").find("did you mean 'continual.base'"),
      std::string::npos);
  EXPECT_NE(error_of("recipes = [\"uniform\"]\n" + base + "[continual]\nbase = [\"code\"]\n")
                .find("needs 'natural'"),
            std::string::npos);
}

TEST(StudyConfig, RefusesBadValues) {
  std::string head = "train = \"t.toml\"\n";
  EXPECT_NE(error_of(head + "recipes = [\"unifrom\"]\n[scales.demo]\nsteps = 100\n")
                .find("did you mean 'uniform'"),
            std::string::npos);
  EXPECT_NE(error_of(head + "recipes = [\"uniform\", \"uniform\"]\n[scales.demo]\nsteps = 100\n")
                .find("listed twice"),
            std::string::npos);
  EXPECT_NE(error_of(head + "recipes = [\"natural\"]\n[scales.demo]\nsteps = 100\n")
                .find("'uniform' is required"),
            std::string::npos);
  EXPECT_NE(error_of(head + "recipes = [\"uniform\", \"bimix\"]\n[scales.demo]\nsteps = 100\n")
                .find("needs 'natural'"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[oracle]\nsamples = 2.5\n[scales.demo]\nsteps = 100\n")
                .find("oracle.samples"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "recipes = [\"uniform\"]\n[oracle]\nsamples = 2\n[scales.demo]\nsteps = "
                      "100\n")
          .find("must list"),
      std::string::npos);
  EXPECT_NE(error_of(head + "targets = []\n[scales.demo]\nsteps = 100\n").find("targets"),
            std::string::npos);
  EXPECT_NE(error_of(head + "targets = [1]\n[scales.demo]\nsteps = 100\n").find("targets"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[scales.demo]\nsteps = 5\n").find("steps ≥ 10"), std::string::npos);
  EXPECT_NE(error_of(head + "[scales.demo]\nsteps = 100\neval_every = 200\n").find("eval_every"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[scales.demo]\nsteps = 100\nseeds = []\n").find("seeds"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[scales.demo]\nsteps = 100\nset = { \"mixing.policy\" = \"odm\" }\n")
                .find("set by the study"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "entropy_measure = \"renyi\"\n[scales.demo]\nsteps = 100\n").find("renyi"),
      std::string::npos);
  EXPECT_NE(error_of(head + "entropy_estimator = \"jackknife\"\n[scales.demo]\nsteps = 100\n")
                .find("plug-in or miller-madow"),
            std::string::npos);
  EXPECT_NE(error_of(head + "[selection]\nkeep = 1.5\n[scales.demo]\nsteps = 100\n")
                .find("selection.keep"),
            std::string::npos);
  EXPECT_NE(
      error_of(head + "[selection]\nperplexity_band = \"middle\"\n[scales.demo]\nsteps = 100\n")
          .find("selection.perplexity_band"),
      std::string::npos);
  EXPECT_NE(error_of(head + "[scales.demo\n").find("study.toml:"), std::string::npos);
  EXPECT_NE(error_of(head).find("'scales' is required"), std::string::npos);
}

}  // namespace
}  // namespace cuvee::study
