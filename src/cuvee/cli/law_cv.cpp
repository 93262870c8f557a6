// cuvee law cv: k-fold cross-validation of a law over whole runs (unseen mixtures).
#include <cstdio>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/law_fit_inputs.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/laws/cross_validation.h"

namespace cuvee::cli {
namespace {

struct CvArgs {
  LawFitInputs inputs;
  std::string out;
  size_t folds = 5;
  uint64_t fold_seed = 0;
  bool json = false;
};

void run_cv(CvArgs& args) {
  auto table = args.inputs.table();
  auto cv = cross_validate(args.inputs.law, table, args.inputs.options, args.folds, args.fold_seed);
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
                       args.folds, args.inputs.law, args.inputs.data) +
           format_evaluation(cv.pooled);
  }
  std::fputs(text.c_str(), stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<CvArgs>();
  args->inputs.add_options(app);
  app.add_option("--folds", args->folds, "Folds (whole runs each)")->capture_default_str();
  app.add_option("--fold-seed", args->fold_seed, "Seed of the run shuffle")->capture_default_str();
  app.add_option("--out", args->out, "The table with its loss cells predicted out of fold (CSV)");
  app.add_flag("--json", args->json,
               "Print JSON (pooled metrics and each fold's) instead of a table");
  return [args] { run_cv(*args); };
}

const Registration registration("law cv", "Cross-validate a law over the runs of a table", setup);

}  // namespace
}  // namespace cuvee::cli
