#include "cuvee/core/student_t.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

// Closed forms: one degree of freedom is the Cauchy distribution, two have t = (2p − 1)/√(2p(1−p)).
TEST(StudentT, ClosedFormsForOneAndTwoDegreesOfFreedom) {
  for (double p : {0.6, 0.9, 0.95, 0.975, 0.995, 0.9999}) {
    EXPECT_NEAR(student_t_quantile(p, 1), std::tan(std::numbers::pi * (p - 0.5)),
                1e-12 * std::tan(std::numbers::pi * (p - 0.5)))
        << p;
    double two = (2 * p - 1) / std::sqrt(2 * p * (1 - p));
    EXPECT_NEAR(student_t_quantile(p, 2), two, 1e-12 * two) << p;
  }
}

TEST(StudentT, SymmetricAndMonotone) {
  EXPECT_EQ(student_t_quantile(0.5, 3), 0);
  EXPECT_DOUBLE_EQ(student_t_quantile(0.025, 4), -student_t_quantile(0.975, 4));
  EXPECT_DOUBLE_EQ(student_t_upper_tail(0, 7), 0.5);
  EXPECT_NEAR(student_t_upper_tail(-1.5, 7), 1 - student_t_upper_tail(1.5, 7), 1e-15);
  double previous = -1;
  for (double p = 0.51; p < 1; p += 0.01) {
    double t = student_t_quantile(p, 2.5);
    EXPECT_GT(t, previous);
    EXPECT_NEAR(1 - student_t_upper_tail(t, 2.5), p, 1e-13);
    previous = t;
  }
  // Many degrees of freedom approach the normal's 1.959963984540054.
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959963984540054, 1e-6);
}

TEST(StudentT, RefusesWhatHasNoQuantile) {
  EXPECT_THROW(student_t_quantile(0, 3), Error);
  EXPECT_THROW(student_t_quantile(1, 3), Error);
  EXPECT_THROW(student_t_quantile(std::nan(""), 3), Error);
  EXPECT_THROW(student_t_quantile(0.9, 0), Error);
  EXPECT_THROW(student_t_quantile(0.9, -2), Error);
  EXPECT_THROW(student_t_upper_tail(1, std::nan("")), Error);
  try {
    student_t_quantile(0.975, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("degrees of freedom"), std::string::npos);
  }
}

// Against SciPy's stats.t (Debian's python3-scipy), over the probabilities and degrees of freedom
// that intervals over seeds use, and fractional ones. SciPy's ppf is accurate to about 1e-9
// (its own sf at its quantile misses 1 − p by up to 2e-11 where ours meets it to 1e-16), so the
// quantiles are compared to 1e-8 and the tail, which the quantile inverts, to 1e-11 (at 1000
// degrees of freedom the log-gamma terms, about 2600, cancel to a few 1e-13).
TEST(StudentT, AgreesWithScipy) {
  const std::vector<double> ps = {0.55, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9999};
  const std::vector<double> ts = {0.3, 1.5, 4, 12};
  const std::vector<double> dofs = {1,  2,  3,  4,  5,   6,    7,   9,   10,  15,
                                    19, 29, 30, 50, 100, 1000, 0.5, 1.5, 2.5, 7.25};
  auto list = [](const std::vector<double>& values) {
    std::string text;
    for (double v : values) text += fmt::format("{},", v);
    return text;
  };
  std::string command = fmt::format(
      "/usr/bin/python3 -c \"from scipy import stats\n"
      "for d in [{}]:\n"
      "  print(*[repr(stats.t.ppf(p, d)) for p in [{}]])\n"
      "  print(*[repr(stats.t.sf(t, d)) for t in [{}]])\"",
      list(dofs), list(ps), list(ts));
  std::FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  ASSERT_EQ(::pclose(pipe), 0) << "python3-scipy is needed (scripts/bootstrap installs it)\n"
                               << output;
  std::istringstream lines(output);
  for (double dof : dofs) {
    for (double p : ps) {
      double scipy_quantile = 0;
      ASSERT_TRUE(lines >> scipy_quantile) << output;
      EXPECT_NEAR(student_t_quantile(p, dof), scipy_quantile, 1e-8 * std::fabs(scipy_quantile))
          << "p " << p << ", dof " << dof;
    }
    for (double t : ts) {
      double scipy_tail = 0;
      ASSERT_TRUE(lines >> scipy_tail) << output;
      EXPECT_NEAR(student_t_upper_tail(t, dof), scipy_tail, 1e-11 * scipy_tail)
          << "t " << t << ", dof " << dof;
    }
  }
}

}  // namespace
}  // namespace cuvee
