#include "cuvee/study/schedules.h"

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

TEST(Schedules, ScaleWithTheRunLength) {
  EXPECT_EQ(policy_settings("odm", 100000, 1000),
            (std::vector<std::string>{"mixing.policy=odm", "mixing.warmup_steps=2000"}));
  EXPECT_EQ(policy_settings("odm", 150, 15)[1], "mixing.warmup_steps=3");
  EXPECT_EQ(policy_settings("odm", 150, 15, 100000),
            (std::vector<std::string>{"mixing.policy=odm", "mixing.warmup_steps=3",
                                      "mixing.epsilon_time_scale=666.6666666666666"}));
  // ADO's first refit falls on a multiple of refit_every (the released code refits only there),
  // with rows 3, 13, ..., 43 (5 points) past ignore_steps.
  EXPECT_EQ(policy_settings("ado", 150, 15),
            (std::vector<std::string>{"mixing.policy=ado", "mixing.start_step=45",
                                      "mixing.refit_every=15", "mixing.ignore_steps=3",
                                      "mixing.smooth_window=15"}));
  EXPECT_EQ(policy_settings("ado", 1000, 100)[1], "mixing.start_step=300");
  EXPECT_EQ(policy_settings("ado", 600, 30)[1], "mixing.start_step=180");
  EXPECT_EQ(policy_settings("ado", 1000, 100)[4], "mixing.smooth_window=101");
  EXPECT_EQ(policy_settings("velocitune", 150, 15)[1], "mixing.every=15");
  EXPECT_THROW(policy_settings("doremi", 100, 10), Error);
}

}  // namespace
}  // namespace cuvee::study
