#include "cuvee/run/config.h"

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

const char* kToml = R"(
run = "small"
seed = 7
[data]
paths = ["data/domains"]
[model]
context = 64
width = 96
depth = 3
heads = 4
[train]
steps = 200
lr = 0.002
warmup_steps = 20
[mixing]
policy = "temperature"
temperature = 3.0
)";

std::string error_of(const std::string& toml, std::vector<std::string> sets = {}) {
  try {
    parse_train_config(toml, "config.toml", sets);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(TrainConfig, ReadsEverySection) {
  auto c = parse_train_config(kToml, "dir/small.toml");
  EXPECT_EQ(c.run, "small");
  EXPECT_EQ(c.seed, 7u);
  ASSERT_EQ(c.data.size(), 1u);
  EXPECT_EQ(c.data[0], "data/domains");
  EXPECT_EQ(c.model.context, 64);
  EXPECT_EQ(c.model.width, 96);
  EXPECT_EQ(c.model.depth, 3);
  EXPECT_EQ(c.steps, 200u);
  EXPECT_DOUBLE_EQ(c.lr, 0.002);
  EXPECT_EQ(c.warmup_steps, 20u);
  EXPECT_EQ(c.batch_size, TrainConfig{}.batch_size);  // default kept
  EXPECT_EQ(c.mixing, (nlohmann::json{{"policy", "temperature"}, {"temperature", 3.0}}));
}

TEST(TrainConfig, RunDefaultsToTheFileStem) {
  auto c = parse_train_config("[data]\npaths = \"d\"\n", "examples/tiny.toml");
  EXPECT_EQ(c.run, "tiny");
  EXPECT_EQ(c.data, (std::vector<std::filesystem::path>{"d"}));
}

TEST(TrainConfig, OverridesParseAsTomlOrString) {
  auto c = parse_train_config(
      kToml, "c.toml",
      std::vector<std::string>{"model.width=128", "train.lr=1e-3", "mixing.policy=uniform",
                               "run=other name", "data.paths=[\"a\", \"b\"]"});
  EXPECT_EQ(c.model.width, 128);
  EXPECT_DOUBLE_EQ(c.lr, 1e-3);
  EXPECT_EQ(c.mixing.at("policy"), "uniform");
  EXPECT_EQ(c.run, "other name");
  EXPECT_EQ(c.data.size(), 2u);
  auto weights =
      parse_train_config(kToml, "c.toml", std::vector<std::string>{"mixing.weights=a=0.5,b=0.5"});
  EXPECT_EQ(weights.mixing.at("weights"), "a=0.5,b=0.5");
}

TEST(TrainConfig, UnknownKeysNameTheNearest) {
  auto message = error_of(std::string(kToml) + "\n[eval]\nevery = 3\n");
  EXPECT_NE(message.find("config.toml:20: unknown key 'eval.every'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'train.eval_every'"), std::string::npos) << message;

  message = error_of("[data]\npaths = \"d\"\n[model]\nwidht = 3\n");
  EXPECT_NE(message.find("'model.widht'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'model.width'"), std::string::npos) << message;

  message = error_of(kToml, {"train.warmup=3"});
  EXPECT_NE(message.find("--set train.warmup=3"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'train.warmup_steps'"), std::string::npos) << message;

  message = error_of("sed = 3\n[data]\npaths = \"d\"\n");
  EXPECT_NE(message.find("did you mean 'seed'"), std::string::npos) << message;
}

TEST(TrainConfig, RejectsBadValues) {
  EXPECT_NE(error_of("[model]\nwidth = 8\n"), "");  // no data.paths
  std::string base = "[data]\npaths = \"d\"\n";
  EXPECT_NE(error_of(base + "[model]\nwidth = 30\nheads = 4\n").find("model.heads"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[train]\nsteps = -1\n").find("train.steps"), std::string::npos);
  EXPECT_NE(error_of(base + "[train]\nlr = \"fast\"\n").find("train.lr"), std::string::npos);
  EXPECT_NE(error_of(base + "[train]\nsteps = 10\nwarmup_steps = 11\n").find("warmup"),
            std::string::npos);
  EXPECT_NE(error_of(base + "[train]\nmin_lr = 1.0\n").find("train.min_lr"), std::string::npos);
  EXPECT_NE(error_of(base + "[train]\ndevice = \"tpu\"\n").find("train.device"), std::string::npos);
  EXPECT_NE(error_of(base + "[train\n"), "");  // TOML syntax error, with file:line:column
  EXPECT_NE(error_of(base, {"novalue"}).find("key=value"), std::string::npos);
}

TEST(TrainConfig, LearningRateSchedule) {
  std::string base = "[data]\npaths = \"d\"\n[train]\nsteps = 100\nwarmup_steps = 10\n";
  auto cosine = parse_train_config(base, "c.toml");
  EXPECT_EQ(cosine.schedule, LrShape::cosine);
  EXPECT_EQ(cosine.to_json()["train"]["schedule"], "cosine");
  auto wsd = parse_train_config(base + "schedule = \"wsd\"\ndecay_fraction = 0.25\n", "c.toml");
  EXPECT_EQ(wsd.schedule, LrShape::wsd);
  EXPECT_EQ(wsd.decay_steps(), 25u);
  EXPECT_EQ(wsd.to_json()["train"]["schedule"], "wsd");
  EXPECT_EQ(parse_train_config(base, "c.toml", {{"train.schedule=wsd"}}).schedule, LrShape::wsd);
  EXPECT_EQ(error_of(base + "schedule = \"linear\"\n"),
            "config.toml:6: 'train.schedule' must be \"cosine\" or \"wsd\", got \"linear\"");
  EXPECT_NE(error_of(base + "decay_fraction = 0\n").find("train.decay_fraction' must be in (0, 1]"),
            std::string::npos);
  EXPECT_NE(error_of(base + "decay_fraction = 1.5\n").find("train.decay_fraction"),
            std::string::npos);
  // The decay and the warm-up must fit in the run.
  EXPECT_EQ(error_of(base + "schedule = \"wsd\"\ndecay_fraction = 0.95\n"),
            "config.toml:7: 'train.decay_fraction' gives a decay of 95 steps, which with the "
            "warm-up's 10 exceeds train.steps (100)");
  EXPECT_EQ(error_of(base + "decay_fraction = 0.95\n"), "");  // cosine has no decay phase
}

TEST(TrainConfig, AWrongTypedValueKeepsItsLine) {
  std::string toml = "[data]\npaths = \"d\"\n\n[train]\nsteps = 10\nlr = \"fast\"\n";
  EXPECT_EQ(error_of(toml), "config.toml:6: 'train.lr' must be a number, got \"fast\"");
  EXPECT_EQ(error_of("seed = 1.5\n[data]\npaths = \"d\"\n"),
            "config.toml:1: 'seed' must be a non-negative integer, got 1.5");
  EXPECT_EQ(error_of("[data]\npaths = [\"d\", 3]\n"),
            "config.toml:2: 'data.paths' must be a list of paths, got [\"d\",3]");
  // Checks of values together name the line of the key at fault.
  EXPECT_NE(error_of("[data]\npaths = \"d\"\n[model]\nwidth = 30\nheads = 4\n")
                .find("config.toml:5: 'model.heads'"),
            std::string::npos);
  // A value from --set is named by its override.
  EXPECT_EQ(error_of("[data]\npaths = \"d\"\n", {"train.lr=\"fast\""}),
            "--set train.lr=\"fast\": 'train.lr' must be a number, got \"fast\"");
  // A key the policy reads later is located by the config: the policy's message names the key.
  auto c = parse_train_config(
      "[data]\npaths = \"d\"\n[mixing]\npolicy = \"odm\"\n\nalpha = \"x\"\n", "config.toml");
  EXPECT_EQ(c.locate("mixing.alpha: expected a number, got \"x\""),
            "config.toml:6: mixing.alpha: expected a number, got \"x\"");
  EXPECT_EQ(c.locate("mixing.gamma: required by policy 'odm'"),
            "config.toml:3: mixing.gamma: required by policy 'odm'");  // the [mixing] table
  EXPECT_EQ(c.locate("odm: needs at least 2 domains, got 1"),
            "config.toml: odm: needs at least 2 domains, got 1");
}

TEST(TrainConfig, JsonRoundTrip) {
  auto c = parse_train_config(kToml, "c.toml");
  auto again = train_config_from_json(c.to_json(), "c.toml");
  EXPECT_EQ(again.to_json(), c.to_json());
  EXPECT_EQ(c.to_json()["model"]["width"], 96);
  EXPECT_EQ(c.to_json()["train"]["steps"], 200);
}

TEST(ModelShape, CountsParametersAndFlops) {
  ModelShape shape{257, 64, 32, 2, 4};
  // wte 257·32 + wpe 64·32 + 2 blocks · (12·32² + 13·32) + final LayerNorm 2·32
  EXPECT_EQ(shape.parameters(), 257 * 32 + 64 * 32 + 2 * (12 * 32 * 32 + 13 * 32) + 64);
  EXPECT_DOUBLE_EQ(shape.flops_per_token(),
                   6.0 * (12.0 * 2 * 32 * 32 + 257.0 * 32) + 12.0 * 2 * 64 * 32);
  EXPECT_EQ(ModelShape::from_json(shape.to_json()), shape);
  EXPECT_EQ(shape.describe(), "vocab 257, context 64, width 32, depth 2, heads 4");
}

}  // namespace
}  // namespace cuvee
