// The study's configuration (TOML, docs/study.md): where localpile is, the training config every
// recipe shares, which recipes run, and per scale (demo, small, full) the run length, the seeds
// and any training keys to override. Unknown keys are errors naming the nearest valid key.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cuvee::study {

struct ScaleConfig {
  uint64_t steps = 0;       // train.steps of every recipe
  uint64_t eval_every = 0;  // train.eval_every
  std::vector<int64_t> seeds;
  // Other training keys, as `cuvee train --set KEY=VALUE` (the value in TOML syntax).
  std::map<std::string, std::string> set;
};

struct StudyConfig {
  std::filesystem::path source;      // the file read, for messages
  std::filesystem::path data;        // localpile: domains/ (and tokenizer.model)
  std::filesystem::path train;       // the training config every recipe shares
  std::vector<std::string> recipes;  // names of study/recipes.h, in the config's order
  // The domains the summary scores (study/scoring.h); empty: every domain of the data.
  std::vector<std::string> targets;
  std::string entropy_measure = "conditional";
  // How the entropy mixtures estimate entropy: "miller-madow" (the plug-in estimate plus its
  // first-order bias, (m − 1)/(2N)) unless the config says "plug-in" (docs/entropy.md).
  std::string entropy_estimator = "miller-madow";
  // BiMix: the entropy measures whose mixtures are trained as extra proxies (natural, uniform
  // and the entropy recipe are proxies too), and the fraction of the run the proxies cover.
  std::vector<std::string> bimix_proxy_measures;
  double proxy_fraction = 0.5;
  // ODM's ε schedule runs as a run of this many steps has it at the same fraction of training
  // (epsilon_time_scale = this / steps); 0: the released schedule, step for step.
  double odm_epsilon_reference_steps = 0;
  // The oracle's search (study/oracle.h): this many flat-Dirichlet mixtures trained once each
  // beside natural and uniform; 0: no oracle.
  uint64_t oracle_samples = 0;
  double selection_keep = 0.5;  // fraction of documents the selection arms keep
  // Which perplexity band the perplexity arm keeps: low, mid (centred) or high.
  std::string perplexity_band = "mid";
  // The continual-pretraining arm (study/continual.h): the base model's domains; empty: no arm.
  std::vector<std::string> continual_base;
  std::map<std::string, ScaleConfig> scales;

  const ScaleConfig& scale(std::string_view name) const;
};

// Parses `text` (TOML); paths are resolved against the working directory, as the trainer does.
StudyConfig parse_study_config(std::string_view text, const std::filesystem::path& source);
StudyConfig load_study_config(const std::filesystem::path& path);

}  // namespace cuvee::study
