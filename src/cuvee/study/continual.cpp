#include "cuvee/study/continual.h"

#include <algorithm>

#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

// The mean test loss over `domains` of one evaluation of `run`.
double balanced_over(const RunCurves& run, const EvalPoint& eval,
                     const std::vector<std::string>& domains) {
  double sum = 0;
  for (const auto& domain : domains) {
    auto it = std::find(run.domains.begin(), run.domains.end(), domain);
    if (it == run.domains.end())
      fail("continual.base: the continued runs have no domain '{}'", domain);
    sum += eval.test[static_cast<size_t>(it - run.domains.begin())];
  }
  return sum / static_cast<double>(domains.size());
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

void finish(ContinualScores& scores) {
  scores.new_mean = mean_of(scores.new_per_seed);
  scores.old_mean = mean_of(scores.old_per_seed);
}

nlohmann::json scores_json(const ContinualScores& scores) {
  return {{"new_score", scores.new_mean},
          {"new_score_per_seed", scores.new_per_seed},
          {"retention_score", scores.old_mean},
          {"retention_score_per_seed", scores.old_per_seed}};
}

}  // namespace

ContinualArm summarise_continual(const std::vector<std::string>& base_domains,
                                 const std::vector<std::string>& targets,
                                 const std::map<std::string, std::vector<RunCurves>>& continued) {
  if (continued.empty() || continued.begin()->second.empty()) {
    fail("continual: no continued runs to summarise");
  }
  ContinualArm arm;
  const RunCurves& any = continued.begin()->second.front();
  for (const auto& domain : base_domains) {
    if (std::find(any.domains.begin(), any.domains.end(), domain) == any.domains.end()) {
      fail("continual.base: the continued runs have no domain '{}'", domain);
    }
  }
  for (const auto& domain : targets) {
    const bool base =
        std::find(base_domains.begin(), base_domains.end(), domain) != base_domains.end();
    (base ? arm.base_domains : arm.new_domains).push_back(domain);
  }
  if (arm.new_domains.empty()) fail("continual.base: every target is a base domain; none is new");
  if (arm.base_domains.empty()) {
    fail("continual.base: no target is a base domain, so retention cannot be scored");
  }
  const size_t seeds = continued.begin()->second.size();
  for (const auto& [recipe, runs] : continued) {
    if (runs.size() != seeds) {
      fail("continual: recipe {} has {} seed runs, {} another", recipe, runs.size(), seeds);
    }
    ContinualScores& scores = arm.recipes[recipe];
    for (const RunCurves& run : runs) {
      if (run.evals.empty()) fail("continual: a {} run has no evaluation", recipe);
      scores.new_per_seed.push_back(balanced_over(run, run.evals.back(), arm.new_domains));
      scores.old_per_seed.push_back(balanced_over(run, run.evals.back(), arm.base_domains));
    }
    finish(scores);
  }
  // Every continued run starts from its seed's base model: step 0 of any recipe measures it.
  for (const RunCurves& run : continued.begin()->second) {
    if (run.evals.front().step != 0) fail("continual: a continued run has no step-0 evaluation");
    arm.base.new_per_seed.push_back(balanced_over(run, run.evals.front(), arm.new_domains));
    arm.base.old_per_seed.push_back(balanced_over(run, run.evals.front(), arm.base_domains));
  }
  finish(arm.base);
  if (arm.recipes.contains("natural") && arm.recipes.contains("velocitune")) {
    const auto& natural = arm.recipes.at("natural");
    const auto& velocitune = arm.recipes.at("velocitune");
    arm.velocitune_new = compare_paired(velocitune.new_per_seed, natural.new_per_seed);
    arm.velocitune_old = compare_paired(velocitune.old_per_seed, natural.old_per_seed);
  }
  return arm;
}

nlohmann::json continual_json(const ContinualArm& arm) {
  nlohmann::json json = {{"base_domains", arm.base_domains},
                         {"new_domains", arm.new_domains},
                         {"base", scores_json(arm.base)},
                         {"recipes", nlohmann::json::object()}};
  for (const auto& [recipe, scores] : arm.recipes) json["recipes"][recipe] = scores_json(scores);
  if (arm.velocitune_new) {
    json["velocitune_vs_natural"] = {{"new", paired_json(*arm.velocitune_new)},
                                     {"retention", paired_json(*arm.velocitune_old)}};
  }
  return json;
}

}  // namespace cuvee::study
