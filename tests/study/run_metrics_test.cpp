#include "cuvee/study/run_metrics.h"

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

TEST(RunMetrics, ReadsEvaluationsAndWeights) {
  std::string text;
  for (int step = 1; step <= 10; ++step) {
    text += "{\"kind\":\"step\",\"step\":" + std::to_string(step) +
            ",\"train_loss\":5,\"weights.b\":0.25,\"weights.a\":0.75,\"train_loss.a\":null}\n";
  }
  text += "{\"kind\":\"eval\",\"step\":10,\"eval_loss\":4.5,\"eval_loss.a\":4,\"eval_loss.b\":5}\n";
  auto curves = parse_run_metrics(text, "m.jsonl", 4);
  EXPECT_EQ(curves.domains, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(curves.evals.size(), 1u);
  EXPECT_EQ(curves.evals[0].step, 10u);
  EXPECT_DOUBLE_EQ(curves.evals[0].avg, 4.5);
  EXPECT_EQ(curves.evals[0].loss, (std::vector<double>{4, 5}));
  ASSERT_EQ(curves.weights.size(), 4u);  // thinned, first and last kept
  EXPECT_EQ(curves.weights.front().step, 1u);
  EXPECT_EQ(curves.weights.back().step, 10u);
  EXPECT_EQ(curves.weights[0].weights, (std::vector<double>{0.75, 0.25}));
}

TEST(RunMetrics, RefusesBrokenFiles) {
  EXPECT_THROW(parse_run_metrics("{\"kind\":\"step\",\"step\":1}\n", "m", 4), Error);  // no eval
  EXPECT_THROW(parse_run_metrics("not json\n", "m", 4), Error);
  try {
    parse_run_metrics("{\"kind\":\"eval\",\"step\":1,\"eval_loss\":\"x\",\"eval_loss.a\":1}\n",
                      "m.jsonl", 4);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("m.jsonl:1"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("eval_loss"), std::string::npos);
  }
  EXPECT_THROW(
      parse_run_metrics("{\"kind\":\"eval\",\"step\":1,\"eval_loss\":1,\"eval_loss.a\":1}\n"
                        "{\"kind\":\"eval\",\"step\":2,\"eval_loss\":1,\"eval_loss.b\":1}\n",
                        "m", 4),
      Error);
}

}  // namespace
}  // namespace cuvee::study
