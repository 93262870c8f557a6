#include "cuvee/study/recipes.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "cuvee/core/error.h"
#include "cuvee/core/nearest_name.h"

namespace cuvee::study {
namespace {

uint64_t fraction_of(uint64_t steps, double fraction, uint64_t least) {
  return std::max<uint64_t>(least, static_cast<uint64_t>(std::llround(fraction * steps)));
}

std::vector<std::string> natural(const RunLength&) {
  return {"mixing.policy=natural"};
}
std::vector<std::string> uniform(const RunLength&) {
  return {"mixing.policy=uniform"};
}
std::vector<std::string> fixed(const RunLength&) {
  return {"mixing.policy=fixed"};
}

std::vector<std::string> odm(const RunLength& length) {
  // The released scripts warm up for 2% of the run (2000 of 100k steps).
  std::vector<std::string> sets{
      "mixing.policy=odm",
      fmt::format("mixing.warmup_steps={}", fraction_of(length.steps, 0.02, 1))};
  if (length.odm_epsilon_reference_steps > 0) {
    // ε's schedule as a run of that many steps has it at the same fraction of training.
    sets.push_back(
        fmt::format("mixing.epsilon_time_scale={}",
                    length.odm_epsilon_reference_steps / static_cast<double>(length.steps)));
  }
  return sets;
}

std::vector<std::string> ado(const RunLength& length) {
  // The released runs (60k steps) start at 500, ignore 1000 and refit every 1000 steps. Their
  // fits subsample the history every 10 steps and need 4 points past ignore_steps, so short runs
  // refit every 10% and start at 30% (at a refit: the released code refits only at multiples of
  // the interval); the smoothing window spans 10% of the run (odd, at least 5).
  const uint64_t steps = length.steps;
  const uint64_t refit = fraction_of(steps, 0.1, 1);
  const uint64_t ignore = fraction_of(steps, 0.02, 1);
  const uint64_t earliest = std::max<uint64_t>(fraction_of(steps, 0.3, 1), ignore + 31);
  const uint64_t start = (earliest + refit - 1) / refit * refit;
  const uint64_t window = std::max<uint64_t>(5, steps / 10) | 1;
  return {"mixing.policy=ado", fmt::format("mixing.start_step={}", start),
          fmt::format("mixing.refit_every={}", refit),
          fmt::format("mixing.ignore_steps={}", ignore),
          fmt::format("mixing.smooth_window={}", window)};
}

std::vector<std::string> velocitune(const RunLength& length) {
  // Velocitune updates at every evaluation.
  return {"mixing.policy=velocitune", fmt::format("mixing.every={}", length.eval_every)};
}

}  // namespace

const std::vector<Recipe>& recipes() {
  static const std::vector<Recipe> table = {
      {"natural", RecipeKind::baseline, false, natural},
      {"uniform", RecipeKind::baseline, false, uniform},
      {"entropy", RecipeKind::fitted_mixture, false, fixed},
      {"bimix", RecipeKind::fitted_mixture, true, fixed},
      {"odm", RecipeKind::online_policy, false, odm},
      {"ado", RecipeKind::online_policy, false, ado},
      {"velocitune", RecipeKind::online_policy, true, velocitune},
      {"density", RecipeKind::selection, false, natural},
      {"perplexity", RecipeKind::selection, true, natural},
  };
  return table;
}

const std::vector<std::string>& recipe_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> result;
    for (const auto& r : recipes()) result.push_back(r.name);
    return result;
  }();
  return names;
}

const Recipe& recipe(std::string_view name) {
  for (const auto& r : recipes()) {
    if (r.name == name) return r;
  }
  fail("no recipe '{}'; did you mean '{}'?", name, nearest_name(std::string(name), recipe_names()));
}

}  // namespace cuvee::study
