// cuvee law split: rows to fit and rows held out, for the BiMix protocols (docs/laws.md).
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/usage_error.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/laws/split.h"

namespace cuvee::cli {
namespace {

struct SplitArgs {
  std::string data, fit_out, held_out, fold;
  size_t last_steps = 0;
  std::vector<std::string> runs;
  uint64_t seed = 0;
  double proportion_tolerance = 1e-3;
};

void run_split(const SplitArgs& args) {
  int ways = (args.last_steps > 0) + !args.runs.empty() + !args.fold.empty();
  if (ways != 1) usage_error("give exactly one of --last-steps, --runs and --fold");
  auto table = read_observations(args.data, {args.proportion_tolerance});
  RowSplit split;
  if (args.last_steps > 0) {
    split = split_last_steps(table, args.last_steps);
  } else if (!args.runs.empty()) {
    split = split_runs(table, args.runs);
  } else {
    size_t fold = 0, folds = 0;
    char tail = 0;
    if (std::sscanf(args.fold.c_str(), "%zu/%zu%c", &fold, &folds, &tail) != 2) {
      usage_error("--fold '{}': expected i/k, e.g. 0/5", args.fold);
    }
    split = split_fold(table, fold, folds, args.seed);
  }
  write_file_atomic(args.fit_out, format_csv(table.select(split.fit).csv));
  write_file_atomic(args.held_out, format_csv(table.select(split.held).csv));
  std::fputs(fmt::format("{} rows to fit -> {}\n{} rows held out -> {}\n", split.fit.size(),
                         args.fit_out, split.held.size(), args.held_out)
                 .c_str(),
             stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<SplitArgs>();
  app.add_option("--data", args->data, "Observation table to split")->required();
  app.add_option("--fit-out", args->fit_out, "Rows to fit (CSV)")->required();
  app.add_option("--held-out", args->held_out, "Rows held out (CSV)")->required();
  app.add_option("--last-steps", args->last_steps, "Hold out each run's last N steps");
  app.add_option("--runs", args->runs, "Hold out these runs, every step")->delimiter(',');
  app.add_option("--fold", args->fold, "Hold out fold i of k (whole runs, shuffled by --seed)");
  app.add_option("--seed", args->seed, "Seed of the fold shuffle")->capture_default_str();
  app.add_option("--proportion-tolerance", args->proportion_tolerance,
                 "Largest accepted |sum of a row's proportions - 1|")
      ->capture_default_str();
  return [args] { run_split(*args); };
}

const Registration registration("law split",
                                "Split an observation table into rows to fit and rows held out",
                                setup);

}  // namespace
}  // namespace cuvee::cli
