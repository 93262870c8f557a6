#include "cuvee/core/student_t.h"

#include <cmath>
#include <limits>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

// The continued fraction of I_x(a, b) (its even and odd terms), by the modified Lentz method;
// converges quickly for x < (a + 1) / (a + b + 2).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEpsilon) return h;
  }
  return h;  // not reached for the arguments the t distribution passes
}

// The regularized incomplete beta function I_x(a, b), x in [0, 1].
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

void check_dof(double dof) {
  if (!(dof > 0) || !std::isfinite(dof)) {
    fail("Student's t: degrees of freedom must be a finite number > 0, got {}", dof);
  }
}

}  // namespace

double student_t_upper_tail(double t, double dof) {
  check_dof(dof);
  if (std::isnan(t)) fail("Student's t: the point is not a number");
  if (t == 0) return 0.5;
  // P(|T| > |t|) = I_{dof/(dof+t²)}(dof/2, 1/2).
  const double x = dof / (dof + t * t);
  const double both_tails = incomplete_beta(0.5 * dof, 0.5, x);
  return t > 0 ? 0.5 * both_tails : 1.0 - 0.5 * both_tails;
}

double student_t_quantile(double p, double dof) {
  check_dof(dof);
  if (!(p > 0 && p < 1)) fail("Student's t: the probability must be in (0, 1), got {}", p);
  if (p == 0.5) return 0;
  if (p < 0.5) return -student_t_quantile(1.0 - p, dof);
  // Solve P(T > t) = 1 − p on the tail itself: 1 − CDF would lose the digits near p = 1.
  const double tail = 1.0 - p;
  double low = 0, high = 1;
  while (student_t_upper_tail(high, dof) > tail) {
    low = high;
    high *= 2;
    if (!std::isfinite(high)) return std::numeric_limits<double>::infinity();
  }
  for (int i = 0; i < 200 && high - low > 4 * std::numeric_limits<double>::epsilon() * high; ++i) {
    const double middle = 0.5 * (low + high);
    if (student_t_upper_tail(middle, dof) > tail) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return 0.5 * (low + high);
}

}  // namespace cuvee
