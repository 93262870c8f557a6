#include "cuvee/study/summary.h"

#include <algorithm>
#include <cmath>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace

RecipeSummary summarise_recipe(const std::string& name, const std::vector<RunCurves>& seeds,
                               const Scoring& scoring) {
  if (seeds.empty()) fail("recipe {}: no runs to summarise", name);
  RecipeSummary summary;
  summary.name = name;
  summary.domains = seeds[0].domains;
  const auto& steps_of = seeds[0].evals;
  if (steps_of.empty()) fail("recipe {}: its first run has no evaluation", name);
  for (size_t s = 0; s < seeds.size(); ++s) {
    const auto& run = seeds[s];
    if (run.domains != summary.domains) {
      fail("recipe {}: seed run {} has other domains than the first", name, s);
    }
    if (run.evals.size() != steps_of.size()) {
      fail("recipe {}: seed run {} has {} evaluations, the first {}", name, s, run.evals.size(),
           steps_of.size());
    }
    summary.balanced_per_seed.push_back(scoring.balanced(run.evals.back().test));
    summary.natural_weighted_per_seed.push_back(scoring.natural_weighted(run.evals.back().test));
  }
  const double n = static_cast<double>(seeds.size());
  for (size_t e = 0; e < steps_of.size(); ++e) {
    RecipeSummary::CurvePoint point{steps_of[e].step, 0, INFINITY, -INFINITY};
    for (size_t s = 0; s < seeds.size(); ++s) {
      const auto& eval = seeds[s].evals[e];
      if (eval.step != point.step) {
        fail("recipe {}: seed run {} evaluates at step {} where the first run evaluates at {}",
             name, s, eval.step, point.step);
      }
      double score = scoring.balanced(eval.test);
      point.mean += score / n;
      point.low = std::min(point.low, score);
      point.high = std::max(point.high, score);
    }
    summary.balanced_curve.push_back(point);
    std::vector<double> domain_means(summary.domains.size(), 0);
    for (size_t s = 0; s < seeds.size(); ++s) {
      for (size_t d = 0; d < summary.domains.size(); ++d) {
        domain_means[d] += seeds[s].evals[e].test[d] / n;
      }
    }
    summary.domain_curve.push_back(std::move(domain_means));
  }
  summary.test_loss.assign(summary.domains.size(), 0);
  for (const auto& run : seeds) {
    for (size_t d = 0; d < summary.domains.size(); ++d) {
      summary.test_loss[d] += run.evals.back().test[d] / n;
    }
  }
  summary.final_step = steps_of.back().step;
  summary.balanced = mean_of(summary.balanced_per_seed);
  summary.natural_weighted = mean_of(summary.natural_weighted_per_seed);
  if (seeds.size() > 1) {
    double squares = 0;
    for (double x : summary.balanced_per_seed) {
      squares += (x - summary.balanced) * (x - summary.balanced);
    }
    summary.balanced_std = std::sqrt(squares / (n - 1));
  }
  return summary;
}

std::optional<double> step_reaching(const std::vector<RecipeSummary::CurvePoint>& curve,
                                    double target) {
  for (size_t i = 0; i < curve.size(); ++i) {
    if (curve[i].mean > target) continue;
    if (i == 0) return static_cast<double>(curve[0].step);
    const auto& before = curve[i - 1];
    const double fraction = (before.mean - target) / (before.mean - curve[i].mean);
    return static_cast<double>(before.step) +
           fraction * static_cast<double>(curve[i].step - before.step);
  }
  return std::nullopt;
}

void compare_with_baselines(std::vector<RecipeSummary>& recipes,
                            const std::vector<std::string>& baselines, double tokens_per_step) {
  for (const auto& name : baselines) {
    auto baseline = std::find_if(recipes.begin(), recipes.end(),
                                 [&](const RecipeSummary& r) { return r.name == name; });
    if (baseline == recipes.end()) {
      if (name == "uniform") fail("the study has no uniform recipe to compare with");
      continue;
    }
    // Copies: `recipes` is written below, the baseline among them.
    const std::vector<double> scores = baseline->balanced_per_seed;
    // The baseline's curve's last point, not its mean final score: the same seed mean summed in
    // the curve's order, so that the baseline reaches its own final score at its last step
    // (the two can differ in the last bit).
    const double final_score = baseline->balanced_curve.empty()
                                   ? baseline->balanced
                                   : baseline->balanced_curve.back().mean;
    for (auto& recipe : recipes) {
      if (recipe.balanced_per_seed.size() != scores.size()) {
        fail("recipe {} has {} seeds, the baseline {} {}", recipe.name,
             recipe.balanced_per_seed.size(), name, scores.size());
      }
      BaselineComparison comparison;
      comparison.balanced = compare_paired(recipe.balanced_per_seed, scores);
      comparison.steps_to_final = step_reaching(recipe.balanced_curve, final_score);
      if (comparison.steps_to_final) {
        comparison.tokens_to_final = *comparison.steps_to_final * tokens_per_step;
      }
      recipe.versus[name] = std::move(comparison);
    }
  }
}

nlohmann::json recipe_json(const RecipeSummary& recipe) {
  nlohmann::json json;
  json["name"] = recipe.name;
  json["seeds"] = recipe.balanced_per_seed.size();
  json["balanced_score"] = recipe.balanced;
  json["balanced_score_std"] = recipe.balanced_std;
  json["balanced_score_per_seed"] = recipe.balanced_per_seed;
  json["natural_weighted_score"] = recipe.natural_weighted;
  json["natural_weighted_score_per_seed"] = recipe.natural_weighted_per_seed;
  for (size_t d = 0; d < recipe.domains.size(); ++d) {
    json["test_loss." + recipe.domains[d]] = recipe.test_loss[d];
  }
  json["final_step"] = recipe.final_step;
  json["versus"] = nlohmann::json::object();
  for (const auto& [baseline, comparison] : recipe.versus) {
    nlohmann::json entry = paired_json(comparison.balanced);
    if (comparison.steps_to_final) {
      entry["steps_to_final"] = *comparison.steps_to_final;
      entry["tokens_to_final"] = *comparison.tokens_to_final;
      entry["steps_saved"] =
          1.0 - *comparison.steps_to_final / static_cast<double>(recipe.final_step);
    } else {
      entry["steps_to_final"] = nullptr;
      entry["tokens_to_final"] = nullptr;
      entry["steps_saved"] = nullptr;
    }
    json["versus"][baseline] = std::move(entry);
  }
  return json;
}

}  // namespace cuvee::study
