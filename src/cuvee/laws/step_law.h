// The step law, in ADO's form (Jiang et al. 2024, arXiv 2410.11820), per domain:
//
//   L(s) = epsilon + beta · s^(−alpha)
//
// θ = (epsilon, beta, alpha), all non-negative. No proportion term: fit the rows of one
// mixture (one run, or runs of the same proportions).
#pragma once

#include "cuvee/laws/law.h"

namespace cuvee {

class StepLaw final : public Law {
 public:
  explicit StepLaw(LawContext context) : Law(std::move(context)) {}

  std::string_view name() const override { return "step"; }
  std::string formula() const override { return "L = epsilon + beta * s^(-alpha)"; }
  const std::vector<std::string>& parameter_names() const override;
  double predict(std::span<const double> theta, const LawInput& x) const override;
  double predict_with_gradient(std::span<const double> theta, const LawInput& x,
                               std::span<double> gradient) const override;
  void proportion_gradient(std::span<const double> theta, const LawInput& x,
                           std::span<double> gradient) const override;
  bool uses_proportions() const override { return false; }
  bool uses_step() const override { return true; }
  std::vector<Bound> default_bounds() const override;
  size_t default_starts() const override;
  std::vector<double> start(size_t index, const FitData& data, SequentialRng& rng) const override;
};

}  // namespace cuvee
