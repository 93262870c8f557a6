// The learning rate of each step: linear warm-up from 0 to `lr` over the first warmup_steps
// steps, then cosine decay from `lr` to `min_lr` at step `steps`; `min_lr` after that.
#pragma once

#include <cstdint>

namespace cuvee {

struct LrSchedule {
  double lr = 1e-3;
  double min_lr = 1e-4;
  uint64_t warmup_steps = 0;
  uint64_t steps = 1;
  // Step numbers are 1-based: step 1 is the first update.
  double at(uint64_t step) const;
};

}  // namespace cuvee
