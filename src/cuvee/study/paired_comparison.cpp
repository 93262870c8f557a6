#include "cuvee/study/paired_comparison.h"

#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/student_t.h"

namespace cuvee::study {

PairedComparison compare_paired(std::span<const double> recipe, std::span<const double> baseline) {
  if (recipe.size() != baseline.size()) {
    fail("paired comparison: {} seeds of the recipe against {} of the baseline", recipe.size(),
         baseline.size());
  }
  if (recipe.empty()) fail("paired comparison: no seeds");
  PairedComparison result;
  for (size_t s = 0; s < recipe.size(); ++s) {
    if (!std::isfinite(recipe[s]) || !std::isfinite(baseline[s])) {
      fail("paired comparison: seed {} has a loss that is not a finite number", s + 1);
    }
    result.diffs.push_back(recipe[s] - baseline[s]);
  }
  const double n = static_cast<double>(result.diffs.size());
  for (double d : result.diffs) result.mean += d / n;
  if (result.diffs.size() < 2) {
    result.verdict = "one seed";
    return result;
  }
  double squares = 0;
  for (double d : result.diffs) squares += (d - result.mean) * (d - result.mean);
  result.sd = std::sqrt(squares / (n - 1));
  const double half_width = student_t_quantile(0.975, n - 1) * *result.sd / std::sqrt(n);
  result.ci95_low = result.mean - half_width;
  result.ci95_high = result.mean + half_width;
  result.verdict = *result.ci95_high < 0  ? "better"
                   : *result.ci95_low > 0 ? "worse"
                                          : "indistinguishable";
  return result;
}

nlohmann::json paired_json(const PairedComparison& comparison) {
  auto optional = [](const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
  };
  return {{"diffs", comparison.diffs},
          {"mean", comparison.mean},
          {"sd", optional(comparison.sd)},
          {"ci95_low", optional(comparison.ci95_low)},
          {"ci95_high", optional(comparison.ci95_high)},
          {"verdict", comparison.verdict}};
}

}  // namespace cuvee::study
