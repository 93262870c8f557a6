// The learning rate of each step. Both shapes warm up linearly from 0 to `lr` over the first
// warmup_steps steps and end at `min_lr` at step `steps` (and stay there after it):
//   cosine  cosine decay from `lr` to `min_lr` over the rest of the run;
//   wsd     warmup-stable-decay: `lr` held constant, then a linear decay to `min_lr` over the last
//           decay_steps steps (Hu et al. 2024, MiniCPM, arXiv 2404.06395, §4; Hägele et al.
//           2024, arXiv 2405.18392). Before its decay a run's rates do not depend on its length,
//           so a prefix of a long run is the run a shorter schedule would have been, up to where
//           the shorter one starts to decay.
#pragma once

#include <cstdint>

#include "cuvee/run/config.h"

namespace cuvee {

struct LrSchedule {
  double lr = 1e-3;
  double min_lr = 1e-4;
  uint64_t warmup_steps = 0;
  uint64_t steps = 1;
  LrShape shape = LrShape::cosine;
  uint64_t decay_steps = 0;  // wsd: the final steps over which the rate decays
  // Step numbers are 1-based: step 1 is the first update.
  double at(uint64_t step) const;
};

// A run's schedule, as its config gives it.
LrSchedule lr_schedule(const TrainConfig& config);

}  // namespace cuvee
