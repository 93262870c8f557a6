// cuvee law eval: how well a fit predicts an observation table, per domain and on average.
#include <cstdio>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/laws/law_fit.h"
#include "cuvee/laws/metrics.h"

namespace cuvee::cli {
namespace {

struct EvalArgs {
  std::string fit, data;
  std::optional<double> step;
  double proportion_tolerance = 1e-3;
  bool json = false;
};

void run_eval(const EvalArgs& args) {
  auto fit = read_law_fit(args.fit);
  auto table = read_observations(args.data, {args.proportion_tolerance});
  if (args.step) table = table.at_step(*args.step);
  auto evaluation = evaluate(table.loss_domains, table.losses, predict_observations(fit, table));
  std::string text =
      args.json ? evaluation_json(evaluation).dump(2) + "\n" : format_evaluation(evaluation);
  std::fputs(text.c_str(), stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<EvalArgs>();
  app.add_option("--fit", args->fit, "Fit file (from cuvee law fit)")->required();
  app.add_option("--data", args->data, "Observation table to evaluate on")->required();
  app.add_option("--step", args->step, "Evaluate only the rows at this step");
  app.add_flag("--json", args->json, "Print JSON instead of a table");
  app.add_option("--proportion-tolerance", args->proportion_tolerance,
                 "Largest accepted |sum of a row's proportions - 1|")
      ->capture_default_str();
  return [args] { run_eval(*args); };
}

const Registration registration(
    "law eval", "Relative error, MSE, R2 on log loss and Spearman of a fit on a table", setup);

}  // namespace
}  // namespace cuvee::cli
