#include "cuvee/study/schedules.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

uint64_t fraction_of(uint64_t steps, double fraction, uint64_t least) {
  return std::max<uint64_t>(least, static_cast<uint64_t>(std::llround(fraction * steps)));
}

}  // namespace

std::vector<std::string> policy_settings(const std::string& policy, uint64_t steps,
                                         uint64_t eval_every) {
  if (policy == "odm") {
    // The released scripts warm up for 2% of the run (2000 of 100k steps); SPEC's default 1%.
    return {"mixing.policy=odm",
            fmt::format("mixing.warmup_steps={}", fraction_of(steps, 0.01, 1))};
  }
  if (policy == "ado") {
    // ADO starts at 1% of 100k steps and refits every 1%. Its fits subsample the history every
    // 10 steps and need 4 points, so short runs start later (30%) and refit every 10%; the
    // smoothing window spans 10% of the run (odd, at least 5).
    uint64_t window = std::max<uint64_t>(5, steps / 10) | 1;
    return {"mixing.policy=ado", fmt::format("mixing.start_step={}", fraction_of(steps, 0.3, 50)),
            fmt::format("mixing.refit_every={}", fraction_of(steps, 0.1, 1)),
            fmt::format("mixing.ignore_steps={}", fraction_of(steps, 0.02, 1)),
            fmt::format("mixing.smooth_window={}", window)};
  }
  if (policy == "velocitune") {
    // Velocitune updates at every evaluation.
    return {"mixing.policy=velocitune", fmt::format("mixing.every={}", eval_every)};
  }
  fail("no schedule for policy '{}'", policy);
}

}  // namespace cuvee::study
