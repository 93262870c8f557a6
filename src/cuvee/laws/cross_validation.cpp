#include "cuvee/laws/cross_validation.h"

#include <limits>

#include "cuvee/laws/split.h"

namespace cuvee {

CrossValidation cross_validate(std::string_view law, const ObservationTable& table,
                               const TableFitOptions& options, size_t folds, uint64_t seed) {
  const size_t m = table.loss_domains.size();
  CrossValidation result;
  result.predictions.assign(table.rows() * m, std::numeric_limits<double>::quiet_NaN());
  for (size_t fold = 0; fold < folds; ++fold) {
    auto split = split_fold(table, fold, folds, seed);
    auto fit = fit_observations(law, table.select(split.fit), options);
    auto held = table.select(split.held);
    auto predictions = predict_observations(fit, held);
    for (size_t i = 0; i < split.held.size(); ++i) {
      for (size_t d = 0; d < m; ++d)
        result.predictions[split.held[i] * m + d] = predictions[i * m + d];
    }
    result.folds.push_back(evaluate(table.loss_domains, held.losses, predictions));
  }
  result.pooled = evaluate(table.loss_domains, table.losses, result.predictions);
  return result;
}

}  // namespace cuvee
