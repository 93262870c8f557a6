// The study's results per recipe, from its runs' test-split losses scored over the config's
// targets (scoring.h): each seed's final balanced and natural-weighted scores, their mean and
// spread, the final loss per domain, the seed-mean balanced score per evaluation, and against
// each baseline (natural, uniform) the paired per-seed comparison and the steps and tokens it
// took to reach the baseline's final score.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cuvee/run/metrics.h"
#include "cuvee/study/paired_comparison.h"
#include "cuvee/study/scoring.h"

namespace cuvee::study {

// A recipe against one baseline run with the same seeds.
struct BaselineComparison {
  PairedComparison balanced;  // final balanced score, recipe − baseline, per seed
  // Where the recipe's seed-mean balanced score first reaches the baseline's final one,
  // interpolated linearly between evaluations (nullopt: never); tokens = steps × tokens/step.
  std::optional<double> steps_to_final, tokens_to_final;
};

struct RecipeSummary {
  std::string name;
  std::vector<std::string> domains;
  std::vector<double> balanced_per_seed;          // each seed's final balanced score
  std::vector<double> natural_weighted_per_seed;  // each seed's final natural-weighted score
  double balanced = 0;                            // their means over seeds
  double balanced_std = 0;  // the balanced scores' sample standard deviation (0 for one seed)
  double natural_weighted = 0;
  std::vector<double> test_loss;  // per domain: the seeds' mean final loss on the test split
  // Per evaluation step: the seed-mean balanced score, and the band of the seeds around it.
  struct CurvePoint {
    uint64_t step = 0;
    double mean = 0, low = 0, high = 0;
  };
  std::vector<CurvePoint> balanced_curve;
  // Per evaluation step (as balanced_curve), per domain: the seed-mean test loss.
  std::vector<std::vector<double>> domain_curve;
  uint64_t final_step = 0;
  std::map<std::string, BaselineComparison> versus;  // by baseline recipe
};

// Summarises one recipe's runs (one per seed, same evaluation steps, the domains of `scoring`).
RecipeSummary summarise_recipe(const std::string& name, const std::vector<RunCurves>& seeds,
                               const Scoring& scoring);

// The first step at which `curve` is at or below `target`, interpolated linearly between the
// evaluation before and the one that reaches it; nullopt when it never does.
std::optional<double> step_reaching(const std::vector<RecipeSummary::CurvePoint>& curve,
                                    double target);

// Fills `versus` of every recipe for each of `baselines` that is among them ("uniform" must
// be); every recipe must have the baseline's number of seeds.
void compare_with_baselines(std::vector<RecipeSummary>& recipes,
                            const std::vector<std::string>& baselines, double tokens_per_step);

// {"name", "seeds", "balanced_score", "balanced_score_std", "balanced_score_per_seed",
//  "natural_weighted_score", "natural_weighted_score_per_seed", "test_loss.<domain>"...,
//  "final_step", "versus": {"<baseline>": {"diffs", "mean", "sd", "ci95_low", "ci95_high",
//  "verdict", "steps_to_final", "tokens_to_final", "steps_saved"}}}
nlohmann::json recipe_json(const RecipeSummary& recipe);

}  // namespace cuvee::study
