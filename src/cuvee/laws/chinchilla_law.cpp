#include "cuvee/laws/chinchilla_law.h"

#include <cmath>
#include <set>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"
#include "cuvee/laws/small_nnls.h"

namespace cuvee {
namespace {

enum { kE, kA, kAlpha, kB, kBeta };
// Exponent grids of the starts (around Chinchilla's fitted alpha = 0.34, beta = 0.28); E, A
// and B follow by non-negative least squares.
constexpr double kAlphaGrid[] = {0.1, 0.2, 0.34, 0.5, 0.7};
constexpr double kBetaGrid[] = {0.1, 0.2, 0.28, 0.5, 0.7};

}  // namespace

const std::vector<std::string>& ChinchillaLaw::parameter_names() const {
  static const std::vector<std::string> names = {"E", "A", "alpha", "B", "beta"};
  return names;
}

double ChinchillaLaw::predict(std::span<const double> t, const LawInput& x) const {
  return t[kE] + t[kA] * std::pow(x.model_size, -t[kAlpha]) + t[kB] * std::pow(x.step, -t[kBeta]);
}

double ChinchillaLaw::predict_with_gradient(std::span<const double> t, const LawInput& x,
                                            std::span<double> g) const {
  double log_n = std::log(x.model_size), log_d = std::log(x.step);
  double size_power = std::exp(-t[kAlpha] * log_n);
  double data_power = std::exp(-t[kBeta] * log_d);
  g[kE] = 1;
  g[kA] = size_power;
  g[kAlpha] = -t[kA] * size_power * log_n;
  g[kB] = data_power;
  g[kBeta] = -t[kB] * data_power * log_d;
  return t[kE] + t[kA] * size_power + t[kB] * data_power;
}

void ChinchillaLaw::proportion_gradient(std::span<const double>, const LawInput&,
                                        std::span<double> g) const {
  std::fill(g.begin(), g.end(), 0.0);
}

std::vector<Bound> ChinchillaLaw::default_bounds() const {
  return std::vector<Bound>(5, Bound{0, HUGE_VAL});
}

size_t ChinchillaLaw::default_starts() const {
  return std::size(kAlphaGrid) * std::size(kBetaGrid);
}

std::vector<double> ChinchillaLaw::start(size_t index, const FitData& data,
                                         SequentialRng& rng) const {
  double alpha, beta;
  if (index < default_starts()) {
    alpha = kAlphaGrid[index % std::size(kAlphaGrid)];
    beta = kBetaGrid[index / std::size(kAlphaGrid)];
  } else {
    alpha = rng.uniform();
    beta = rng.uniform();
  }
  size_t n = data.losses.size();
  std::vector<double> ones(n, 1.0), size_power(n), data_power(n);
  for (size_t i = 0; i < n; ++i) {
    size_power[i] = std::pow(data.inputs[i].model_size, -alpha);
    data_power[i] = std::pow(data.inputs[i].step, -beta);
  }
  std::vector<std::vector<double>> columns = {std::move(ones), std::move(size_power),
                                              std::move(data_power)};
  auto scales = small_nnls(columns, data.losses);
  return {scales[0], scales[1], alpha, scales[2], beta};
}

void ChinchillaLaw::check_fit_data(const FitData& data) const {
  Law::check_fit_data(data);
  std::set<double> sizes;
  for (const auto& x : data.inputs) sizes.insert(x.model_size);
  if (sizes.size() < 3) {
    fail(
        "loss.{}: law 'chinchilla' needs at least 3 distinct model sizes (column params) to "
        "identify E, A and alpha; the observations have {}. With one model size use law 'step'",
        context().loss_domain, sizes.size());
  }
}

}  // namespace cuvee
