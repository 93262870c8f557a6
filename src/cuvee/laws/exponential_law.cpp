#include "cuvee/laws/exponential_law.h"

#include <cmath>

#include "cuvee/core/rng.h"

namespace cuvee {
namespace {

// Starts follow the grid of the paper's notebook (yegcjs/mixinglaws, mix_5_domains.ipynb:
// log c in [-2, 1.5], k in [-10, 1], every t_j drawn from U[0, 0.1)), coarser: with k folded
// into t by the gauge, t_j = k0 + U[0, 0.1).
constexpr size_t kLogCSteps = 4;
constexpr size_t kK0Steps = 6;
constexpr size_t kRepeats = 2;

double grid_value(size_t i, size_t steps, double lo, double hi) {
  return lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(steps - 1);
}

}  // namespace

ExponentialLaw::ExponentialLaw(LawContext context) : Law(std::move(context)) {
  names_ = {"c", "k"};
  for (const auto& domain : this->context().proportion_domains) names_.push_back("t." + domain);
}

double ExponentialLaw::predict(std::span<const double> t, const LawInput& x) const {
  double exponent = t[1];
  for (size_t j = 0; j < x.proportions.size(); ++j) exponent += t[2 + j] * x.proportions[j];
  return std::exp(t[0]) + std::exp(exponent);
}

double ExponentialLaw::predict_with_gradient(std::span<const double> t, const LawInput& x,
                                             std::span<double> g) const {
  double exponent = t[1];
  for (size_t j = 0; j < x.proportions.size(); ++j) exponent += t[2 + j] * x.proportions[j];
  double floor = std::exp(t[0]);
  double excess = std::exp(exponent);
  g[0] = floor;
  g[1] = excess;
  for (size_t j = 0; j < x.proportions.size(); ++j) g[2 + j] = excess * x.proportions[j];
  return floor + excess;
}

void ExponentialLaw::proportion_gradient(std::span<const double> t, const LawInput& x,
                                         std::span<double> g) const {
  double excess = predict(t, x) - std::exp(t[0]);
  for (size_t j = 0; j < x.proportions.size(); ++j) g[j] = excess * t[2 + j];
}

std::vector<Bound> ExponentialLaw::default_bounds() const {
  return std::vector<Bound>(names_.size());
}

void ExponentialLaw::canonicalise(std::span<double> t) const {
  size_t k = t.size() - 2;
  double mean = 0;
  for (size_t j = 0; j < k; ++j) mean += t[2 + j];
  mean /= static_cast<double>(k);
  t[1] += mean;
  for (size_t j = 0; j < k; ++j) t[2 + j] -= mean;
}

size_t ExponentialLaw::default_starts() const {
  return kLogCSteps * kK0Steps * kRepeats;
}

std::vector<double> ExponentialLaw::start(size_t index, const FitData&, SequentialRng& rng) const {
  double log_c, k0;
  if (index < default_starts()) {
    log_c = grid_value(index % kLogCSteps, kLogCSteps, -2, 1.5);
    k0 = grid_value(index / kLogCSteps % kK0Steps, kK0Steps, -10, 1);
  } else {
    log_c = -2 + 3.5 * rng.uniform();
    k0 = -10 + 11 * rng.uniform();
  }
  std::vector<double> theta = {log_c, 0.0};
  for (size_t j = 2; j < names_.size(); ++j) theta.push_back(k0 + 0.1 * rng.uniform());
  return theta;
}

}  // namespace cuvee
