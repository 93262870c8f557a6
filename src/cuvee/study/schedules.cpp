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
                                         uint64_t eval_every, double odm_epsilon_reference_steps) {
  if (policy == "odm") {
    // The released scripts warm up for 2% of the run (2000 of 100k steps).
    std::vector<std::string> sets{
        "mixing.policy=odm", fmt::format("mixing.warmup_steps={}", fraction_of(steps, 0.02, 1))};
    if (odm_epsilon_reference_steps > 0) {
      // ε's schedule as a run of that many steps has it at the same fraction of training.
      sets.push_back(fmt::format("mixing.epsilon_time_scale={}",
                                 odm_epsilon_reference_steps / static_cast<double>(steps)));
    }
    return sets;
  }
  if (policy == "ado") {
    // The released runs (60k steps) start at 500, ignore 1000 and refit every 1000 steps. Their
    // fits subsample the history every 10 steps and need 4 points past ignore_steps, so short
    // runs refit every 10% and start at 30% (at a refit: the released code refits only at
    // multiples of the interval); the smoothing window spans 10% of the run (odd, at least 5).
    uint64_t refit = fraction_of(steps, 0.1, 1);
    uint64_t ignore = fraction_of(steps, 0.02, 1);
    uint64_t earliest = std::max<uint64_t>(fraction_of(steps, 0.3, 1), ignore + 31);
    uint64_t start = (earliest + refit - 1) / refit * refit;
    uint64_t window = std::max<uint64_t>(5, steps / 10) | 1;
    return {"mixing.policy=ado", fmt::format("mixing.start_step={}", start),
            fmt::format("mixing.refit_every={}", refit),
            fmt::format("mixing.ignore_steps={}", ignore),
            fmt::format("mixing.smooth_window={}", window)};
  }
  if (policy == "velocitune") {
    // Velocitune updates at every evaluation.
    return {"mixing.policy=velocitune", fmt::format("mixing.every={}", eval_every)};
  }
  fail("no schedule for policy '{}'", policy);
}

}  // namespace cuvee::study
