#include "cuvee/laws/step_law.h"

#include <cmath>

#include "cuvee/core/rng.h"
#include "cuvee/laws/small_nnls.h"

namespace cuvee {
namespace {

enum { kEpsilon, kBeta, kAlpha };
// Exponent grid of the starts; epsilon and beta follow by non-negative least squares.
constexpr double kAlphaGrid[] = {0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5};

}  // namespace

const std::vector<std::string>& StepLaw::parameter_names() const {
  static const std::vector<std::string> names = {"epsilon", "beta", "alpha"};
  return names;
}

double StepLaw::predict(std::span<const double> t, const LawInput& x) const {
  return t[kEpsilon] + t[kBeta] * std::pow(x.step, -t[kAlpha]);
}

double StepLaw::predict_with_gradient(std::span<const double> t, const LawInput& x,
                                      std::span<double> g) const {
  double log_s = std::log(x.step);
  double power = std::exp(-t[kAlpha] * log_s);
  g[kEpsilon] = 1;
  g[kBeta] = power;
  g[kAlpha] = -t[kBeta] * power * log_s;
  return t[kEpsilon] + t[kBeta] * power;
}

void StepLaw::proportion_gradient(std::span<const double>, const LawInput&,
                                  std::span<double> g) const {
  std::fill(g.begin(), g.end(), 0.0);
}

std::vector<Bound> StepLaw::default_bounds() const {
  return {{0, HUGE_VAL}, {0, HUGE_VAL}, {0, HUGE_VAL}};
}

size_t StepLaw::default_starts() const {
  return std::size(kAlphaGrid);
}

std::vector<double> StepLaw::start(size_t index, const FitData& data, SequentialRng& rng) const {
  double alpha = index < default_starts() ? kAlphaGrid[index] : 2.0 * rng.uniform();
  std::vector<double> ones(data.losses.size(), 1.0), power(data.losses.size());
  for (size_t i = 0; i < data.losses.size(); ++i) power[i] = std::pow(data.inputs[i].step, -alpha);
  std::vector<std::vector<double>> columns = {std::move(ones), std::move(power)};
  auto scales = small_nnls(columns, data.losses);
  return {scales[0], scales[1], alpha};
}

}  // namespace cuvee
