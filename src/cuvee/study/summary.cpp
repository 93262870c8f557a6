#include "cuvee/study/summary.h"

#include <algorithm>
#include <cmath>

#include "cuvee/core/error.h"

namespace cuvee::study {

RecipeSummary summarise_recipe(const std::string& name, const std::vector<RunCurves>& seeds) {
  if (seeds.empty()) fail("recipe {}: no runs to summarise", name);
  RecipeSummary summary;
  summary.name = name;
  summary.domains = seeds[0].domains;
  const auto& steps_of = seeds[0].evals;
  for (size_t s = 0; s < seeds.size(); ++s) {
    const auto& run = seeds[s];
    if (run.domains != summary.domains) {
      fail("recipe {}: seed run {} has other domains than the first", name, s);
    }
    if (run.evals.size() != steps_of.size()) {
      fail("recipe {}: seed run {} has {} evaluations, the first {}", name, s, run.evals.size(),
           steps_of.size());
    }
    summary.final_avg_per_seed.push_back(run.evals.back().avg);
  }
  const double n = static_cast<double>(seeds.size());
  for (size_t e = 0; e < steps_of.size(); ++e) {
    EvalPoint mean{steps_of[e].step, 0, std::vector<double>(summary.domains.size(), 0)};
    for (size_t s = 0; s < seeds.size(); ++s) {
      const auto& point = seeds[s].evals[e];
      if (point.step != mean.step) {
        fail("recipe {}: seed run {} evaluates at step {} where the first run evaluates at {}",
             name, s, point.step, mean.step);
      }
      mean.avg += point.avg / n;
      for (size_t d = 0; d < mean.loss.size(); ++d) mean.loss[d] += point.loss[d] / n;
    }
    summary.mean_curve.push_back(std::move(mean));
  }
  summary.final_step = summary.mean_curve.back().step;
  summary.avg_eval_loss = summary.mean_curve.back().avg;
  summary.eval_loss = summary.mean_curve.back().loss;
  if (seeds.size() > 1) {
    double squares = 0;
    for (double x : summary.final_avg_per_seed) {
      squares += (x - summary.avg_eval_loss) * (x - summary.avg_eval_loss);
    }
    summary.avg_eval_loss_std = std::sqrt(squares / (n - 1));
  }
  return summary;
}

void compare_with_uniform(std::vector<RecipeSummary>& recipes) {
  auto uniform = std::find_if(recipes.begin(), recipes.end(),
                              [](const RecipeSummary& r) { return r.name == "uniform"; });
  if (uniform == recipes.end()) fail("the study has no uniform recipe to compare with");
  const double target = uniform->avg_eval_loss;
  const double target_std = uniform->avg_eval_loss_std;
  const bool spread = uniform->final_avg_per_seed.size() > 1;
  for (auto& recipe : recipes) {
    recipe.steps_to_uniform_final.reset();
    for (const auto& point : recipe.mean_curve) {
      if (point.avg <= target) {
        recipe.steps_to_uniform_final = point.step;
        break;
      }
    }
    if (!spread || recipe.final_avg_per_seed.size() < 2) {
      recipe.versus_uniform = "one seed";
    } else if (recipe.avg_eval_loss + recipe.avg_eval_loss_std < target - target_std) {
      recipe.versus_uniform = "better";
    } else if (recipe.avg_eval_loss - recipe.avg_eval_loss_std > target + target_std) {
      recipe.versus_uniform = "worse";
    } else {
      recipe.versus_uniform = "within spread";
    }
  }
}

nlohmann::json recipe_json(const RecipeSummary& recipe) {
  nlohmann::json json;
  json["name"] = recipe.name;
  json["seeds"] = recipe.final_avg_per_seed.size();
  json["avg_eval_loss"] = recipe.avg_eval_loss;
  json["avg_eval_loss_std"] = recipe.avg_eval_loss_std;
  json["avg_eval_loss_per_seed"] = recipe.final_avg_per_seed;
  for (size_t d = 0; d < recipe.domains.size(); ++d) {
    json["eval_loss." + recipe.domains[d]] = recipe.eval_loss[d];
  }
  json["final_step"] = recipe.final_step;
  if (recipe.steps_to_uniform_final) {
    json["steps_to_uniform_final"] = *recipe.steps_to_uniform_final;
    json["steps_saved_vs_uniform"] = 1.0 - static_cast<double>(*recipe.steps_to_uniform_final) /
                                               static_cast<double>(recipe.final_step);
  } else {
    json["steps_to_uniform_final"] = nullptr;
    json["steps_saved_vs_uniform"] = nullptr;
  }
  json["versus_uniform"] = recipe.versus_uniform;
  return json;
}

}  // namespace cuvee::study
