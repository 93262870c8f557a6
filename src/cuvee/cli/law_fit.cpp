// cuvee law fit: fits a mixing law to every loss domain of an observation table.
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/json_file.h"
#include "cuvee/laws/law_fit.h"

namespace cuvee::cli {
namespace {

struct FitArgs {
  std::string law, data, out;
  std::optional<double> step;
  double proportion_tolerance = 1e-3;
  TableFitOptions options;
  std::vector<std::string> bounds;
};

void run_fit(FitArgs& args) {
  for (const auto& spec : args.bounds) args.options.fit.bounds.insert(parse_bound(spec));
  auto table = read_observations(args.data, {args.proportion_tolerance});
  if (args.step) table = table.at_step(*args.step);
  auto fit = fit_observations(args.law, table, args.options);
  write_json(args.out, fit.to_json());
  std::string text =
      fmt::format("{} on {} ({} rows) -> {}\n", fit.law, args.data, table.rows(), args.out);
  for (size_t d = 0; d < fit.loss_domains.size(); ++d) {
    const auto& f = fit.fits[d];
    text +=
        fmt::format("  {:<24} objective {:.6e}  rmse {:.4e}  points {}  best start {}/{}\n",
                    fit.loss_domains[d], f.objective, f.rmse, f.points, f.best_start + 1, f.starts);
  }
  std::fputs(text.c_str(), stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<FitArgs>();
  app.add_option("--law", args->law, "bimix, exponential, step, chinchilla or linear")->required();
  app.add_option("--data", args->data,
                 "Observation table (run,step,p.<domain>...,loss.<domain>...)")
      ->required();
  app.add_option("--out", args->out, "Fit file to write (JSON)")->required();
  app.add_option("--huber", args->options.fit.huber,
                 "Huber loss with this delta (0: plain least squares)");
  app.add_flag("--log-loss", args->options.fit.log_loss,
               "Fit residuals log(prediction) - log(loss) instead of prediction - loss");
  app.add_option("--step", args->step, "Fit only the rows at this step");
  app.add_option("--starts", args->options.fit.starts,
                 "Starts of the multi-start fit (0: the law's grid)");
  app.add_option("--seed", args->options.fit.seed, "Seed of the random starts beyond the grid");
  app.add_option("--ridge", args->options.fit.ridge, "Ridge penalty of the linear law")
      ->capture_default_str();
  app.add_option("--bound", args->bounds,
                 "Bound on a parameter, name=lower:upper (a side may be empty); repeatable");
  app.add_option("--max-iterations", args->options.fit.max_iterations,
                 "Levenberg-Marquardt iterations per start")
      ->capture_default_str();
  app.add_flag("--skip-zero-proportions", args->options.skip_zero_proportions,
               "bimix: leave out of each domain's fit the rows where its proportion is 0");
  app.add_option("--proportion-tolerance", args->proportion_tolerance,
                 "Largest accepted |sum of a row's proportions - 1|")
      ->capture_default_str();
  app.add_option("--threads", args->options.fit.threads,
                 "Threads running the starts (0: all cores)");
  return [args] { run_fit(*args); };
}

const Registration registration("law fit", "Fit a mixing law to an observation table", setup);

}  // namespace
}  // namespace cuvee::cli
