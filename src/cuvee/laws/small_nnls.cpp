#include "cuvee/laws/small_nnls.h"

#include <limits>

#include <Eigen/Dense>

#include "cuvee/core/error.h"

namespace cuvee {

std::vector<double> small_nnls(std::span<const std::vector<double>> columns,
                               std::span<const double> y) {
  const size_t m = columns.size();
  if (m == 0 || m > 4) fail("small_nnls: {} columns (expected 1 to 4)", m);
  const size_t n = y.size();
  Eigen::Map<const Eigen::VectorXd> target(y.data(), static_cast<Eigen::Index>(n));
  std::vector<double> best(m, 0.0);
  double best_residual = target.squaredNorm();  // the empty active set: x = 0
  for (unsigned mask = 1; mask < (1u << m); ++mask) {
    std::vector<size_t> active;
    for (size_t j = 0; j < m; ++j) {
      if (mask & (1u << j)) active.push_back(j);
    }
    Eigen::MatrixXd design(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(active.size()));
    for (size_t a = 0; a < active.size(); ++a) {
      for (size_t i = 0; i < n; ++i)
        design(static_cast<Eigen::Index>(i), a) = columns[active[a]][i];
    }
    Eigen::VectorXd x = design.colPivHouseholderQr().solve(target);
    if (!x.allFinite() || (x.array() < 0).any()) continue;
    double residual = (design * x - target).squaredNorm();
    if (residual < best_residual) {
      best_residual = residual;
      std::fill(best.begin(), best.end(), 0.0);
      for (size_t a = 0; a < active.size(); ++a) best[active[a]] = x(static_cast<Eigen::Index>(a));
    }
  }
  return best;
}

}  // namespace cuvee
