// Splits of an observation table into rows to fit and rows held out, for the BiMix paper's
// two protocols (docs/laws.md) and for cross-validation:
//   - last steps: each run's last n steps held out (extrapolation in the step);
//   - runs: the named runs held out, every step (unseen mixtures);
//   - folds: the runs shuffled by a seed and dealt round-robin into k folds; fold i held out.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cuvee/laws/observations.h"

namespace cuvee {

struct RowSplit {
  std::vector<size_t> fit;   // row indices, in table order
  std::vector<size_t> held;  // row indices, in table order
};

RowSplit split_last_steps(const ObservationTable& table, size_t steps);
RowSplit split_runs(const ObservationTable& table, const std::vector<std::string>& runs);
RowSplit split_fold(const ObservationTable& table, size_t fold, size_t folds, uint64_t seed);

// The fold (0..folds−1) of every row: whole runs go to one fold.
std::vector<size_t> run_folds(const ObservationTable& table, size_t folds, uint64_t seed);

}  // namespace cuvee
