// cuvee law optimize: the mixture minimising a fit's weighted predicted loss at a step,
// within floors and caps (explicit, or from token availability × epochs).
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/json_file.h"
#include "cuvee/core/mixture.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/laws/optimize.h"

namespace cuvee::cli {
namespace {

struct OptimizeArgs {
  std::string fit, out, domain_weights, search = "exact", prior;
  double step = 0;
  size_t candidates = 1000000, top_k = 100;
  uint64_t seed = 0;
  std::vector<std::string> caps, floors;
  std::optional<double> max_epochs, total_tokens;
  std::vector<std::filesystem::path> manifests;
};

// Sets values[j] for every "domain=value" of the specs; the domains must be among `names`.
void apply_specs(const std::vector<std::string>& specs, const std::vector<std::string>& names,
                 const char* option, std::vector<double>& values) {
  for (const auto& spec : specs) {
    auto parsed = Mixture::parse(spec);
    for (size_t i = 0; i < parsed.size(); ++i) {
      auto it = std::find(names.begin(), names.end(), parsed.domains[i]);
      if (it == names.end()) {
        fail("{} {}: '{}' is not a proportion domain of the fit", option, spec, parsed.domains[i]);
      }
      values[static_cast<size_t>(it - names.begin())] = parsed.weights[i];
    }
  }
}

void run_optimize(const OptimizeArgs& args) {
  auto fit = read_law_fit(args.fit);
  const auto& domains = fit.proportion_domains;
  OptimizeOptions options;
  options.step = args.step;
  if (!args.domain_weights.empty()) {
    options.domain_weights.assign(fit.loss_domains.size(), 0.0);
    auto weights = Mixture::parse(args.domain_weights);
    for (size_t i = 0; i < weights.size(); ++i) {
      auto it = std::find(fit.loss_domains.begin(), fit.loss_domains.end(), weights.domains[i]);
      if (it == fit.loss_domains.end()) {
        fail("--domain-weights: '{}' is not a loss domain of the fit", weights.domains[i]);
      }
      options.domain_weights[static_cast<size_t>(it - fit.loss_domains.begin())] =
          weights.weights[i];
    }
  }
  options.bounds.floors.assign(domains.size(), 0.0);
  options.bounds.caps.assign(domains.size(), 1.0);
  apply_specs(args.floors, domains, "--floor", options.bounds.floors);
  apply_specs(args.caps, domains, "--cap", options.bounds.caps);
  std::vector<double> tokens;
  if (!args.manifests.empty()) {
    tokens.assign(domains.size(), -1);
    for (const auto& dir : find_domains(args.manifests)) {
      auto path = dir / "manifest.json";
      auto manifest = DomainManifest::from_json(read_json(path), path);
      auto it = std::find(domains.begin(), domains.end(), manifest.name);
      if (it != domains.end()) {
        tokens[static_cast<size_t>(it - domains.begin())] =
            static_cast<double>(manifest.train.tokens);
      }
    }
    for (size_t j = 0; j < domains.size(); ++j) {
      if (tokens[j] < 0) fail("--manifest: no domain '{}' among the manifests given", domains[j]);
    }
  }
  if (args.max_epochs || args.total_tokens) {
    if (!args.max_epochs || tokens.empty() || !args.total_tokens) {
      fail("caps from token availability need all of --max-epochs, --manifest and --total-tokens");
    }
    auto caps = epoch_caps(tokens, *args.max_epochs, *args.total_tokens);
    for (size_t j = 0; j < domains.size(); ++j) {
      options.bounds.caps[j] = std::min(options.bounds.caps[j], caps[j]);
    }
  }
  if (args.search == "regmix") {
    options.candidates = args.candidates;
    options.top_k = args.top_k;
    options.seed = args.seed;
    if (args.candidates == 0) fail("--candidates must be at least 1");
    if (!args.prior.empty()) {
      options.prior = Mixture::parse(args.prior).weights_for(domains);
    } else if (!tokens.empty()) {
      // RegMix's prior: the natural token distribution, tempered by a square root.
      for (double t : tokens) options.prior.push_back(std::sqrt(std::max(t, 1.0)));
    } else {
      // Where the proxy runs were: the mean of the fitted rows' proportions (a domain never
      // trained on gets a small share rather than none, so Dirichlet stays defined).
      for (double p : fit.proportion_mean) options.prior.push_back(std::max(p, 1e-6));
    }
  } else if (args.search != "exact") {
    fail("--search '{}': expected exact or regmix", args.search);
  } else if (!args.prior.empty()) {
    fail("--prior applies to --search regmix only");
  }
  auto result = optimize_mixture(fit, options);

  Mixture mixture{domains, result.proportions};
  std::string text =
      fmt::format("{} ({}) at step {}: predicted weighted loss {:.6f}\n{}\n", fit.law,
                  result.method, format_number(args.step), result.objective, mixture.to_string());
  for (size_t i = 0; i < fit.loss_domains.size(); ++i) {
    text += fmt::format("  loss.{:<24} {:.6f}\n", fit.loss_domains[i], result.predicted_losses[i]);
  }
  std::fputs(text.c_str(), stdout);
  if (!args.out.empty()) {
    nlohmann::json predicted = nlohmann::json::object(), weights = nlohmann::json::object();
    for (size_t i = 0; i < fit.loss_domains.size(); ++i) {
      double p = result.predicted_losses[i];
      predicted[fit.loss_domains[i]] = std::isnan(p) ? nlohmann::json(nullptr) : nlohmann::json(p);
      weights[fit.loss_domains[i]] =
          options.domain_weights.empty() ? 1.0 : options.domain_weights[i];
    }
    write_json(args.out, {{"format", "cuvee-mixture/1"},
                          {"method", "law"},
                          {"mixture", mixture.to_json()},
                          {"law", fit.law},
                          {"fit", {{"path", args.fit}, {"xxh3", file_hash(args.fit)}}},
                          {"step", args.step},
                          {"optimizer", result.method},
                          {"candidates", options.candidates},
                          {"accepted_candidates", result.accepted_candidates},
                          {"top_k", options.candidates > 0 ? options.top_k : 0},
                          {"seed", options.seed},
                          {"domain_weights", weights},
                          {"floors", Mixture{domains, options.bounds.floors}.to_json()},
                          {"caps", Mixture{domains, options.bounds.caps}.to_json()},
                          {"predicted_losses", predicted},
                          {"objective", result.objective}});
  }
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<OptimizeArgs>();
  app.add_option("--fit", args->fit, "Fit file (from cuvee law fit)")->required();
  app.add_option("--step", args->step, "Target step S of the run the mixture is for")->required();
  app.add_option("--domain-weights", args->domain_weights,
                 "Weights c of the loss domains, a=1,b=2 (unnamed: 0; default: all equal)");
  app.add_option("--cap", args->caps, "Upper bounds on proportions, d=x[,e=y]; repeatable");
  app.add_option("--floor", args->floors, "Lower bounds on proportions, d=x[,e=y]; repeatable");
  app.add_option("--max-epochs", args->max_epochs,
                 "Cap each domain at its train tokens x this / --total-tokens");
  app.add_option("--manifest", args->manifests,
                 "Domain folders (or folders of domains) whose "
                 "manifests give the train tokens");
  app.add_option("--total-tokens", args->total_tokens, "Tokens the target run trains on");
  app.add_option("--search", args->search,
                 "exact (closed form or projected gradient) or regmix (mean of the top-k of "
                 "sampled candidates)")
      ->capture_default_str();
  app.add_option("--candidates", args->candidates, "regmix: candidate mixtures to draw")
      ->capture_default_str();
  app.add_option("--top-k", args->top_k, "regmix: candidates averaged")->capture_default_str();
  app.add_option("--prior", args->prior,
                 "regmix: Dirichlet prior, d=x,... (default: sqrt of --manifest tokens, else "
                 "the mean proportions of the fitted runs)");
  app.add_option("--seed", args->seed, "regmix: seed of the candidates")->capture_default_str();
  app.add_option("--out", args->out, "Mixture file to write (JSON)");
  return [args] { run_optimize(*args); };
}

const Registration registration("law optimize",
                                "The mixture that minimises a fit's weighted predicted loss",
                                setup);

}  // namespace
}  // namespace cuvee::cli
