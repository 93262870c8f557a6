#include "cuvee/laws/optimize_request.h"

#include <algorithm>
#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/mixture.h"

namespace cuvee {

namespace {

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

}  // namespace

OptimizeOptions resolve_optimize_request(const LawFit& fit, const OptimizeRequest& request) {
  const auto& domains = fit.proportion_domains;
  OptimizeOptions options;
  options.step = request.step;
  if (!request.domain_weights.empty()) {
    options.domain_weights.assign(fit.loss_domains.size(), 0.0);
    auto weights = Mixture::parse(request.domain_weights);
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
  apply_specs(request.floors, domains, "--floor", options.bounds.floors);
  apply_specs(request.caps, domains, "--cap", options.bounds.caps);
  std::vector<double> tokens;
  if (!request.train_tokens.empty()) {
    for (const auto& domain : domains) {
      auto it = request.train_tokens.find(domain);
      if (it == request.train_tokens.end()) {
        fail("--manifest: no domain '{}' among the manifests given", domain);
      }
      tokens.push_back(it->second);
    }
  }
  if (request.max_epochs || request.total_tokens) {
    if (!request.max_epochs || tokens.empty() || !request.total_tokens) {
      fail("caps from token availability need all of --max-epochs, --manifest and --total-tokens");
    }
    auto caps = epoch_caps(tokens, *request.max_epochs, *request.total_tokens);
    for (size_t j = 0; j < domains.size(); ++j) {
      options.bounds.caps[j] = std::min(options.bounds.caps[j], caps[j]);
    }
  }
  if (request.search == "regmix") {
    options.candidates = request.candidates;
    options.top_k = request.top_k;
    options.seed = request.seed;
    if (request.candidates == 0) fail("--candidates must be at least 1");
    if (!request.prior.empty()) {
      options.prior = Mixture::parse(request.prior).weights_for(domains);
    } else if (!tokens.empty()) {
      // RegMix's prior: the natural token distribution, tempered by a square root.
      for (double t : tokens) options.prior.push_back(std::sqrt(std::max(t, 1.0)));
    } else {
      // Where the proxy runs were: the mean of the fitted rows' proportions (a domain never
      // trained on gets a small share rather than none, so Dirichlet stays defined).
      for (double p : fit.proportion_mean) options.prior.push_back(std::max(p, 1e-6));
    }
  } else if (request.search != "exact") {
    fail("--search '{}': expected exact or regmix", request.search);
  } else if (!request.prior.empty()) {
    fail("--prior applies to --search regmix only");
  }
  return options;
}

MixtureFile law_mixture_file(const LawFit& fit, const std::filesystem::path& fit_path,
                             const OptimizeOptions& options, const OptimizedMixture& result) {
  const auto& domains = fit.proportion_domains;
  nlohmann::json predicted = nlohmann::json::object(), weights = nlohmann::json::object();
  for (size_t i = 0; i < fit.loss_domains.size(); ++i) {
    double p = result.predicted_losses[i];
    predicted[fit.loss_domains[i]] = std::isnan(p) ? nlohmann::json(nullptr) : nlohmann::json(p);
    weights[fit.loss_domains[i]] = options.domain_weights.empty() ? 1.0 : options.domain_weights[i];
  }
  return {"law",
          Mixture{domains, result.proportions},
          {{"law", fit.law},
           {"fit", {{"path", fit_path.string()}, {"xxh3", file_hash(fit_path)}}},
           {"step", options.step},
           {"optimizer", result.method},
           {"candidates", options.candidates},
           {"accepted_candidates", result.accepted_candidates},
           {"top_k", options.candidates > 0 ? options.top_k : 0},
           {"seed", options.seed},
           {"domain_weights", weights},
           {"floors", Mixture{domains, options.bounds.floors}.to_json()},
           {"caps", Mixture{domains, options.bounds.caps}.to_json()},
           {"predicted_losses", predicted},
           {"objective", result.objective}}};
}

}  // namespace cuvee
