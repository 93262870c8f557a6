#include "cuvee/laws/linear_law.h"

#include <numeric>

#include "cuvee/core/rng.h"

namespace cuvee {

LinearLaw::LinearLaw(LawContext context) : Law(std::move(context)) {
  names_ = {"b"};
  for (const auto& domain : this->context().proportion_domains) names_.push_back("w." + domain);
}

double LinearLaw::predict(std::span<const double> t, const LawInput& x) const {
  double value = t[0];
  for (size_t j = 0; j < x.proportions.size(); ++j) value += t[1 + j] * x.proportions[j];
  return value;
}

double LinearLaw::predict_with_gradient(std::span<const double> t, const LawInput& x,
                                        std::span<double> g) const {
  g[0] = 1;
  for (size_t j = 0; j < x.proportions.size(); ++j) g[1 + j] = x.proportions[j];
  return predict(t, x);
}

void LinearLaw::proportion_gradient(std::span<const double> t, const LawInput& x,
                                    std::span<double> g) const {
  for (size_t j = 0; j < x.proportions.size(); ++j) g[j] = t[1 + j];
}

std::vector<int> LinearLaw::penalised_parameters() const {
  std::vector<int> weights(names_.size() - 1);
  std::iota(weights.begin(), weights.end(), 1);
  return weights;
}

void LinearLaw::canonicalise(std::span<double> t) const {
  double mean = 0;
  for (size_t j = 1; j < t.size(); ++j) mean += t[j];
  mean /= static_cast<double>(t.size() - 1);
  t[0] += mean;
  for (size_t j = 1; j < t.size(); ++j) t[j] -= mean;
}

std::vector<Bound> LinearLaw::default_bounds() const {
  return std::vector<Bound>(names_.size());
}

std::vector<double> LinearLaw::start(size_t index, const FitData& data, SequentialRng& rng) const {
  std::vector<double> theta(names_.size(), 0.0);
  theta[0] = std::accumulate(data.losses.begin(), data.losses.end(), 0.0) /
             static_cast<double>(data.losses.size());
  if (index > 0) {
    for (size_t j = 1; j < theta.size(); ++j) theta[j] = rng.normal();
  }
  return theta;
}

}  // namespace cuvee
