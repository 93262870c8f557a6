// How the study scores a run's final losses (docs/study.md): over the *targets*, the domains a
// user would choose to be judged on, which may be fewer than the training sources (a noise
// source is trained on, not scored, as DoReMi and RegMix do). Two scores over them:
//   balanced          the mean of the targets' losses (equal weights);
//   natural-weighted  the targets' losses weighted by the corpus's own proportions (training
//                     tokens, renormalised over the targets), as ODM reports the Pile's
//                     perplexity under the Pile's own weights.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace cuvee::study {

class Scoring {
 public:
  // `domains` in the runs' order with their training tokens; `targets` a subset of them (empty:
  // all). `source` names the config in errors (an unknown or repeated target).
  Scoring(std::vector<std::string> domains, std::span<const uint64_t> train_tokens,
          const std::vector<std::string>& targets, const std::filesystem::path& source);

  double balanced(std::span<const double> loss) const;          // loss: per domain
  double natural_weighted(std::span<const double> loss) const;  // the same

  const std::vector<std::string>& targets() const { return targets_; }
  const std::vector<double>& natural_weights() const { return natural_weights_; }

 private:
  std::vector<std::string> domains_;
  std::vector<std::string> targets_;
  std::vector<size_t> index_;            // each target's position in domains_
  std::vector<double> natural_weights_;  // per target, summing to 1
};

}  // namespace cuvee::study
