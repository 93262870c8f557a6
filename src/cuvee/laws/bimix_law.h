// BiMix (Ge et al. 2024, arXiv 2405.14908), one law per domain i:
//
//   L_i(r_i, s) = A / r_i^α · (B / s^β + C)
//
// θ = (A, alpha, B, beta, C). Only A·B and A·C are identifiable, so A is fixed to 1 (the
// gauge) and not fitted. Undefined at r_i = 0: such rows are refused (positive_proportion()).
#pragma once

#include "cuvee/laws/law.h"

namespace cuvee {

class BimixLaw final : public Law {
 public:
  explicit BimixLaw(LawContext context);

  std::string_view name() const override { return "bimix"; }
  std::string formula() const override;
  const std::vector<std::string>& parameter_names() const override;
  double predict(std::span<const double> theta, const LawInput& x) const override;
  double predict_with_gradient(std::span<const double> theta, const LawInput& x,
                               std::span<double> gradient) const override;
  void proportion_gradient(std::span<const double> theta, const LawInput& x,
                           std::span<double> gradient) const override;
  std::unique_ptr<LawEvaluator> evaluator(std::span<const LawInput> inputs) const override;
  bool uses_proportions() const override { return true; }
  bool uses_step() const override { return true; }
  std::vector<int> fixed_parameters() const override { return {0}; }
  std::vector<Bound> default_bounds() const override;
  size_t default_starts() const override;
  std::vector<double> start(size_t index, const FitData& data, SequentialRng& rng) const override;
  std::optional<size_t> positive_proportion() const override { return own_; }
  void check_fit_data(const FitData& data) const override;

 private:
  size_t own_;
};

}  // namespace cuvee
