// The study's continual-pretraining arm (docs/study.md), Velocitune's own setting: a base model
// trained on some domains (`continual.base`), then continued on every domain from the base
// model's weights (`cuvee train --init-from`) under natural and under Velocitune, whose ℓ_init
// is then the base model's loss. Each continued run is scored on the test split twice, over the
// study's targets only: those new to it (what continuing should teach) and those of the base
// (retention: what it should not forget). Velocitune is compared with natural by seed.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cuvee/run/metrics.h"
#include "cuvee/study/paired_comparison.h"

namespace cuvee::study {

struct ContinualScores {
  std::vector<double> new_per_seed;  // balanced test score over the new domains, per seed
  std::vector<double> old_per_seed;  // the same over the base domains
  double new_mean = 0, old_mean = 0;
};

struct ContinualArm {
  std::vector<std::string> base_domains;  // scored: the targets among them
  std::vector<std::string> new_domains;   // the targets not among them
  ContinualScores base;  // the base model, from the continued runs' step-0 evaluation
  std::map<std::string, ContinualScores> recipes;  // "natural", "velocitune": final evaluation
  // velocitune − natural, per seed (when both ran).
  std::optional<PairedComparison> velocitune_new, velocitune_old;
};

// `continued`: per recipe, its runs (one per seed, the same seeds in the same order), each over
// every domain; `targets`: the scored domains. Errors name a base domain the runs lack, or runs
// of differing seeds, or a side (new or base) with no target.
ContinualArm summarise_continual(const std::vector<std::string>& base_domains,
                                 const std::vector<std::string>& targets,
                                 const std::map<std::string, std::vector<RunCurves>>& continued);

// {"base_domains", "new_domains", "base": {scores}, "recipes": {"natural": {scores}, ...},
//  "velocitune_vs_natural": {"new": paired, "retention": paired}} with scores {"new_score",
//  "new_score_per_seed", "retention_score", "retention_score_per_seed"}.
nlohmann::json continual_json(const ContinualArm& arm);

}  // namespace cuvee::study
