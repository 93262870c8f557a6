// cuvee law fit: fits a mixing law to every loss domain of an observation table.
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/law_fit_inputs.h"

namespace cuvee::cli {
namespace {

struct FitArgs {
  LawFitInputs inputs;
  std::string out;
};

void run_fit(FitArgs& args) {
  auto table = args.inputs.table();
  auto fit = fit_observations(args.inputs.law, table, args.inputs.options);
  write_law_fit(args.out, fit);
  std::string text =
      fmt::format("{} on {} ({} rows) -> {}\n", fit.law, args.inputs.data, table.rows(), args.out);
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
  args->inputs.add_options(app);
  app.add_option("--out", args->out, "Fit file to write (JSON)")->required();
  return [args] { run_fit(*args); };
}

const Registration registration("law fit", "Fit a mixing law to an observation table", setup);

}  // namespace
}  // namespace cuvee::cli
