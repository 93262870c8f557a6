// cuvee law predict: the observation table with every loss cell replaced by the fit's
// prediction for that row's proportions and step.
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/laws/law_fit.h"

namespace cuvee::cli {
namespace {

struct PredictArgs {
  std::string fit, data, out;
  std::optional<double> step;
  double proportion_tolerance = 1e-3;
};

void run_predict(const PredictArgs& args) {
  auto fit = read_law_fit(args.fit);
  auto table = read_observations(args.data, {args.proportion_tolerance});
  if (args.step) table = table.at_step(*args.step);
  write_file_atomic(args.out, format_csv(predicted_table(fit, table)));
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  app.add_option("--fit", args->fit, "Fit file (from cuvee law fit)")->required();
  app.add_option("--data", args->data, "Observation table whose rows to predict")->required();
  app.add_option("--out", args->out, "The table with its loss cells predicted (CSV)")->required();
  app.add_option("--step", args->step, "Predict only the rows at this step");
  app.add_option("--proportion-tolerance", args->proportion_tolerance,
                 "Largest accepted |sum of a row's proportions - 1|")
      ->capture_default_str();
  return [args] { run_predict(*args); };
}

const Registration registration("law predict",
                                "Predict the loss cells of an observation table from a fit", setup);

}  // namespace
}  // namespace cuvee::cli
