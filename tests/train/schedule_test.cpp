#include "cuvee/train/schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

namespace cuvee {
namespace {

TEST(LrSchedule, WarmsUpThenDecaysByCosine) {
  LrSchedule s{1.0, 0.1, 10, 110};
  EXPECT_DOUBLE_EQ(s.at(1), 0.1);
  EXPECT_DOUBLE_EQ(s.at(5), 0.5);
  EXPECT_DOUBLE_EQ(s.at(10), 1.0);
  EXPECT_DOUBLE_EQ(s.at(60), 0.55);  // halfway: min + (max − min)/2
  EXPECT_NEAR(s.at(35), 0.1 + 0.45 * (1 + std::cos(std::numbers::pi / 4)), 1e-15);
  EXPECT_DOUBLE_EQ(s.at(110), 0.1);
  EXPECT_DOUBLE_EQ(s.at(500), 0.1);
  for (uint64_t step = 11; step < 110; ++step) EXPECT_LT(s.at(step + 1), s.at(step));
}

TEST(LrSchedule, NoWarmup) {
  LrSchedule s{2.0, 0.0, 0, 4};
  EXPECT_NEAR(s.at(1), 1.0 + std::cos(std::numbers::pi / 4), 1e-15);
  EXPECT_NEAR(s.at(2), 1.0, 1e-15);
  EXPECT_DOUBLE_EQ(s.at(4), 0.0);
}

}  // namespace
}  // namespace cuvee
