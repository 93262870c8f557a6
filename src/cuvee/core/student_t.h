// Student's t distribution, for confidence intervals over a handful of seeds: its upper tail
// probability through the regularized incomplete beta function (a continued fraction,
// evaluated by the modified Lentz method), and its quantile by bisection on that tail, so that
// quantiles near 1 keep their precision. Tested against SciPy's stats.t (tests/core).
#pragma once

namespace cuvee {

// P(T > t) for T ~ Student's t with `dof` degrees of freedom (dof > 0, any real t).
double student_t_upper_tail(double t, double dof);

// The t with P(T ≤ t) = p, for p in (0, 1) and dof > 0: student_t_quantile(0.975, n − 1) is the
// half-width factor of a two-sided 95% interval of a mean over n values.
double student_t_quantile(double p, double dof);

}  // namespace cuvee
