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

// Warm-up over 10 steps, constant to step 80, then linear to min_lr at 100.
TEST(LrSchedule, WarmupStableDecay) {
  LrSchedule s{1.0, 0.1, 10, 100, LrShape::wsd, 20};
  EXPECT_EQ(s.decay_steps, 20u);
  EXPECT_DOUBLE_EQ(s.at(5), 0.5);
  EXPECT_DOUBLE_EQ(s.at(10), 1.0);
  for (uint64_t step = 11; step <= 80; ++step) EXPECT_DOUBLE_EQ(s.at(step), 1.0) << step;
  EXPECT_DOUBLE_EQ(s.at(81), 1.0 - 0.9 / 20);
  EXPECT_DOUBLE_EQ(s.at(90), 0.55);
  EXPECT_DOUBLE_EQ(s.at(100), 0.1);
  EXPECT_DOUBLE_EQ(s.at(200), 0.1);
  for (uint64_t step = 80; step < 100; ++step) EXPECT_GT(s.at(step), s.at(step + 1));
}

// Before its decay a run's rates are those of any longer run's: a prefix of the long run is the
// short run up to where the short one decays.
TEST(LrSchedule, WsdPrefixDoesNotDependOnTheLength) {
  LrSchedule short_run{2e-3, 2e-4, 30, 600, LrShape::wsd, 120};
  LrSchedule long_run{2e-3, 2e-4, 30, 1200, LrShape::wsd, 240};
  for (uint64_t step = 1; step <= 480; ++step) EXPECT_EQ(short_run.at(step), long_run.at(step));
  EXPECT_LT(short_run.at(481), long_run.at(481));
}

// A decay longer than what follows the warm-up starts where the warm-up ends.
TEST(LrSchedule, WsdDecayNeverOverlapsTheWarmup) {
  LrSchedule s{1.0, 0.0, 10, 20, LrShape::wsd, 50};
  EXPECT_DOUBLE_EQ(s.at(10), 1.0);
  EXPECT_DOUBLE_EQ(s.at(15), 0.5);
  EXPECT_DOUBLE_EQ(s.at(20), 0.0);
}

// The config gives the schedule: its shape by name and the decay as a fraction of the steps.
TEST(LrSchedule, FromTheConfig) {
  TrainConfig config;
  config.data = {"d"};
  config.steps = 600;
  config.warmup_steps = 30;
  config.schedule = LrShape::wsd;
  config.decay_fraction = 0.25;
  LrSchedule s = lr_schedule(config);
  EXPECT_EQ(s.shape, LrShape::wsd);
  EXPECT_EQ(s.decay_steps, 150u);
  EXPECT_EQ(s.at(450), config.lr);
  EXPECT_LT(s.at(451), config.lr);
}

}  // namespace
}  // namespace cuvee
