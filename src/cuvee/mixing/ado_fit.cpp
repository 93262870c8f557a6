#include "cuvee/mixing/ado_fit.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

using Vector3 = std::array<double, 3>;
using Matrix3 = std::array<Vector3, 3>;

// The exponents the starts begin from (the grid of the laws module's step law, within ADO's
// α ≤ 0.8).
constexpr double kAlphaGrid[] = {0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8};

class Problem {
 public:
  Problem(std::span<const double> n, std::span<const double> loss, const StepLawFitOptions& o)
      : options_(o),
        lower_{std::exp(o.min_log_epsilon), 0, 0},
        upper_{HUGE_VAL, std::exp(o.max_log_beta), o.max_alpha} {
    for (size_t i = 0; i < n.size(); ++i) {
      log_n_.push_back(std::log(n[i]));
      log_y_.push_back(std::log(loss[i]));
      y_.push_back(loss[i]);
    }
  }

  // Σ Huber(r_i); with gradient and hessian: the IRLS normal equations J'WJ and J'Wr.
  double cost(const Vector3& t, Matrix3* hessian = nullptr, Vector3* gradient = nullptr) const {
    const double delta = options_.huber;
    double total = 0;
    if (hessian) *hessian = {};
    if (gradient) *gradient = {};
    for (size_t i = 0; i < log_n_.size(); ++i) {
      double x = std::exp(-t[2] * log_n_[i]);
      double pred = t[0] + t[1] * x;
      if (!(pred > 0)) return HUGE_VAL;
      double r = std::log(pred) - log_y_[i];
      double a = std::abs(r);
      total += a <= delta ? r * r / 2 : delta * (a - delta / 2);
      if (!hessian) continue;
      double w = a <= delta ? 1 : delta / a;
      double inverse = 1 / pred;
      Vector3 j{inverse, x * inverse, -t[1] * x * log_n_[i] * inverse};
      for (int p = 0; p < 3; ++p) {
        (*gradient)[p] += w * j[p] * r;
        for (int q = p; q < 3; ++q) (*hessian)[p][q] += w * j[p] * j[q];
      }
    }
    if (hessian) {
      for (int p = 0; p < 3; ++p) {
        for (int q = 0; q < p; ++q) (*hessian)[p][q] = (*hessian)[q][p];
      }
    }
    return total;
  }

  // ε and β by least squares at exponent α (linear space), clamped to the bounds.
  Vector3 start(double alpha) const {
    double s1 = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
    for (size_t i = 0; i < log_n_.size(); ++i) {
      double x = std::exp(-alpha * log_n_[i]);
      s1 += 1, sx += x, sxx += x * x, sy += y_[i], sxy += x * y_[i];
    }
    double det = s1 * sxx - sx * sx;
    double beta = det > 0 ? (s1 * sxy - sx * sy) / det : 0;
    double epsilon = (sy - beta * sx) / s1;
    return clamp({epsilon, beta, alpha});
  }

  Vector3 clamp(Vector3 t) const {
    for (int p = 0; p < 3; ++p) t[p] = std::clamp(t[p], lower_[p], upper_[p]);
    return t;
  }

  // Projected Levenberg–Marquardt from t; returns the final cost.
  double solve(Vector3& t) const {
    Matrix3 h;
    Vector3 g;
    double current = cost(t, &h, &g);
    double lambda = 1e-3;
    for (int iteration = 0; iteration < options_.max_iterations && std::isfinite(current);) {
      // Parameters held at a bound that the descent direction −g pushes past stay fixed.
      std::array<bool, 3> fixed{};
      for (int p = 0; p < 3; ++p) {
        fixed[p] = (t[p] <= lower_[p] && g[p] > 0) || (t[p] >= upper_[p] && g[p] < 0);
      }
      Matrix3 a = h;
      Vector3 b;
      for (int p = 0; p < 3; ++p) {
        b[p] = fixed[p] ? 0 : -g[p];
        a[p][p] += lambda * h[p][p] + 1e-300;
        for (int q = 0; q < 3; ++q) {
          if ((fixed[p] || fixed[q]) && p != q) a[p][q] = 0;
        }
        if (fixed[p]) a[p][p] = 1;
      }
      Vector3 step;
      if (!solve3(a, b, step)) break;
      Vector3 next = clamp({t[0] + step[0], t[1] + step[1], t[2] + step[2]});
      // The trial's derivatives come with its cost: one pass over the points per iteration.
      Matrix3 next_h;
      Vector3 next_g;
      double trial = cost(next, &next_h, &next_g);
      ++iteration;
      if (trial < current) {
        bool tiny = current - trial <= 1e-10 * current;
        t = next;
        current = trial;
        h = next_h;
        g = next_g;
        lambda = std::max(lambda / 3, 1e-12);
        if (tiny) break;
      } else {
        lambda *= 4;
        if (lambda > 1e12) break;
      }
    }
    return current;
  }

 private:
  // Gaussian elimination with partial pivoting; false if singular.
  static bool solve3(Matrix3 a, Vector3 b, Vector3& x) {
    for (int c = 0; c < 3; ++c) {
      int pivot = c;
      for (int r = c + 1; r < 3; ++r) {
        if (std::abs(a[r][c]) > std::abs(a[pivot][c])) pivot = r;
      }
      if (!(std::abs(a[pivot][c]) > 0)) return false;
      std::swap(a[c], a[pivot]);
      std::swap(b[c], b[pivot]);
      for (int r = c + 1; r < 3; ++r) {
        double f = a[r][c] / a[c][c];
        for (int q = c; q < 3; ++q) a[r][q] -= f * a[c][q];
        b[r] -= f * b[c];
      }
    }
    for (int r = 2; r >= 0; --r) {
      double s = b[r];
      for (int q = r + 1; q < 3; ++q) s -= a[r][q] * x[q];
      x[r] = s / a[r][r];
    }
    return std::isfinite(x[0]) && std::isfinite(x[1]) && std::isfinite(x[2]);
  }

  StepLawFitOptions options_;
  Vector3 lower_, upper_;
  std::vector<double> log_n_, log_y_, y_;
};

}  // namespace

StepLawFit fit_step_law(std::span<const double> n, std::span<const double> loss,
                        const StepLawFitOptions& options) {
  if (n.size() != loss.size() || n.size() < 3) {
    fail("step law fit: needs at least 3 points with one loss each, got {} and {}", n.size(),
         loss.size());
  }
  for (size_t i = 0; i < n.size(); ++i) {
    if (!(n[i] > 0) || !(loss[i] > 0) || !std::isfinite(n[i]) || !std::isfinite(loss[i])) {
      fail("step law fit: point {} (n = {}, loss = {}): both must be finite and > 0", i, n[i],
           loss[i]);
    }
  }
  Problem problem(n, loss, options);
  StepLawFit best;
  best.objective = HUGE_VAL;
  for (double alpha : kAlphaGrid) {
    Vector3 t = problem.start(std::min(alpha, options.max_alpha));
    double cost = problem.solve(t) / static_cast<double>(n.size());
    if (cost < best.objective) best = {t[0], t[1], t[2], cost};
  }
  if (!std::isfinite(best.objective)) fail("step law fit: no start reached a finite objective");
  return best;
}

}  // namespace cuvee
