// The laws' values and gradients: analytic gradients against central differences, gauges.
#include <cmath>

#include <gtest/gtest.h>

#include "cuvee/core/error.h"
#include "cuvee/laws/law.h"
#include "cuvee/laws/law_evaluator.h"
#include "cuvee/laws/law_factory.h"

namespace cuvee {
namespace {

LawContext context(std::string loss_domain = "b") {
  LawContext c{{"a", "b", "c"}, loss_domain, std::nullopt};
  for (size_t j = 0; j < c.proportion_domains.size(); ++j) {
    if (c.proportion_domains[j] == loss_domain) c.own_proportion = j;
  }
  return c;
}

struct Case {
  std::string law;
  std::vector<double> theta;
};

class LawGradients : public ::testing::TestWithParam<Case> {};

TEST_P(LawGradients, MatchCentralDifferences) {
  auto law = make_law(GetParam().law, context());
  std::vector<double> theta = GetParam().theta;
  ASSERT_EQ(theta.size(), law->parameter_count());
  std::vector<double> r = {0.2, 0.3, 0.5};
  LawInput x{r, 5000, 7e7};
  std::vector<double> g(theta.size());
  double value = law->predict_with_gradient(theta, x, g);
  EXPECT_DOUBLE_EQ(value, law->predict(theta, x));
  for (size_t j = 0; j < theta.size(); ++j) {
    double h = 1e-6 * std::max(1.0, std::abs(theta[j]));
    auto up = theta, down = theta;
    up[j] += h;
    down[j] -= h;
    double numeric = (law->predict(up, x) - law->predict(down, x)) / (2 * h);
    EXPECT_NEAR(g[j], numeric, 1e-6 * std::max(1.0, std::abs(numeric)))
        << GetParam().law << " parameter " << law->parameter_names()[j];
  }
  std::vector<double> gr(r.size());
  law->proportion_gradient(theta, x, gr);
  for (size_t j = 0; j < r.size(); ++j) {
    auto up = r, down = r;
    up[j] += 1e-7;
    down[j] -= 1e-7;
    LawInput xu{up, x.step, x.model_size}, xd{down, x.step, x.model_size};
    double numeric = (law->predict(theta, xu) - law->predict(theta, xd)) / 2e-7;
    EXPECT_NEAR(gr[j], numeric, 1e-5 * std::max(1.0, std::abs(numeric)))
        << GetParam().law << " proportion " << j;
  }
}

// A fit evaluates a law through Law::evaluator(): it must give what predict and
// predict_with_gradient give at each row, bit for bit (rows sharing proportions and steps, as
// a table's do).
TEST_P(LawGradients, EvaluatorGivesThePointwiseNumbersExactly) {
  auto law = make_law(GetParam().law, context());
  const auto& theta = GetParam().theta;
  const size_t p = theta.size();
  std::vector<std::vector<double>> proportions = {
      {0.2, 0.3, 0.5}, {0.6, 0.1, 0.3}, {0.2, 0.3, 0.5}};
  std::vector<LawInput> inputs;
  for (double step : {1000.0, 5000.0, 1000.0, 30000.0}) {
    for (const auto& r : proportions) inputs.push_back({r, step, 7e7});
  }
  auto evaluator = law->evaluator(inputs);
  std::vector<double> values(inputs.size()), plain(inputs.size()), jacobian(inputs.size() * p);
  evaluator->evaluate(theta, values, jacobian.data());
  evaluator->evaluate(theta, plain, nullptr);
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<double> g(p);
    EXPECT_EQ(values[i], law->predict_with_gradient(theta, inputs[i], g)) << i;
    EXPECT_EQ(plain[i], law->predict(theta, inputs[i])) << i;
    for (size_t j = 0; j < p; ++j) EXPECT_EQ(jacobian[i * p + j], g[j]) << i << " " << j;
  }
}

INSTANTIATE_TEST_SUITE_P(AllLaws, LawGradients,
                         ::testing::Values(Case{"bimix", {1.3, 0.12, 40, 0.6, 2.1}},
                                           Case{"exponential", {0.8, -1.5, 1.2, -3.0, 0.4}},
                                           Case{"step", {2.0, 30, 0.45}},
                                           Case{"chinchilla", {1.7, 400, 0.34, 410, 0.28}},
                                           Case{"linear", {3.0, -0.5, 0.7, 1.9}}),
                         [](const auto& info) { return info.param.law; });

TEST(Laws, ValuesFollowTheFormulas) {
  std::vector<double> r = {0.2, 0.3, 0.5};
  LawInput x{r, 1000, 1e8};
  EXPECT_DOUBLE_EQ(
      make_law("bimix", context())->predict(std::vector<double>{1, 0.1, 50, 0.5, 2}, x),
      std::pow(0.3, -0.1) * (50 / std::sqrt(1000.0) + 2));
  EXPECT_DOUBLE_EQ(
      make_law("exponential", context())->predict(std::vector<double>{0.5, -1, 1, 2, 3}, x),
      std::exp(0.5) + std::exp(-1 + 0.2 + 0.6 + 1.5));
  EXPECT_DOUBLE_EQ(make_law("step", context())->predict(std::vector<double>{2, 10, 0.5}, x),
                   2 + 10 / std::sqrt(1000.0));
  EXPECT_DOUBLE_EQ(
      make_law("chinchilla", context())->predict(std::vector<double>{1.5, 400, 0.5, 300, 0.5}, x),
      1.5 + 400 / 1e4 + 300 / std::sqrt(1000.0));
  EXPECT_DOUBLE_EQ(make_law("linear", context())->predict(std::vector<double>{3, 1, 2, 4}, x),
                   3 + 0.2 + 0.6 + 2);
}

TEST(Laws, ExponentialGaugeLeavesPredictionsOnTheSimplexUnchanged) {
  auto law = make_law("exponential", context());
  std::vector<double> theta = {0.3, 0.0, -4.0, 1.0, 2.5};
  auto canonical = theta;
  law->canonicalise(canonical);
  EXPECT_NEAR(canonical[2] + canonical[3] + canonical[4], 0.0, 1e-12);
  for (auto r : {std::vector<double>{1, 0, 0}, {0.2, 0.3, 0.5}, {0, 0.5, 0.5}}) {
    LawInput x{r, 1, 0};
    EXPECT_NEAR(law->predict(theta, x), law->predict(canonical, x), 1e-12);
  }
}

TEST(Laws, NamesParametersAndRefusesUnknownLaws) {
  EXPECT_EQ(make_law("exponential", context())->parameter_names(),
            (std::vector<std::string>{"c", "k", "t.a", "t.b", "t.c"}));
  EXPECT_EQ(make_law("linear", context())->parameter_names(),
            (std::vector<std::string>{"b", "w.a", "w.b", "w.c"}));
  EXPECT_EQ(make_law("bimix", context())->free_parameter_count(), 4u);
  try {
    make_law("quadratic", context());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "unknown law 'quadratic'; expected one of: bimix, exponential, step, chinchilla, "
                 "linear");
  }
  try {
    make_law("bimix", context("z"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "law 'bimix' predicts loss.z from its own proportion, but the table has no "
                 "column p.z");
  }
}

}  // namespace
}  // namespace cuvee
