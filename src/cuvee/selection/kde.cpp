#include "cuvee/selection/kde.h"

#include "cuvee/selection/cblas.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "cuvee/core/error.h"

namespace cuvee {

double lsh_collision_probability(double distance, double width) {
  if (distance <= 0) return 1.0;
  double t = width / distance;
  double phi = 0.5 * std::erfc(t / std::numbers::sqrt2);  // Φ(−t)
  return 1 - 2 * phi - 2 / (std::sqrt(2 * std::numbers::pi) * t) * (1 - std::exp(-t * t / 2));
}

std::vector<double> exact_kde(const Embeddings& e, double width, int power) {
  if (power < 1) fail("exact KDE: the kernel's power must be at least 1, got {}", power);
  const uint64_t n = e.rows, d = e.dim, block = 1024;
  std::vector<float> norms(n);
  for (uint64_t i = 0; i < n; ++i) {
    double s = 0;
    for (uint64_t c = 0; c < d; ++c) s += double{e.row(i)[c]} * e.row(i)[c];
    norms[i] = static_cast<float>(s);
  }
  std::vector<double> density(n, 0.0);
  std::vector<float> gram(block * block);
  for (uint64_t i0 = 0; i0 < n; i0 += block) {
    uint64_t ni = std::min(block, n - i0);
    for (uint64_t j0 = 0; j0 < n; j0 += block) {
      uint64_t nj = std::min(block, n - j0);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(ni),
                  static_cast<int>(nj), static_cast<int>(d), 1.0f, e.row(i0), static_cast<int>(d),
                  e.row(j0), static_cast<int>(d), 0.0f, gram.data(), static_cast<int>(nj));
      for (uint64_t i = 0; i < ni; ++i) {
        for (uint64_t j = 0; j < nj; ++j) {
          double sq = norms[i0 + i] + norms[j0 + j] - 2.0 * gram[i * nj + j];
          double k = lsh_collision_probability(std::sqrt(std::max(sq, 0.0)), width), kp = k;
          for (int p = 1; p < power; ++p) kp *= k;
          density[i0 + i] += kp;
        }
      }
    }
  }
  return density;
}

}  // namespace cuvee
