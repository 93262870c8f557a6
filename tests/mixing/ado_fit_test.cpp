#include "cuvee/mixing/ado_fit.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

// n = 100, 200, ..., 20000 and L = ε + β·n^(−α).
void law(double epsilon, double beta, double alpha, std::vector<double>& n,
         std::vector<double>& loss) {
  for (int i = 1; i <= 200; ++i) {
    n.push_back(100.0 * i);
    loss.push_back(epsilon + beta * std::pow(n.back(), -alpha));
  }
}

TEST(AdoFit, RecoversAnExactLaw) {
  std::vector<double> n, loss;
  law(2.0, 5.0, 0.4, n, loss);
  auto fit = fit_step_law(n, loss);
  EXPECT_NEAR(fit.epsilon, 2.0, 1e-4);
  EXPECT_NEAR(fit.beta, 5.0, 1e-2);
  EXPECT_NEAR(fit.alpha, 0.4, 1e-4);
  EXPECT_LT(fit.objective, 1e-12);
}

TEST(AdoFit, HuberShrugsOffAnOutlier) {
  std::vector<double> n, loss;
  law(2.0, 5.0, 0.4, n, loss);
  loss[120] *= 3;  // one spike: its log residual ~1.1 costs only δ·|r|
  auto fit = fit_step_law(n, loss);
  EXPECT_NEAR(fit.epsilon, 2.0, 1e-3);
  EXPECT_NEAR(fit.alpha, 0.4, 1e-3);
}

TEST(AdoFit, KeepsTheBounds) {
  // ε = 1 is below e^0.5 and α = 1.2 above 0.8: both end at their bounds.
  std::vector<double> n, loss;
  law(1.0, 40.0, 1.2, n, loss);
  auto fit = fit_step_law(n, loss);
  EXPECT_GE(fit.epsilon, std::exp(0.5));
  EXPECT_NEAR(fit.epsilon, std::exp(0.5), 1e-9);
  EXPECT_LE(fit.alpha, 0.8);
  EXPECT_GE(fit.beta, 0.0);
  // β = 2000 is above the released bound e^6.5 ≈ 665 (a = log β ≤ 6.5): it ends there.
  n.clear(), loss.clear();
  law(2.0, 2000.0, 0.6, n, loss);
  fit = fit_step_law(n, loss);
  EXPECT_NEAR(fit.beta, std::exp(6.5), 1e-6);
}

TEST(AdoFit, TheEpsilonFloorIsASetting) {
  // ε = 1 nat: held at e^0.5 by default, recovered with the floor lowered to log ε ≥ −1.
  std::vector<double> n, loss;
  law(1.0, 5.0, 0.4, n, loss);
  EXPECT_NEAR(fit_step_law(n, loss).epsilon, std::exp(0.5), 1e-9);
  StepLawFitOptions options;
  options.min_log_epsilon = -1;
  auto fit = fit_step_law(n, loss, options);
  EXPECT_NEAR(fit.epsilon, 1.0, 1e-4);
  EXPECT_NEAR(fit.alpha, 0.4, 1e-4);
}

TEST(AdoFit, RefusesBadPoints) {
  std::vector<double> n{1, 2}, loss{3, 2};
  EXPECT_THROW(fit_step_law(n, loss), Error);
  n = {1, 2, 3};
  loss = {3, 0, 2};
  EXPECT_THROW(fit_step_law(n, loss), Error);
}

}  // namespace
}  // namespace cuvee
