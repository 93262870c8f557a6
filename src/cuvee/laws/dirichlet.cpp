#include "cuvee/laws/dirichlet.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"

namespace cuvee {
namespace {

// log of a Gamma(shape, 1) variate.
double log_gamma_variate(double shape, SequentialRng& rng) {
  double boost = 0;
  if (shape < 1) {
    // G(a) = G(a + 1) · U^(1/a); U in (0, 1].
    boost = std::log(1 - rng.uniform()) / shape;
    shape += 1;
  }
  const double d = shape - 1.0 / 3, c = 1 / std::sqrt(9 * d);
  while (true) {
    double x = rng.normal();
    double v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    double u = 1 - rng.uniform();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return std::log(d * v) + boost;
  }
}

}  // namespace

std::vector<double> sample_dirichlet(std::span<const double> concentration, SequentialRng& rng) {
  std::vector<double> logs(concentration.size());
  double top = -std::numeric_limits<double>::infinity();
  for (size_t j = 0; j < concentration.size(); ++j) {
    if (!(concentration[j] > 0) || !std::isfinite(concentration[j])) {
      fail("Dirichlet concentration {} must be finite and > 0", concentration[j]);
    }
    logs[j] = log_gamma_variate(concentration[j], rng);
    top = std::max(top, logs[j]);
  }
  double sum = 0;
  for (double& value : logs) {
    value = std::exp(value - top);
    sum += value;
  }
  for (double& value : logs) value /= sum;
  return logs;
}

}  // namespace cuvee
