// cuvee law cv: k-fold cross-validation of a law over whole runs (unseen mixtures).
#include <cstdio>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/laws/cross_validation.h"

namespace cuvee::cli {
namespace {

struct CvArgs {
  std::string law, data, out;
  size_t folds = 5;
  uint64_t fold_seed = 0;
  std::optional<double> step;
  double proportion_tolerance = 1e-3;
  bool json = false;
  TableFitOptions options;
  std::vector<std::string> bounds;
};

void run_cv(CvArgs& args) {
  for (const auto& spec : args.bounds) args.options.fit.bounds.insert(parse_bound(spec));
  auto table = read_observations(args.data, {args.proportion_tolerance});
  if (args.step) table = table.at_step(*args.step);
  auto cv = cross_validate(args.law, table, args.options, args.folds, args.fold_seed);
  if (!args.out.empty()) {
    CsvTable out = table.csv;
    const size_t m = table.loss_domains.size();
    for (size_t row = 0; row < table.rows(); ++row) {
      for (size_t d = 0; d < m; ++d) {
        double value = cv.predictions[row * m + d];
        out.rows[row][table.loss_columns[d]] = std::isnan(value) ? "" : format_number(value);
      }
    }
    write_file_atomic(args.out, format_csv(out));
  }
  std::string text;
  if (args.json) {
    nlohmann::json folds = nlohmann::json::array();
    for (const auto& fold : cv.folds) folds.push_back(evaluation_json(fold));
    nlohmann::json json = evaluation_json(cv.pooled);
    json["folds"] = folds;
    text = json.dump(2) + "\n";
  } else {
    text = fmt::format("{}-fold cross-validation of {} over the runs of {} (out-of-fold):\n",
                       args.folds, args.law, args.data) +
           format_evaluation(cv.pooled);
  }
  std::fputs(text.c_str(), stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<CvArgs>();
  app.add_option("--law", args->law, "bimix, exponential, step, chinchilla or linear")->required();
  app.add_option("--data", args->data, "Observation table")->required();
  app.add_option("--folds", args->folds, "Folds (whole runs each)")->capture_default_str();
  app.add_option("--fold-seed", args->fold_seed, "Seed of the run shuffle")->capture_default_str();
  app.add_option("--out", args->out, "The table with its loss cells predicted out of fold (CSV)");
  app.add_flag("--json", args->json,
               "Print JSON (pooled metrics and each fold's) instead of a table");
  app.add_option("--huber", args->options.fit.huber,
                 "Huber loss with this delta (0: least squares)");
  app.add_flag("--log-loss", args->options.fit.log_loss, "Fit residuals in log space");
  app.add_option("--step", args->step, "Use only the rows at this step");
  app.add_option("--starts", args->options.fit.starts, "Starts of each fit (0: the law's grid)");
  app.add_option("--seed", args->options.fit.seed, "Seed of the random starts beyond the grid");
  app.add_option("--ridge", args->options.fit.ridge, "Ridge penalty of the linear law")
      ->capture_default_str();
  app.add_option("--bound", args->bounds, "Bound on a parameter, name=lower:upper; repeatable");
  app.add_flag("--skip-zero-proportions", args->options.skip_zero_proportions,
               "bimix: leave out of each domain's fit the rows where its proportion is 0");
  app.add_option("--proportion-tolerance", args->proportion_tolerance,
                 "Largest accepted |sum of a row's proportions - 1|")
      ->capture_default_str();
  app.add_option("--threads", args->options.fit.threads,
                 "Threads running the starts (0: all cores)");
  return [args] { run_cv(*args); };
}

const Registration registration("law cv", "Cross-validate a law over the runs of a table", setup);

}  // namespace
}  // namespace cuvee::cli
