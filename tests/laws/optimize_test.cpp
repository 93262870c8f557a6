#include "cuvee/laws/optimize.h"

#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"
#include "cuvee/laws/law_factory.h"

namespace cuvee {
namespace {

// A fit of `law` over domains a, b, c (proportions and losses) with the given parameters.
LawFit make_fit(const std::string& law, const std::vector<std::vector<double>>& parameters) {
  LawFit fit;
  fit.law = law;
  fit.proportion_domains = {"a", "b", "c"};
  fit.loss_domains = {"a", "b", "c"};
  for (size_t i = 0; i < 3; ++i) {
    fit.laws.push_back(make_law(law, {fit.proportion_domains, fit.loss_domains[i], i}));
    DomainFit domain;
    domain.parameters = parameters[i];
    fit.fits.push_back(domain);
  }
  fit.proportion_mean = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  return fit;
}

const std::vector<std::vector<double>> kBimix = {
    {1, 0.05, 40, 0.5, 2.0}, {1, 0.12, 60, 0.6, 2.5}, {1, 0.02, 30, 0.4, 3.0}};

double weighted_loss(const LawFit& fit, const std::vector<double>& r, double step) {
  LawInput x{r, step, 0};
  double total = 0;
  for (size_t i = 0; i < 3; ++i) total += fit.laws[i]->predict(fit.fits[i].parameters, x) / 3;
  return total;
}

// Random points of the capped simplex by rejection from Dirichlet(1, 1, 1).
std::vector<std::vector<double>> feasible_points(const CappedSimplex& set, size_t count) {
  SequentialRng rng(1, Stream::kTest, 0);
  std::vector<std::vector<double>> points;
  while (points.size() < count) {
    std::vector<double> r(3);
    for (double& v : r) v = -std::log(1 - rng.uniform());
    double sum = std::accumulate(r.begin(), r.end(), 0.0);
    bool inside = true;
    for (size_t j = 0; j < 3; ++j) {
      r[j] /= sum;
      inside = inside && r[j] >= set.floors[j] && r[j] <= set.caps[j];
    }
    if (inside) points.push_back(r);
  }
  return points;
}

TEST(Optimize, BimixClosedFormSatisfiesKktAndBeatsEveryFeasiblePoint) {
  auto fit = make_fit("bimix", kBimix);
  OptimizeOptions options;
  options.step = 20000;
  auto result = optimize_mixture(fit, options);
  EXPECT_EQ(result.method, "bimix-closed-form");
  const auto& r = result.proportions;
  EXPECT_NEAR(r[0] + r[1] + r[2], 1, 1e-15);
  // KKT: c·α·G·r^(−α−1) is the same multiplier for every interior domain.
  std::vector<double> multiplier;
  for (size_t j = 0; j < 3; ++j) {
    const auto& t = kBimix[j];
    double g = t[0] * (t[2] * std::pow(20000.0, -t[3]) + t[4]);
    multiplier.push_back(t[1] * g * std::pow(r[j], -t[1] - 1) / 3);
  }
  EXPECT_NEAR(multiplier[0], multiplier[1], 1e-12 * multiplier[0]);
  EXPECT_NEAR(multiplier[0], multiplier[2], 1e-12 * multiplier[0]);
  EXPECT_NEAR(result.objective, weighted_loss(fit, r, 20000), 1e-12);
  for (const auto& point : feasible_points({{0, 0, 0}, {1, 1, 1}}, 2000)) {
    EXPECT_GE(weighted_loss(fit, point, 20000), result.objective - 1e-12);
  }
}

TEST(Optimize, HonoursCapsAndFloors) {
  auto fit = make_fit("bimix", kBimix);
  OptimizeOptions free;
  free.step = 20000;
  auto unconstrained = optimize_mixture(fit, free).proportions;
  OptimizeOptions options = free;
  // Cap the largest share below its free optimum and lift the smallest above it.
  options.bounds = {{0, 0, unconstrained[2] + 0.1}, {1, unconstrained[1] - 0.1, 1}};
  auto result = optimize_mixture(fit, options);
  EXPECT_NEAR(result.proportions[1], unconstrained[1] - 0.1, 1e-12);
  EXPECT_NEAR(result.proportions[2], unconstrained[2] + 0.1, 1e-12);
  EXPECT_NEAR(result.proportions[0], 1 - result.proportions[1] - result.proportions[2], 1e-15);
  for (const auto& point : feasible_points(options.bounds, 500)) {
    EXPECT_GE(weighted_loss(fit, point, 20000), result.objective - 1e-12);
  }
}

TEST(Optimize, ExponentialLawMatchesAFineGrid) {
  auto fit = make_fit("exponential",
                      {{0.9, -1, -3, 1, 0.5}, {1.1, -1.2, 0.5, -4, 1}, {0.5, -2, 1, 1, -6}});
  OptimizeOptions options;
  options.step = 1;
  auto result = optimize_mixture(fit, options);
  EXPECT_EQ(result.method, "spectral-projected-gradient");
  double best = HUGE_VAL;
  for (int i = 0; i <= 400; ++i) {
    for (int j = 0; i + j <= 400; ++j) {
      std::vector<double> r = {i / 400.0, j / 400.0, (400 - i - j) / 400.0};
      best = std::min(best, weighted_loss(fit, r, 1));
    }
  }
  EXPECT_LE(result.objective, best + 1e-12);
  EXPECT_GT(result.objective, best - 1e-4);  // the grid is within 1/400 of the optimum
}

TEST(Optimize, LinearLawFillsTheCheapestDomainsUpToTheirCaps) {
  // Weighted loss = b + mean of w per domain: a costs 1, b 2, c 3.
  auto fit = make_fit("linear", {{3, 1, 2, 3}, {3, 1, 2, 3}, {3, 1, 2, 3}});
  OptimizeOptions options;
  options.step = 1;
  options.bounds = {{0, 0, 0.1}, {0.5, 1, 1}};
  auto result = optimize_mixture(fit, options);
  EXPECT_NEAR(result.proportions[0], 0.5, 1e-9);
  EXPECT_NEAR(result.proportions[1], 0.4, 1e-9);
  EXPECT_NEAR(result.proportions[2], 0.1, 1e-9);
}

TEST(Optimize, RegmixSearchIsDeterministicAndFeasible) {
  auto fit = make_fit("bimix", kBimix);
  OptimizeOptions options;
  options.step = 20000;
  options.candidates = 20000;
  options.top_k = 50;
  options.seed = 3;
  options.bounds = {{0.05, 0.05, 0.05}, {0.6, 0.6, 0.6}};
  auto a = optimize_mixture(fit, options);
  auto b = optimize_mixture(fit, options);
  EXPECT_EQ(a.method, "regmix-top-k");
  EXPECT_EQ(a.proportions, b.proportions);
  EXPECT_GT(a.accepted_candidates, 50u);
  EXPECT_LT(a.accepted_candidates, 20000u);  // some fell outside the bounds
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_GE(a.proportions[j], 0.05);
    EXPECT_LE(a.proportions[j], 0.6);
  }
  options.candidates = 0;
  auto exact = optimize_mixture(fit, options);
  EXPECT_GE(a.objective, exact.objective);
  EXPECT_LT(a.objective, exact.objective + 1e-3);
  options.seed = 4;
  options.candidates = 20000;
  EXPECT_NE(optimize_mixture(fit, options).proportions, a.proportions);
}

TEST(Optimize, DomainWeightsSelectTheLossesThatCount) {
  auto fit = make_fit("bimix", kBimix);
  OptimizeOptions options;
  options.step = 20000;
  options.domain_weights = {0, 1, 0};
  options.bounds = {{0.1, 0, 0.1}, {1, 1, 1}};
  auto result = optimize_mixture(fit, options);
  // Only b's loss counts, and it falls with r_b: b takes everything the floors leave.
  EXPECT_NEAR(result.proportions[1], 0.8, 1e-12);
  EXPECT_NEAR(result.objective, result.predicted_losses[1], 1e-12);
}

std::string optimize_error(const LawFit& fit, OptimizeOptions options) {
  try {
    optimize_mixture(fit, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Optimize, RefusesImpossibleRequests) {
  auto fit = make_fit("bimix", kBimix);
  OptimizeOptions options;
  options.step = 20000;
  options.bounds = {{0.5, 0.4, 0.2}, {1, 1, 1}};
  EXPECT_EQ(optimize_error(fit, options),
            "the floors sum to 1.1, above 1: no mixture satisfies them");
  options.bounds = {{0, 0, 0}, {0.25, 0.25, 0.25}};
  EXPECT_EQ(optimize_error(fit, options),
            "the caps sum to 0.75, below 1: no mixture satisfies them (raise --max-epochs or the "
            "caps)");
  options.bounds = {{0, 0.5, 0}, {1, 0.4, 1}};
  EXPECT_EQ(optimize_error(fit, options), "domain 'b': floor 0.5 is above its cap 0.4");
  options.bounds = {};
  options.step = 0;
  EXPECT_EQ(optimize_error(fit, options),
            "--step must be a finite step > 0 for law 'bimix', got 0");
  options.step = 20000;
  options.domain_weights = {0, 0, 0};
  EXPECT_EQ(optimize_error(fit, options), "the domain weights are all zero: nothing to minimise");
  auto step = make_fit("step", {{2, 30, 0.5}, {2, 30, 0.5}, {2, 30, 0.5}});
  EXPECT_EQ(optimize_error(step, {}),
            "law 'step' does not depend on the proportions: there is no mixture to optimise");
}

TEST(Optimize, EpochCaps) {
  auto caps = epoch_caps({1e9, 5e9, 1e11}, 4, 2e10);
  EXPECT_DOUBLE_EQ(caps[0], 0.2);
  EXPECT_DOUBLE_EQ(caps[1], 1.0);
  EXPECT_DOUBLE_EQ(caps[2], 1.0);
  EXPECT_THROW(epoch_caps({1e9}, 0, 1e10), Error);
  EXPECT_THROW(epoch_caps({1e9}, 1, -1), Error);
}

}  // namespace
}  // namespace cuvee
