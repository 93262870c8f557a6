#include "cuvee/train/schedule.h"

#include <cmath>
#include <numbers>

namespace cuvee {

double LrSchedule::at(uint64_t step) const {
  if (step <= warmup_steps) {
    return lr * static_cast<double>(step) / static_cast<double>(warmup_steps);
  }
  if (step >= steps) return min_lr;
  double progress =
      static_cast<double>(step - warmup_steps) / static_cast<double>(steps - warmup_steps);
  return min_lr + 0.5 * (lr - min_lr) * (1.0 + std::cos(std::numbers::pi * progress));
}

}  // namespace cuvee
