// The proportions a run trained with, from its metrics record (run/metrics.h): those of its last
// step, or the mean over all its steps (the run's time-averaged mixture, what observations.csv's
// p.<d> holds at its last evaluation). `cuvee mix export --run` reads them.
#pragma once

#include <filesystem>

#include "cuvee/core/mixture.h"

namespace cuvee {

enum class RunProportions { kFinal, kAverage };

// Errors name the run folder when it has no step yet.
Mixture run_proportions(const std::filesystem::path& run_folder, RunProportions which);

}  // namespace cuvee
