// What `cuvee law fit` and `cuvee law cv` share: which law, which observation table (and step),
// and how to fit it — the options, declared once, and the table they select.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cuvee/laws/law_fit.h"

namespace cuvee::cli {

struct LawFitInputs {
  std::string law, data;
  std::optional<double> step;
  double proportion_tolerance = 1e-3;
  TableFitOptions options;
  std::vector<std::string> bounds;

  void add_options(CLI::App& app) {
    app.add_option("--law", law, "bimix, exponential, step, chinchilla or linear")->required();
    app.add_option("--data", data, "Observation table (run,step,p.<domain>...,loss.<domain>...)")
        ->required();
    app.add_option("--huber", options.fit.huber,
                   "Huber loss with this delta (0: plain least squares)");
    app.add_flag("--log-loss", options.fit.log_loss,
                 "Fit residuals log(prediction) - log(loss) instead of prediction - loss");
    app.add_option("--step", step, "Use only the rows at this step");
    app.add_option("--starts", options.fit.starts,
                   "Starts of the multi-start fit (0: the law's grid)");
    app.add_option("--seed", options.fit.seed, "Seed of the random starts beyond the grid");
    app.add_option("--ridge", options.fit.ridge, "Ridge penalty of the linear law")
        ->capture_default_str();
    app.add_option("--bound", bounds,
                   "Bound on a parameter, name=lower:upper (a side may be empty); repeatable");
    app.add_option("--max-iterations", options.fit.max_iterations,
                   "Levenberg-Marquardt iterations per start")
        ->capture_default_str();
    app.add_flag("--skip-zero-proportions", options.skip_zero_proportions,
                 "bimix: leave out of each domain's fit the rows where its proportion is 0");
    app.add_option("--proportion-tolerance", proportion_tolerance,
                   "Largest accepted |sum of a row's proportions - 1|")
        ->capture_default_str();
    app.add_option("--threads", options.fit.threads, "Threads running the starts (0: all cores)");
  }

  // Parses --bound into the fit options and reads the table, at --step if given.
  ObservationTable table() {
    for (const auto& spec : bounds) options.fit.bounds.insert(parse_bound(spec));
    auto table = read_observations(data, {proportion_tolerance});
    return step ? table.at_step(*step) : table;
  }
};

}  // namespace cuvee::cli
