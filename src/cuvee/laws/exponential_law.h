// The data mixing law of Ye et al. 2024 ("Data Mixing Laws", arXiv 2403.16952), per domain:
//
//   L(r) = exp(c) + exp(k + Σ_j t_j r_j)
//
// θ = (c, k, t.<domain>...). On the simplex a constant added to every t_j and subtracted from
// k changes nothing, so k is held at 0 while fitting and the result is rewritten in the gauge
// Σ_j t_j = 0 (canonicalise()): fits of the same data then have comparable parameters.
// Accepts zero proportions. No step term: fit rows of one step.
#pragma once

#include "cuvee/laws/law.h"

namespace cuvee {

class ExponentialLaw final : public Law {
 public:
  explicit ExponentialLaw(LawContext context);

  std::string_view name() const override { return "exponential"; }
  std::string formula() const override { return "L = exp(c) + exp(k + sum_j t_j r_j)"; }
  const std::vector<std::string>& parameter_names() const override { return names_; }
  double predict(std::span<const double> theta, const LawInput& x) const override;
  double predict_with_gradient(std::span<const double> theta, const LawInput& x,
                               std::span<double> gradient) const override;
  void proportion_gradient(std::span<const double> theta, const LawInput& x,
                           std::span<double> gradient) const override;
  bool uses_proportions() const override { return true; }
  bool uses_step() const override { return false; }
  std::vector<int> fixed_parameters() const override { return {1}; }
  std::vector<Bound> default_bounds() const override;
  void canonicalise(std::span<double> theta) const override;
  size_t default_starts() const override;
  std::vector<double> start(size_t index, const FitData& data, SequentialRng& rng) const override;

 private:
  std::vector<std::string> names_;
};

}  // namespace cuvee
