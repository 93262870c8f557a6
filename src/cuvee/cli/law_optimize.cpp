// cuvee law optimize: the mixture minimising a fit's weighted predicted loss at a step,
// within floors and caps (explicit, or from token availability × epochs).
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/csv.h"
#include "cuvee/core/mixture_file.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/laws/optimize_request.h"

namespace cuvee::cli {
namespace {

struct OptimizeArgs {
  std::string fit, out;
  OptimizeRequest request;
  std::vector<std::filesystem::path> manifests;
};

void run_optimize(OptimizeArgs& args) {
  auto fit = read_law_fit(args.fit);
  for (const auto& dir : find_domains(args.manifests)) {
    auto manifest = read_domain_manifest(dir);
    args.request.train_tokens[manifest.name] = static_cast<double>(manifest.train.tokens);
  }
  auto options = resolve_optimize_request(fit, args.request);
  auto result = optimize_mixture(fit, options);

  Mixture mixture{fit.proportion_domains, result.proportions};
  std::string text = fmt::format("{} ({}) at step {}: predicted weighted loss {:.6f}\n{}\n",
                                 fit.law, result.method, format_number(options.step),
                                 result.objective, mixture.to_string());
  for (size_t i = 0; i < fit.loss_domains.size(); ++i) {
    text += fmt::format("  loss.{:<24} {:.6f}\n", fit.loss_domains[i], result.predicted_losses[i]);
  }
  std::fputs(text.c_str(), stdout);
  if (!args.out.empty())
    write_mixture_file(args.out, law_mixture_file(fit, args.fit, options, result));
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<OptimizeArgs>();
  app.add_option("--fit", args->fit, "Fit file (from cuvee law fit)")->required();
  app.add_option("--step", args->request.step, "Target step S of the run the mixture is for")
      ->required();
  app.add_option("--domain-weights", args->request.domain_weights,
                 "Weights c of the loss domains, a=1,b=2 (unnamed: 0; default: all equal)");
  app.add_option("--cap", args->request.caps, "Upper bounds on proportions, d=x[,e=y]; repeatable");
  app.add_option("--floor", args->request.floors,
                 "Lower bounds on proportions, d=x[,e=y]; repeatable");
  app.add_option("--max-epochs", args->request.max_epochs,
                 "Cap each domain at its train tokens x this / --total-tokens");
  app.add_option("--manifest", args->manifests,
                 "Domain folders (or folders of domains) whose "
                 "manifests give the train tokens");
  app.add_option("--total-tokens", args->request.total_tokens, "Tokens the target run trains on");
  app.add_option("--search", args->request.search,
                 "exact (closed form or projected gradient) or regmix (mean of the top-k of "
                 "sampled candidates)")
      ->capture_default_str();
  app.add_option("--candidates", args->request.candidates, "regmix: candidate mixtures to draw")
      ->capture_default_str();
  app.add_option("--top-k", args->request.top_k, "regmix: candidates averaged")
      ->capture_default_str();
  app.add_option("--prior", args->request.prior,
                 "regmix: Dirichlet prior, d=x,... (default: sqrt of --manifest tokens, else "
                 "the mean proportions of the fitted runs)");
  app.add_option("--seed", args->request.seed, "regmix: seed of the candidates")
      ->capture_default_str();
  app.add_option("--out", args->out, "Mixture file to write (JSON)");
  return [args] { run_optimize(*args); };
}

const Registration registration("law optimize",
                                "The mixture that minimises a fit's weighted predicted loss",
                                setup);

}  // namespace
}  // namespace cuvee::cli
