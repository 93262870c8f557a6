#include "cuvee/study/bimix_quality.h"

#include "cuvee/laws/law_fit.h"
#include "cuvee/laws/metrics.h"
#include "cuvee/laws/observations.h"

namespace cuvee::study {

namespace fs = std::filesystem;

BimixQuality bimix_quality(const BimixFolder& folder, const std::vector<fs::path>& proxy_tables,
                           const std::vector<fs::path>& bimix_tables, uint64_t proxy_steps) {
  BimixQuality quality;
  {
    LawFit fit = read_law_fit(folder.extrapolation_fit());
    ObservationTable held = read_observations(folder.extrapolation_held_out());
    auto predicted = predict_observations(fit, held);
    quality.extrapolation_rel_error =
        evaluate(held.loss_domains, held.losses, predicted).mean.mean_relative_error;
  }
  LawFit fit = read_law_fit(folder.fit());
  const double window = static_cast<double>(proxy_steps);
  std::vector<double> observed, predicted_all;
  std::vector<std::string> loss_domains;
  auto check = [&](const fs::path& table_path, double after_step) {
    ObservationTable all = read_observations(table_path);
    std::vector<size_t> rows;
    for (size_t r = 0; r < all.rows(); ++r) {
      if (all.steps[r] > after_step) rows.push_back(r);
    }
    if (rows.empty()) return;
    ObservationTable table = all.select(rows);
    auto predicted = predict_observations(fit, table);
    loss_domains = table.loss_domains;
    std::vector<std::pair<double, double>> points;
    for (size_t i = 0; i < predicted.size(); ++i)
      points.emplace_back(predicted[i], table.losses[i]);
    quality.points.emplace_back(table.runs[0], std::move(points));
    observed.insert(observed.end(), table.losses.begin(), table.losses.end());
    predicted_all.insert(predicted_all.end(), predicted.begin(), predicted.end());
  };
  for (const auto& table : proxy_tables) check(table, window);
  for (const auto& table : bimix_tables) check(table, 0.0);
  auto evaluation = evaluate(loss_domains, observed, predicted_all);
  quality.r2_log = evaluation.mean.r2_log;
  quality.future_rel_error = evaluation.mean.mean_relative_error;
  return quality;
}

}  // namespace cuvee::study
