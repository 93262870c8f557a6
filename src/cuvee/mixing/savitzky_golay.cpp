#include "cuvee/mixing/savitzky_golay.h"

#include <algorithm>
#include <cmath>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

// H = V (VᵀV)⁻¹ Vᵀ for the Vandermonde matrix V of `width` points at x scaled to [−1, 1]
// (scaling keeps VᵀV well conditioned for wide windows); a (order+1)² system by Gauss–Jordan.
std::vector<std::vector<double>> hat_matrix(size_t width, size_t order) {
  size_t p = order + 1;
  std::vector<std::vector<double>> v(width, std::vector<double>(p));
  double half = std::max<double>(1.0, (static_cast<double>(width) - 1) / 2);
  for (size_t i = 0; i < width; ++i) {
    double x = (static_cast<double>(i) - (static_cast<double>(width) - 1) / 2) / half;
    double power = 1;
    for (size_t j = 0; j < p; ++j, power *= x) v[i][j] = power;
  }
  // Solve (VᵀV) C = Vᵀ: augmented [VᵀV | Vᵀ].
  std::vector<std::vector<double>> a(p, std::vector<double>(p + width, 0.0));
  for (size_t r = 0; r < p; ++r) {
    for (size_t c = 0; c < p; ++c) {
      for (size_t i = 0; i < width; ++i) a[r][c] += v[i][r] * v[i][c];
    }
    for (size_t i = 0; i < width; ++i) a[r][p + i] = v[i][r];
  }
  for (size_t col = 0; col < p; ++col) {
    size_t pivot = col;
    for (size_t r = col + 1; r < p; ++r) {
      if (std::abs(a[r][col]) > std::abs(a[pivot][col])) pivot = r;
    }
    std::swap(a[col], a[pivot]);
    double diagonal = a[col][col];
    for (double& value : a[col]) value /= diagonal;
    for (size_t r = 0; r < p; ++r) {
      if (r == col || a[r][col] == 0) continue;
      double factor = a[r][col];
      for (size_t c = 0; c < p + width; ++c) a[r][c] -= factor * a[col][c];
    }
  }
  std::vector<std::vector<double>> hat(width, std::vector<double>(width, 0.0));
  for (size_t o = 0; o < width; ++o) {
    for (size_t i = 0; i < width; ++i) {
      for (size_t j = 0; j < p; ++j) hat[o][i] += v[o][j] * a[j][p + i];
    }
  }
  return hat;
}

}  // namespace

SavitzkyGolay::SavitzkyGolay(size_t window, size_t order) : window_(window), order_(order) {
  if (window % 2 == 0 || window <= order) {
    fail("Savitzky-Golay: the window must be odd and above the order {}, got {}", order, window);
  }
  hat_.resize(window + 1);
}

const std::vector<double>& SavitzkyGolay::weights(size_t width, size_t offset) const {
  if (hat_[width].empty()) hat_[width] = hat_matrix(width, order_);
  return hat_[width][offset];
}

double SavitzkyGolay::at(std::span<const double> series, size_t index) const {
  size_t n = series.size();
  size_t width = std::min(window_, n % 2 == 1 ? n : n - 1);
  if (width <= order_) return series[index];
  size_t half = width / 2;
  size_t lo = index < half ? 0 : std::min(index - half, n - width);
  const auto& w = weights(width, index - lo);
  double value = 0;
  for (size_t i = 0; i < width; ++i) value += w[i] * series[lo + i];
  return value;
}

std::vector<double> SavitzkyGolay::smooth(std::span<const double> series) const {
  std::vector<double> out(series.size());
  for (size_t i = 0; i < series.size(); ++i) out[i] = at(series, i);
  return out;
}

}  // namespace cuvee
