// Fitting one domain's law with Ceres Solver: Levenberg–Marquardt within the law's bounds,
// residuals pred − obs (or log pred − log obs), plain or Huber loss, from a deterministic set
// of starts (the law's grid, then counter-based random draws); the start that ends with the
// lowest objective wins, ties going to the earlier start, so the result does not depend on
// how many threads ran the starts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cuvee/laws/law.h"

namespace cuvee {

struct FitOptions {
  double huber = 0;       // δ of the Huber loss; 0 means plain least squares
  bool log_loss = false;  // residuals log(pred) − log(obs) instead of pred − obs
  size_t starts = 0;      // 0: the law's default_starts()
  uint64_t seed = 0;
  double ridge = 1e-3;  // λ of the penalty λ/2·‖w‖² on penalised parameters (linear law)
  std::map<std::string, Bound> bounds;  // overrides of the law's bounds, by parameter name
  int max_iterations = 500;
  int threads = 0;  // 0: default_threads()
};

struct DomainFit {
  std::vector<double> parameters;
  // (Σ_i ρ(r_i)  + λ/2·‖w‖²) / n, where ρ(r) = r²/2, or with Huber δ: r²/2 for |r| ≤ δ and
  // δ(|r| − δ/2) beyond, i.e. the mean Huber loss of the Data Mixing Laws notebook.
  double objective = 0;
  double rmse = 0;  // root mean squared residual (in log space with log_loss)
  size_t points = 0;
  size_t starts = 0;
  size_t usable_starts = 0;  // starts whose solve ended at a finite objective
  size_t best_start = 0;
  int iterations = 0;       // of the best start
  std::string termination;  // Ceres' termination type of the best start
};

// Parses "name=lower:upper" (either side may be empty: unbounded), e.g. "alpha=0:0.8".
std::pair<std::string, Bound> parse_bound(std::string_view spec);

// Fits `law` to `data`. `stream` tells apart the random starts of different domains.
DomainFit fit_domain(const Law& law, const FitData& data, const FitOptions& options,
                     uint64_t stream);

}  // namespace cuvee
