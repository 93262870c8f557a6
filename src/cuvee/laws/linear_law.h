// A linear regression from proportions to loss, RegMix's first peer (Liu et al. 2024,
// arXiv 2407.01492), per domain:
//
//   L(r) = b + Σ_j w_j r_j
//
// θ = (b, w.<domain>...). Fitted with a ridge penalty on w (FitOptions::ridge). Proportions
// sum to 1, so a constant added to every w_j and subtracted from b changes no prediction;
// the ridge optimum along that direction has Σ_j w_j = 0, and canonicalise() puts the result
// there exactly. Accepts zero proportions. No step term: fit rows of one step.
#pragma once

#include "cuvee/laws/law.h"

namespace cuvee {

class LinearLaw final : public Law {
 public:
  explicit LinearLaw(LawContext context);

  std::string_view name() const override { return "linear"; }
  std::string formula() const override { return "L = b + sum_j w_j r_j"; }
  const std::vector<std::string>& parameter_names() const override { return names_; }
  double predict(std::span<const double> theta, const LawInput& x) const override;
  double predict_with_gradient(std::span<const double> theta, const LawInput& x,
                               std::span<double> gradient) const override;
  void proportion_gradient(std::span<const double> theta, const LawInput& x,
                           std::span<double> gradient) const override;
  bool uses_proportions() const override { return true; }
  bool uses_step() const override { return false; }
  bool positive_predictions() const override { return false; }
  std::vector<int> penalised_parameters() const override;
  std::vector<Bound> default_bounds() const override;
  void canonicalise(std::span<double> theta) const override;
  // The problem is convex: one start, at the mean loss.
  size_t default_starts() const override { return 1; }
  std::vector<double> start(size_t index, const FitData& data, SequentialRng& rng) const override;

 private:
  std::vector<std::string> names_;
};

}  // namespace cuvee
