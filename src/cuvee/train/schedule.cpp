#include "cuvee/train/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace cuvee {

LrSchedule lr_schedule(const TrainConfig& config) {
  return {config.lr,    config.min_lr,   config.warmup_steps,
          config.steps, config.schedule, config.decay_steps()};
}

double LrSchedule::at(uint64_t step) const {
  if (step <= warmup_steps) {
    return lr * static_cast<double>(step) / static_cast<double>(warmup_steps);
  }
  if (step >= steps) return min_lr;
  if (shape == LrShape::wsd) {
    const uint64_t decay_start = steps - std::min(decay_steps, steps - warmup_steps);
    if (step <= decay_start) return lr;
    const double progress =
        static_cast<double>(step - decay_start) / static_cast<double>(steps - decay_start);
    return lr + (min_lr - lr) * progress;
  }
  double progress =
      static_cast<double>(step - warmup_steps) / static_cast<double>(steps - warmup_steps);
  return min_lr + 0.5 * (lr - min_lr) * (1.0 + std::cos(std::numbers::pi * progress));
}

}  // namespace cuvee
