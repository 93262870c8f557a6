// Chinchilla (Hoffmann et al. 2022, arXiv 2203.15556), per domain:
//
//   L(N, D) = E + A / N^alpha + B / D^beta
//
// N = the `params` column of the observation table (model parameters), D = the step column
// (steps or tokens, as the table counts them). θ = (E, A, alpha, B, beta), all non-negative.
// No proportion term: fit the rows of one mixture.
#pragma once

#include "cuvee/laws/law.h"

namespace cuvee {

class ChinchillaLaw final : public Law {
 public:
  explicit ChinchillaLaw(LawContext context) : Law(std::move(context)) {}

  std::string_view name() const override { return "chinchilla"; }
  std::string formula() const override { return "L = E + A / N^alpha + B / D^beta"; }
  const std::vector<std::string>& parameter_names() const override;
  double predict(std::span<const double> theta, const LawInput& x) const override;
  double predict_with_gradient(std::span<const double> theta, const LawInput& x,
                               std::span<double> gradient) const override;
  void proportion_gradient(std::span<const double> theta, const LawInput& x,
                           std::span<double> gradient) const override;
  bool uses_proportions() const override { return false; }
  bool uses_step() const override { return true; }
  bool uses_model_size() const override { return true; }
  std::vector<Bound> default_bounds() const override;
  size_t default_starts() const override;
  std::vector<double> start(size_t index, const FitData& data, SequentialRng& rng) const override;
  void check_fit_data(const FitData& data) const override;
};

}  // namespace cuvee
