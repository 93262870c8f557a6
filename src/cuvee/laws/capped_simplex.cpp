#include "cuvee/laws/capped_simplex.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"

namespace cuvee {

void CappedSimplex::check(std::span<const std::string> names) const {
  for (size_t j = 0; j < names.size(); ++j) {
    if (!(floors[j] >= 0 && floors[j] <= 1)) {
      fail("floor of '{}' is {}; floors must be within [0, 1]", names[j], format_number(floors[j]));
    }
    if (!(caps[j] >= 0 && caps[j] <= 1)) {
      fail("cap of '{}' is {}; caps must be within [0, 1]", names[j], format_number(caps[j]));
    }
    if (floors[j] > caps[j]) {
      fail("domain '{}': floor {} is above its cap {}", names[j], format_number(floors[j]),
           format_number(caps[j]));
    }
  }
  double floor_sum = std::accumulate(floors.begin(), floors.end(), 0.0);
  double cap_sum = std::accumulate(caps.begin(), caps.end(), 0.0);
  if (floor_sum > 1 + 1e-12) {
    fail("the floors sum to {}, above 1: no mixture satisfies them", format_number(floor_sum));
  }
  if (cap_sum < 1 - 1e-12) {
    fail("the caps sum to {}, below 1: no mixture satisfies them (raise --max-epochs or the caps)",
         format_number(cap_sum));
  }
}

std::vector<double> CappedSimplex::project(std::span<const double> y) const {
  const size_t k = y.size();
  auto total = [&](double tau) {
    double sum = 0;
    for (size_t j = 0; j < k; ++j) sum += std::clamp(y[j] - tau, floors[j], caps[j]);
    return sum;
  };
  // total(lo) = Σ caps ≥ 1 and total(hi) = Σ floors ≤ 1.
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (size_t j = 0; j < k; ++j) {
    lo = std::min(lo, y[j] - caps[j]);
    hi = std::max(hi, y[j] - floors[j]);
  }
  for (int i = 0; i < 200 && lo < hi; ++i) {
    double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    (total(mid) > 1 ? lo : hi) = mid;
  }
  double tau = 0.5 * (lo + hi);
  std::vector<double> r(k);
  for (size_t j = 0; j < k; ++j) r[j] = std::clamp(y[j] - tau, floors[j], caps[j]);
  // Bisection leaves the sum off by rounding; give the difference to the coordinates strictly
  // inside their bounds, which can take it.
  double excess = std::accumulate(r.begin(), r.end(), 0.0) - 1;
  for (size_t j = 0; j < k && excess != 0; ++j) {
    double moved = std::clamp(r[j] - excess, floors[j], caps[j]);
    excess -= r[j] - moved;
    r[j] = moved;
  }
  return r;
}

}  // namespace cuvee
