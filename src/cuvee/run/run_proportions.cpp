#include "cuvee/run/run_proportions.h"

#include <limits>

#include "cuvee/core/error.h"
#include "cuvee/run/metrics.h"

namespace cuvee {

Mixture run_proportions(const std::filesystem::path& run_folder, RunProportions which) {
  // Every step's weights: the mean is over all of them.
  RunCurves curves = read_run_metrics(run_folder, std::numeric_limits<size_t>::max());
  if (curves.weights.empty()) {
    fail("{}: the run has no training step in its metrics yet", run_folder.string());
  }
  Mixture mixture{curves.domains, std::vector<double>(curves.domains.size(), 0.0)};
  if (which == RunProportions::kFinal) {
    mixture.weights = curves.weights.back().weights;
    return mixture;
  }
  for (const auto& point : curves.weights) {
    for (size_t d = 0; d < point.weights.size(); ++d) mixture.weights[d] += point.weights[d];
  }
  for (double& w : mixture.weights) w /= static_cast<double>(curves.weights.size());
  return mixture;
}

}  // namespace cuvee
