#include "cuvee/train/trainer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/train/checkpoint.h"
#include "tiny_corpus.h"

namespace cuvee {
namespace {

using testing::TempDir;

std::vector<nlohmann::json> read_metrics(const std::filesystem::path& dir) {
  std::vector<nlohmann::json> lines;
  std::ifstream in(dir / "metrics.jsonl");
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

std::vector<nlohmann::json> of_kind(const std::vector<nlohmann::json>& lines, const char* kind) {
  std::vector<nlohmann::json> out;
  for (const auto& line : lines) {
    if (line.at("kind") == kind) out.push_back(line);
  }
  return out;
}

TrainOptions quiet(const std::filesystem::path& out, uint64_t stop = 0, bool resume = false) {
  TrainOptions options;
  options.out = out;
  options.stop_step = stop;
  options.resume = resume;
  options.log = false;
  return options;
}

std::string error_of(const TrainConfig& config, const TrainOptions& options) {
  try {
    train(config, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

class TrainerTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::filesystem::path data = testing::make_tiny_corpus(dir);
};

TEST_F(TrainerTest, LossDecreases) {
  auto config = testing::tiny_config(data);
  config.steps = 60;
  config.warmup_steps = 5;
  config.lr = 1e-2;
  config.eval_every = 20;
  auto result = train(config, quiet(dir / "run"));
  EXPECT_EQ(result.step, 60u);
  auto steps = of_kind(read_metrics(dir / "run"), "step");
  auto evals = of_kind(read_metrics(dir / "run"), "eval");
  ASSERT_EQ(steps.size(), 60u);
  ASSERT_EQ(evals.size(), 4u);  // steps 0, 20, 40, 60
  double first = steps.front().at("train_loss"), last = steps.back().at("train_loss");
  EXPECT_NEAR(first, std::log(257.0), 0.3);  // an untrained model is near uniform
  EXPECT_LT(last, first - 2.0);
  for (const auto& domain : result.domains) {
    for (const char* split : {"validation_loss.", "test_loss."}) {
      const std::string key = split + domain;
      EXPECT_LT(evals[3].at(key).get<double>(), evals[1].at(key).get<double>()) << key;
      EXPECT_LT(evals[1].at(key).get<double>(), evals[0].at(key).get<double>()) << key;
    }
  }
}

// On localpile itself when it has been built (`make localpile` writes data/domains; or set
// CUVEE_LOCALPILE to its domains folder): a byte-level corpus is easy, this is the real one.
TEST(TrainerOnLocalpile, LossDecreases) {
  const char* env = std::getenv("CUVEE_LOCALPILE");
  std::filesystem::path domains =
      env != nullptr ? env : std::filesystem::path(CUVEE_SOURCE_DIR) / "data" / "domains";
  if (!std::filesystem::exists(domains)) GTEST_SKIP() << "no localpile at " << domains;
  TempDir dir;
  auto config = testing::tiny_config(domains);
  config.steps = 40;
  config.eval_every = 20;
  auto result = train(config, quiet(dir / "run"));
  auto steps = of_kind(read_metrics(dir / "run"), "step");
  auto evals = of_kind(read_metrics(dir / "run"), "eval");
  ASSERT_EQ(evals.size(), 3u);  // steps 0, 20, 40
  EXPECT_GE(result.domains.size(), 5u);
  double first = steps.front().at("train_loss");
  EXPECT_NEAR(first, std::log(8192.0), 0.5);
  EXPECT_NEAR(evals[0].at("test_loss").get<double>(), std::log(8192.0), 0.5);
  EXPECT_LT(evals[2].at("test_loss").get<double>(), evals[1].at("test_loss").get<double>());
  EXPECT_LT(evals[2].at("test_loss").get<double>(), first - 1.0);
}

TEST_F(TrainerTest, WritesMetricsAndObservations) {
  auto config = testing::tiny_config(data);
  config.mixing = {{"policy", "fixed"}, {"weights", "code=1,prose=1,sums=0"}};
  auto result = train(config, quiet(dir / "run"));
  EXPECT_EQ(result.domains, (std::vector<std::string>{"code", "prose", "sums"}));
  auto lines = read_metrics(dir / "run");
  auto steps = of_kind(lines, "step");
  auto evals = of_kind(lines, "eval");
  ASSERT_EQ(steps.size(), 12u);
  ASSERT_EQ(evals.size(), 4u);  // steps 0 (before training), 4, 8, 12
  for (size_t i = 0; i < steps.size(); ++i) {
    const auto& s = steps[i];
    EXPECT_EQ(s.at("step"), i + 1);
    EXPECT_EQ(s.at("tokens"), (i + 1) * 8 * 32);
    EXPECT_EQ(s.at("weights.code"), 0.5);
    EXPECT_EQ(s.at("weights.sums"), 0.0);
    EXPECT_EQ(s.at("count.code").get<int>() + s.at("count.prose").get<int>(), 8);
    EXPECT_EQ(s.at("count.sums"), 0);
    EXPECT_TRUE(s.at("train_loss.sums").is_null());
    double mean = (s.at("train_loss.code").get<double>() * s.at("count.code").get<double>() +
                   s.at("train_loss.prose").get<double>() * s.at("count.prose").get<double>()) /
                  8;
    EXPECT_NEAR(s.at("train_loss").get<double>(), mean, 1e-12);
    EXPECT_GT(s.at("grad_norm").get<double>(), 0);
  }
  EXPECT_EQ(evals[0].at("step"), 0);
  EXPECT_EQ(evals[1].at("step"), 4);
  EXPECT_EQ(evals[3].at("step"), 12);
  EXPECT_EQ(evals[3].at("test_loss.sums").get<double>(), result.test_loss[2]);
  // Validation and test are other documents, so other losses.
  EXPECT_NE(evals[3].at("validation_loss.sums").get<double>(), result.test_loss[2]);
  for (const auto& eval : evals) {
    for (const char* split : {"validation_loss", "test_loss"}) {
      double mean = 0;
      for (const auto& d : result.domains)
        mean += eval.at(std::string(split) + "." + d).get<double>();
      EXPECT_NEAR(eval.at(split).get<double>(), mean / 3, 1e-12) << split;
    }
  }

  auto table = read_csv(dir / "run" / "observations.csv");
  EXPECT_EQ(table.header, (std::vector<std::string>{"run", "step", "p.code", "p.prose", "p.sums",
                                                    "loss.code", "loss.prose", "loss.sums"}));
  ASSERT_EQ(table.rows.size(), 3u);  // none at step 0: nothing trained on yet
  EXPECT_EQ(table.rows[1][0], "tiny");
  EXPECT_EQ(table.rows[1][1], "8");
  EXPECT_EQ(table.rows[1][2], "0.5");
  EXPECT_EQ(table.rows[1][4], "0");
  EXPECT_EQ(table.number(2, 7), evals[3].at("validation_loss.sums").get<double>());
}

TEST_F(TrainerTest, SameSeedSameBytes) {
  auto config = testing::tiny_config(data);
  train(config, quiet(dir / "a"));
  train(config, quiet(dir / "b"));
  EXPECT_EQ(read_file(dir / "a" / "metrics.jsonl"), read_file(dir / "b" / "metrics.jsonl"));
  config.seed = 2;
  train(config, quiet(dir / "c"));
  EXPECT_NE(read_file(dir / "a" / "metrics.jsonl"), read_file(dir / "c" / "metrics.jsonl"));
}

// 6 steps, then 6 more from the checkpoint, equal 12 uninterrupted steps, byte for byte.
TEST_F(TrainerTest, ResumeIsExact) {
  auto config = testing::tiny_config(data);
  config.mixing = {{"policy", "temperature"}, {"temperature", 2}};
  train(config, quiet(dir / "whole"));
  auto first = train(config, quiet(dir / "split", 6));
  EXPECT_EQ(first.step, 6u);
  auto second = train(config, quiet(dir / "split", 0, true));
  EXPECT_EQ(second.step, 12u);
  EXPECT_EQ(read_file(dir / "split" / "metrics.jsonl"), read_file(dir / "whole" / "metrics.jsonl"));
  EXPECT_EQ(read_file(dir / "split" / "observations.csv"),
            read_file(dir / "whole" / "observations.csv"));
}

// The same with each online policy, stopped where its state matters: ODM after its warm-up,
// ADO with a refit in flight (started at 40, taking effect at 43), Velocitune between updates.
struct PolicyResume {
  const char* name;
  nlohmann::json mixing;
  uint64_t steps, stop;
};

class ResumeWithPolicy : public ::testing::TestWithParam<PolicyResume> {};

TEST_P(ResumeWithPolicy, IsExact) {
  TempDir dir;
  auto data = testing::make_tiny_corpus(dir);
  auto config = testing::tiny_config(data);
  config.mixing = GetParam().mixing;
  config.steps = GetParam().steps;
  train(config, quiet(dir / "whole"));
  train(config, quiet(dir / "split", GetParam().stop));
  train(config, quiet(dir / "split", 0, true));
  const auto whole = read_file(dir / "whole" / "metrics.jsonl");
  EXPECT_EQ(read_file(dir / "split" / "metrics.jsonl"), whole);
  // The policy did steer: the proportions of the last step are not the first step's.
  auto lines = of_kind(read_metrics(dir / "whole"), "step");
  EXPECT_NE(lines.front().at("weights.code"), lines.back().at("weights.code"));
}

INSTANTIATE_TEST_SUITE_P(
    Online, ResumeWithPolicy,
    ::testing::Values(
        PolicyResume{"odm", {{"policy", "odm"}, {"warmup_steps", 2}}, 12, 5},
        PolicyResume{"ado",
                     {{"policy", "ado"},
                      {"start_step", 40},
                      {"refit_every", 10},
                      {"refit_lag", 3},
                      {"ignore_steps", 0},
                      {"smooth_window", 5}},
                     56,
                     41},
        PolicyResume{"velocitune",
                     {{"policy", "velocitune"}, {"targets", "code=1,prose=1,sums=1"}, {"every", 4}},
                     16,
                     6}),
    [](const auto& info) { return std::string(info.param.name); });

// Lines written after the last checkpoint (a crash between checkpoints) are dropped on resume.
TEST_F(TrainerTest, ResumeDropsWhatFollowedTheCheckpoint) {
  auto config = testing::tiny_config(data);
  train(config, quiet(dir / "whole"));
  train(config, quiet(dir / "crashed", 4));
  std::ofstream(dir / "crashed" / "metrics.jsonl", std::ios::app) << "{\"kind\":\"step\",\"ste";
  std::ofstream(dir / "crashed" / "observations.csv", std::ios::app) << "tiny,5,0.1";
  train(config, quiet(dir / "crashed", 0, true));
  EXPECT_EQ(read_file(dir / "crashed" / "metrics.jsonl"),
            read_file(dir / "whole" / "metrics.jsonl"));
  EXPECT_EQ(read_file(dir / "crashed" / "observations.csv"),
            read_file(dir / "whole" / "observations.csv"));
}

TEST_F(TrainerTest, StopRequestCheckpointsAndResumes) {
  auto config = testing::tiny_config(data);
  config.steps = 100000;  // the stop request ends it long before
  auto metrics = dir / "stopped" / "metrics.jsonl";
  std::thread stopper([&] {
    while (!std::filesystem::exists(metrics) || std::filesystem::file_size(metrics) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    request_stop();
  });
  auto stopped = train(config, quiet(dir / "stopped"));
  stopper.join();
  EXPECT_TRUE(stopped.interrupted);
  ASSERT_LT(stopped.step, 1000u);
  EXPECT_TRUE(std::filesystem::exists(dir / "stopped" / kCheckpointFile));
  auto resumed = train(config, quiet(dir / "stopped", stopped.step + 2, true));
  EXPECT_FALSE(resumed.interrupted);
  train(config, quiet(dir / "whole", stopped.step + 2));
  EXPECT_EQ(read_file(metrics), read_file(dir / "whole" / "metrics.jsonl"));
}

TEST_F(TrainerTest, NonFiniteLossStopsNamingStepAndDomain) {
  auto config = testing::tiny_config(data);
  config.lr = 1e30;  // the first update throws the weights far enough to overflow float32
  config.min_lr = 0;
  config.warmup_steps = 0;
  config.save_every = 1;
  auto message = error_of(config, quiet(dir / "run"));
  EXPECT_NE(message.find("step 2: the training loss of domain '"), std::string::npos) << message;
  EXPECT_NE(message.find("not finite"), std::string::npos) << message;
  // The step-1 checkpoint is kept and nothing of step 2 was recorded.
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / kCheckpointFile));
  EXPECT_EQ(of_kind(read_metrics(dir / "run"), "step").size(), 1u);
}

TEST_F(TrainerTest, RefusesCheckpointOfAnotherShape) {
  auto config = testing::tiny_config(data);
  train(config, quiet(dir / "run", 2));
  auto wider = config;
  wider.model.width = 64;
  auto message = error_of(wider, quiet(dir / "run", 0, true));
  EXPECT_NE(message.find("holds a model of vocab 257, context 32, width 32, depth 2, heads 2"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("asks for vocab 257, context 32, width 64, depth 2, heads 2"),
            std::string::npos)
      << message;
}

TEST_F(TrainerTest, RefusesResumeWithOtherTrainingSettings) {
  auto config = testing::tiny_config(data);
  train(config, quiet(dir / "run", 2));
  auto changed = config;
  changed.lr = 1e-2;
  EXPECT_NE(error_of(changed, quiet(dir / "run", 0, true)).find("train.lr"), std::string::npos);
  auto mixed = config;
  mixed.mixing = {{"policy", "uniform"}};
  EXPECT_NE(error_of(mixed, quiet(dir / "run", 0, true)).find("mixing"), std::string::npos);
  // Evaluation settings may change.
  auto evaluation = config;
  evaluation.eval_every = 3;
  EXPECT_EQ(error_of(evaluation, quiet(dir / "run", 4, true)), "");
}

TEST_F(TrainerTest, RefusesToOverwriteOrResumeNothing) {
  auto config = testing::tiny_config(data);
  EXPECT_NE(error_of(config, quiet(dir / "run", 0, true)).find("nothing to resume"),
            std::string::npos);
  train(config, quiet(dir / "run", 2));
  EXPECT_NE(error_of(config, quiet(dir / "run")).find("already holds a run"), std::string::npos);
  EXPECT_NE(error_of(config, quiet(dir / "run", 1, true)).find("at step 2 already"),
            std::string::npos);
  // Resuming a run at its last step (killed after its final checkpoint) has nothing to do.
  EXPECT_EQ(error_of(config, quiet(dir / "run", 2, true)), "");
  // A run killed before its first checkpoint starts again under --resume.
  std::filesystem::create_directories(dir / "early");
  std::ofstream(dir / "early" / kMetricsFile) << "{\"kind\":\"step\",\"st";
  auto again = train(config, quiet(dir / "early", 2, true));
  EXPECT_EQ(again.step, 2u);
}

TEST_F(TrainerTest, RefusesDomainsTooShortForTheContext) {
  auto config = testing::tiny_config(data);
  config.model.context = 4096;
  EXPECT_NE(error_of(config, quiet(dir / "run")).find("fewer than one window"), std::string::npos);
}

// Every fresh run evaluates before its first update, under every policy: Velocitune's ℓ_init is
// that step-0 validation loss, not the loss after eval_every steps of the new mixture.
TEST_F(TrainerTest, EveryPolicyEvaluatesAtStepZero) {
  const std::vector<nlohmann::json> mixings = {
      {{"policy", "natural"}},
      {{"policy", "uniform"}},
      {{"policy", "odm"}, {"warmup_steps", 2}},
      {{"policy", "ado"}, {"start_step", 4}, {"refit_every", 4}, {"ignore_steps", 0}},
      {{"policy", "velocitune"}, {"targets", "code=1,prose=1,sums=1"}, {"every", 4}}};
  for (const auto& mixing : mixings) {
    const std::string name = mixing.at("policy");
    auto config = testing::tiny_config(data);
    config.mixing = mixing;
    train(config, quiet(dir / name));
    auto evals = of_kind(read_metrics(dir / name), "eval");
    ASSERT_FALSE(evals.empty()) << name;
    EXPECT_EQ(evals.front().at("step"), 0) << name;
    EXPECT_EQ(evals.size(), 4u) << name;  // steps 0, 4, 8, 12
  }
  auto state = load_checkpoint_model(dir / "velocitune", torch::kCPU).header.state.policy;
  auto step0 = of_kind(read_metrics(dir / "velocitune"), "eval").front();
  const std::vector<std::string> domains = {"code", "prose", "sums"};
  for (size_t d = 0; d < domains.size(); ++d) {
    EXPECT_EQ(state.at("initial_loss").at(d).get<double>(),
              step0.at("validation_loss." + domains[d]).get<double>())
        << domains[d];
  }
}

// --init-from: the run starts from the base run's weights (its step-0 losses are the base run's
// final ones, to the bit), so Velocitune's ℓ_init is the base model's loss; a fresh optimizer
// and schedule; a base model of another shape is refused naming both shapes.
TEST_F(TrainerTest, InitFromStartsFromTheBaseModel) {
  auto config = testing::tiny_config(data);
  train(config, quiet(dir / "base"));
  const auto base_last = of_kind(read_metrics(dir / "base"), "eval").back();
  auto continued = config;
  continued.mixing = {{"policy", "velocitune"}, {"targets", "code=1,prose=1,sums=1"}, {"every", 4}};
  auto options = quiet(dir / "continued");
  options.init_from = dir / "base";
  train(continued, options);
  const auto lines = read_metrics(dir / "continued");
  const auto step0 = of_kind(lines, "eval").front();
  ASSERT_EQ(step0.at("step"), 0);
  for (const char* key :
       {"validation_loss", "test_loss", "test_loss.code", "validation_loss.sums"}) {
    EXPECT_EQ(step0.at(key).get<double>(), base_last.at(key).get<double>()) << key;
  }
  auto state = load_checkpoint_model(dir / "continued", torch::kCPU).header.state.policy;
  EXPECT_EQ(state.at("initial_loss").at(0).get<double>(),
            base_last.at("validation_loss.code").get<double>());
  // The schedule starts again: step 1's learning rate is the warm-up's first, as in a fresh run.
  EXPECT_EQ(of_kind(lines, "step").front().at("lr"),
            of_kind(read_metrics(dir / "base"), "step").front().at("lr"));
  // Resuming a continued run takes its own checkpoint, not the base's weights again.
  auto split = quiet(dir / "split", 6);
  split.init_from = dir / "base";
  train(continued, split);
  auto rest = quiet(dir / "split", 0, true);
  rest.init_from = dir / "base";
  train(continued, rest);
  EXPECT_EQ(read_file(dir / "split" / "metrics.jsonl"),
            read_file(dir / "continued" / "metrics.jsonl"));

  auto wider = config;
  wider.model.width = 64;
  auto refused = quiet(dir / "wider");
  refused.init_from = dir / "base";
  const std::string message = error_of(wider, refused);
  EXPECT_NE(message.find("--init-from"), std::string::npos) << message;
  EXPECT_NE(message.find("the base run's model is vocab 257, context 32, width 32"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("asks for vocab 257, context 32, width 64"), std::string::npos) << message;
  auto missing = quiet(dir / "missing");
  missing.init_from = dir / "no-such-run";
  EXPECT_NE(error_of(config, missing).find("--init-from"), std::string::npos);
}

}  // namespace
}  // namespace cuvee
