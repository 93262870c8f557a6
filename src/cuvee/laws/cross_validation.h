// k-fold cross-validation of a law over runs: every run's rows are predicted by the fit on
// the other folds' runs (unseen mixtures), and the metrics are computed on those
// out-of-fold predictions of the whole table.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "cuvee/laws/law_fit.h"
#include "cuvee/laws/metrics.h"
#include "cuvee/laws/observations.h"

namespace cuvee {

struct CrossValidation {
  std::vector<double> predictions;  // rows × the table's loss domains, out of fold
  Evaluation pooled;                // on all out-of-fold predictions
  std::vector<Evaluation> folds;    // on each fold's held-out rows
};

CrossValidation cross_validate(std::string_view law, const ObservationTable& table,
                               const TableFitOptions& options, size_t folds, uint64_t seed);

}  // namespace cuvee
