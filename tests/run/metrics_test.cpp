#include "cuvee/run/metrics.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cuvee/core/error.h"
#include "cuvee/run/run_folder.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

std::string last_line(const std::filesystem::path& run_folder) {
  std::ifstream in(run_folder / kMetricsFile);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  return last;
}

TEST(RunMetrics, ReadsEvaluationsAndWeights) {
  std::string text;
  for (int step = 1; step <= 10; ++step) {
    text += "{\"kind\":\"step\",\"step\":" + std::to_string(step) +
            ",\"train_loss\":5,\"weights.b\":0.25,\"weights.a\":0.75,\"train_loss.a\":null}\n";
  }
  text +=
      "{\"kind\":\"eval\",\"step\":10,\"validation_loss\":4.5,\"validation_loss.a\":4,"
      "\"validation_loss.b\":5,\"test_loss\":3.5,\"test_loss.a\":3,\"test_loss.b\":4}\n";
  auto curves = parse_run_metrics(text, "m.jsonl", 4);
  EXPECT_EQ(curves.domains, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(curves.evals.size(), 1u);
  EXPECT_EQ(curves.evals[0].step, 10u);
  EXPECT_EQ(curves.evals[0].validation, (std::vector<double>{4, 5}));
  EXPECT_EQ(curves.evals[0].test, (std::vector<double>{3, 4}));
  ASSERT_EQ(curves.weights.size(), 4u);  // thinned, first and last kept
  EXPECT_EQ(curves.weights.front().step, 1u);
  EXPECT_EQ(curves.weights.back().step, 10u);
  EXPECT_EQ(curves.weights[0].weights, (std::vector<double>{0.75, 0.25}));
}

TEST(RunMetrics, RefusesBrokenFiles) {
  EXPECT_THROW(parse_run_metrics("{\"kind\":\"step\",\"step\":1}\n", "m", 4), Error);  // no eval
  EXPECT_THROW(parse_run_metrics("not json\n", "m", 4), Error);
  try {
    parse_run_metrics(
        "{\"kind\":\"eval\",\"step\":1,\"validation_loss.a\":\"x\",\"test_loss.a\":1}\n", "m.jsonl",
        4);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m.jsonl:1"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("validation_loss.a"), std::string::npos);
  }
  // An evaluation without the test split's losses (a run of a cuvee before the split).
  try {
    parse_run_metrics("{\"kind\":\"eval\",\"step\":1,\"validation_loss.a\":1}\n", "m.jsonl", 4);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m.jsonl:1: expected a number in 'test_loss.a'"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(parse_run_metrics(
                   "{\"kind\":\"eval\",\"step\":1,\"validation_loss.a\":1,\"test_loss.a\":1}\n"
                   "{\"kind\":\"eval\",\"step\":2,\"validation_loss.b\":1,\"test_loss.b\":1}\n",
                   "m", 4),
               Error);
}

TEST(RunMetrics, ReadsWhatTheWriterWrites) {
  testing::TempDir dir;
  const std::vector<double> weights{0.25, 0.75}, losses{3.5, 4.5}, eval{4.0, 5.0}, test{3.0, 6.0};
  const std::vector<uint64_t> counts{1, 3};
  {
    MetricsLog log(dir.path(), "run", {"a", "b"}, nullptr);
    log.eval({0, eval, test, {}});
    for (uint64_t step = 1; step <= 4; ++step) {
      log.step({step, 4.25, 1e-3, step * 64, 1.5, weights, losses, counts});
      if (step % 2 == 0) log.eval({step, eval, test, weights});
    }
    log.step({5, 4.25, 1e-3, 5 * 64, 1.5, weights, losses, counts});
  }
  auto curves = read_run_metrics(dir.path());
  EXPECT_EQ(curves.domains, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(curves.evals.size(), 3u);
  EXPECT_EQ(curves.evals[0].step, 0u);
  EXPECT_EQ(curves.evals[2].step, 4u);
  EXPECT_EQ(curves.evals[2].validation, eval);
  EXPECT_EQ(curves.evals[2].test, test);
  // The step-0 evaluation has no observation row (nothing trained on yet): a header and two.
  std::ifstream observations(dir.path() / kObservationsFile);
  int rows = 0;
  for (std::string line; std::getline(observations, line);) ++rows;
  EXPECT_EQ(rows, 3);
  ASSERT_EQ(curves.weights.size(), 5u);
  EXPECT_EQ(curves.weights[4].weights, weights);
  EXPECT_TRUE(last_line(dir.path()).starts_with(R"({"kind":"step","step":5,)"));
  {
    std::pair<uint64_t, uint64_t> keep{0, 0};
    {
      MetricsLog log(dir.path(), "run", {"a", "b"}, nullptr);
      log.eval({6, eval, test, weights});
      keep = log.sync();
    }
    EXPECT_TRUE(last_line(dir.path()).starts_with(R"({"kind":"eval","step":6,)"));
    MetricsLog resumed(dir.path(), "run", {"a", "b"}, &keep);
    resumed.step({7, 4.25, 1e-3, 7 * 64, 1.5, weights, losses, counts});
  }
  // The resumed log was cut back to the checkpoint's bytes, then appended to.
  EXPECT_TRUE(last_line(dir.path()).starts_with(R"({"kind":"step","step":7,)"));
  auto curves_after = read_run_metrics(dir.path());
  ASSERT_EQ(curves_after.evals.size(), 1u);
  EXPECT_EQ(curves_after.evals[0].step, 6u);
}

}  // namespace
}  // namespace cuvee
