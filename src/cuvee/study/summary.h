// The study's results per recipe, from its runs' held-out losses: the final average loss (mean
// and spread over seeds), the final loss per domain, and how many steps it took to reach the
// uniform recipe's final loss.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cuvee/run/metrics.h"

namespace cuvee::study {

struct RecipeSummary {
  std::string name;
  std::vector<std::string> domains;
  std::vector<double> final_avg_per_seed;  // each seed's last eval_loss
  double avg_eval_loss = 0;                // their mean
  double avg_eval_loss_std = 0;            // their sample standard deviation (0 for one seed)
  std::vector<double> eval_loss;           // per domain: the seeds' mean final loss
  std::vector<EvalPoint> mean_curve;       // per evaluation step: the mean over seeds
  uint64_t final_step = 0;
  // First evaluation step whose mean loss is ≤ the uniform recipe's final mean loss.
  std::optional<uint64_t> steps_to_uniform_final;
  // "better" / "worse" than uniform when the seeds' spreads (mean ± std) do not overlap,
  // "within spread" when they do, "one seed" when there is no spread to judge by.
  std::string versus_uniform;
};

// Summarises one recipe's runs (one per seed, same evaluation steps).
RecipeSummary summarise_recipe(const std::string& name, const std::vector<RunCurves>& seeds);

// Fills steps_to_uniform_final and versus_uniform of every recipe against the one named
// "uniform" (which must be among them).
void compare_with_uniform(std::vector<RecipeSummary>& recipes);

// {"name", "seeds", "avg_eval_loss", "avg_eval_loss_std", "avg_eval_loss_per_seed",
//  "eval_loss.<domain>"..., "steps_to_uniform_final", "steps_saved_vs_uniform", "versus_uniform"}
nlohmann::json recipe_json(const RecipeSummary& recipe);

}  // namespace cuvee::study
