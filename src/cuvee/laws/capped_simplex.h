// The proportions a mixture may take: {r : Σ_j r_j = 1, floor_j ≤ r_j ≤ cap_j}, and the
// Euclidean projection onto that set: r_j = clamp(y_j − τ, floor_j, cap_j) for the one τ that
// makes the sum 1 (found by bisection, as the sum falls when τ grows).
#pragma once

#include <span>
#include <string>
#include <vector>

namespace cuvee {

struct CappedSimplex {
  std::vector<double> floors;
  std::vector<double> caps;

  // Errors unless 0 ≤ floor_j ≤ cap_j ≤ 1 and Σ floors ≤ 1 ≤ Σ caps; `names` are the domains.
  void check(std::span<const std::string> names) const;
  std::vector<double> project(std::span<const double> y) const;
};

}  // namespace cuvee
