// ADO's per-domain fit of the step law L(n) = ε + β·n^(−α) to a smoothed loss history, with
// log-space residuals r_i = log L(n_i) − log y_i, the Huber loss (δ = 1e-3), the released code's
// bounds ε ≥ e^0.5 (its e = log ε ≥ 0.5; a setting), 0 ≤ β ≤ e^6.5 (a = log β ≤ 6.5),
// α ∈ [0, 0.8], and a multi-start grid over α (ε, β of each start by least squares at that α);
// the lowest objective wins, ties going to the earlier start. The released code adds the bounds
// to its objective as hinge penalties of slope 1; its Huber objective's slope is at most δ per
// point, so below 1/δ = 1000 points the penalties hold exactly where hard bounds do.
//
// A dedicated solver rather than the laws module's Ceres fit: the law has three parameters and
// the history 10k points at 100k steps, so a projected Levenberg–Marquardt on the 3×3 normal
// equations with iteratively reweighted Huber weights does per point only one exp and one log
// per iteration, where Ceres's per-residual blocks made a 22-domain refit take a minute.
#pragma once

#include <span>

namespace cuvee {

struct StepLawFit {
  double epsilon = 0, beta = 0, alpha = 0;
  double objective = 0;  // mean Huber loss of the log residuals
};

struct StepLawFitOptions {
  double huber = 1e-3;
  double min_log_epsilon = 0.5;
  double max_log_beta = 6.5;
  double max_alpha = 0.8;
  int max_iterations = 200;
};

// Fits n (> 0, the examples seen) to loss (> 0); at least 3 points.
StepLawFit fit_step_law(std::span<const double> n, std::span<const double> loss,
                        const StepLawFitOptions& options = {});

}  // namespace cuvee
