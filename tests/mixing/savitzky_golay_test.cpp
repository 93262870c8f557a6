#include "cuvee/mixing/savitzky_golay.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

TEST(SavitzkyGolay, WindowFiveOrderTwoCoefficients) {
  // The classic 5-point quadratic smoother: (−3, 12, 17, 12, −3)/35 at the centre.
  SavitzkyGolay smoother(5, 2);
  std::vector<double> series{0, 0, 1, 0, 0, 0, 0};
  EXPECT_NEAR(smoother.at(series, 2), 17.0 / 35, 1e-14);
  EXPECT_NEAR(smoother.at(series, 3), 12.0 / 35, 1e-14);
  EXPECT_NEAR(smoother.at(series, 4), -3.0 / 35, 1e-14);
}

TEST(SavitzkyGolay, KeepsCubicsExactlyIncludingTheEdges) {
  SavitzkyGolay smoother(101, 3);
  std::vector<double> series(300);
  for (size_t i = 0; i < series.size(); ++i) {
    double x = static_cast<double>(i) / 100;
    series[i] = 1 - 2 * x + 0.5 * x * x * x;
  }
  auto smoothed = smoother.smooth(series);
  for (size_t i = 0; i < series.size(); ++i) EXPECT_NEAR(smoothed[i], series[i], 1e-9) << i;
}

TEST(SavitzkyGolay, ShortSeriesUseAShorterWindow) {
  SavitzkyGolay smoother(101, 3);
  std::vector<double> three{1, 5, 2};  // 3 points cannot carry a cubic: unchanged
  EXPECT_EQ(smoother.smooth(three), three);
  std::vector<double> six{0, 1, 8, 27, 64, 125};  // window 5 keeps a cubic
  auto smoothed = smoother.smooth(six);
  for (size_t i = 0; i < six.size(); ++i) EXPECT_NEAR(smoothed[i], six[i], 1e-9);
  EXPECT_THROW(SavitzkyGolay(10, 3), Error);
  EXPECT_THROW(SavitzkyGolay(3, 3), Error);
}

}  // namespace
}  // namespace cuvee
