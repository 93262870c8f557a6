// What `cuvee law optimize` asks for, by domain name as the user gives it, resolved against a
// fit into OptimizeOptions (optimize.h); and the mixture file (core/mixture_file.h, method
// "law") that records the result and how it was reached. The command is a thin wrapper over
// these two.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cuvee/core/mixture_file.h"
#include "cuvee/laws/law_fit.h"
#include "cuvee/laws/optimize.h"

namespace cuvee {

struct OptimizeRequest {
  double step = 0;             // the target step S
  std::string domain_weights;  // c over the loss domains, "a=1,b=2" (unnamed: 0); "": all equal
  std::vector<std::string> floors, caps;  // over the proportion domains, each "d=x[,e=y]"
  // Training tokens of each proportion domain (from the domains' manifests), by name: caps from
  // availability and RegMix's default prior use them. Empty: not given.
  std::map<std::string, double> train_tokens;
  std::optional<double> max_epochs, total_tokens;  // caps: tokens × max_epochs / total_tokens
  std::string search = "exact";                    // exact | regmix
  size_t candidates = 1000000, top_k = 100;        // regmix
  uint64_t seed = 0;                               // regmix
  std::string prior;  // regmix's Dirichlet prior "d=x,..."; "": from the tokens or the fit
};

// The options optimize_mixture() takes. Errors name the option at fault ("--floor a=0.1: ...").
OptimizeOptions resolve_optimize_request(const LawFit& fit, const OptimizeRequest& request);

// The mixture file of `result`, the optimum of the fit read from `fit_path` under `options`.
MixtureFile law_mixture_file(const LawFit& fit, const std::filesystem::path& fit_path,
                             const OptimizeOptions& options, const OptimizedMixture& result);

}  // namespace cuvee
