// The recipes a study compares, in one table: each recipe's name, what kind of mixing it is,
// which earlier run it needs, and the `mixing.*` settings its runs get. The study config checks
// recipe names against it; the study runs recipes in its order (docs/study.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cuvee::study {

enum class RecipeKind {
  baseline,        // natural, uniform: the corpus's own proportions, or equal shares
  fitted_mixture,  // entropy, bimix: a static mixture computed before training (mixing.file)
  online_policy,   // odm, ado, velocitune: the mixture moves with the model's losses
  selection,       // density, perplexity: natural proportions over a subset of the documents
};

// What an online policy's schedule is scaled to (docs/study.md, "How the online policies'
// schedules scale with the run"): the papers set them for runs of 60k–100k steps.
struct RunLength {
  uint64_t steps = 0;
  uint64_t eval_every = 0;
  // ODM's ε schedule runs as a run of this many steps has it at the same fraction of training
  // (epsilon_time_scale = this / steps); 0 keeps the released schedule, step for step.
  double odm_epsilon_reference_steps = 0;
};

struct Recipe {
  std::string name;
  RecipeKind kind;
  // Needs the natural run of the first seed: BiMix's proxies, Velocitune's targets, perplexity
  // selection's reference model.
  bool needs_natural = false;
  // The `mixing.*` overrides of its runs (KEY=VALUE). A fitted mixture's file and Velocitune's
  // targets are the study's to add: they come from earlier steps.
  std::vector<std::string> (*settings)(const RunLength& length) = nullptr;
};

// Every recipe, in the order a study runs them (BiMix needs natural, uniform and entropy first).
const std::vector<Recipe>& recipes();
const std::vector<std::string>& recipe_names();

// The recipe called `name`; fails naming the nearest one.
const Recipe& recipe(std::string_view name);

}  // namespace cuvee::study
