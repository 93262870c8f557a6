// The study's oracle (docs/study.md): the best static mixture a small search finds at the
// recipes' own budget, to show how much any mixer could gain over the baselines. The search's
// candidates are `samples` mixtures drawn from the flat Dirichlet (uniform over the simplex),
// plus the natural and uniform runs themselves, each trained once (first seed). Each recipe's
// `oracle_share` is its part of the oracle's gain over natural:
//   (natural − recipe) / (natural − oracle)   on the balanced score.
// The headroom check compares the oracle's gains with the paired seed noise (the sample
// standard deviation of the per-seed natural − uniform differences): a gain under three times
// the noise cannot rank methods.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee::study {

// `samples` mixtures over `domains` domains, deterministic by seed.
std::vector<std::vector<double>> dirichlet_mixtures(size_t samples, size_t domains, uint64_t seed);

struct OracleCandidate {
  std::string name;  // "natural", "uniform", "oracle.1", ...
  std::vector<double> weights;
  double balanced = 0;  // first seed's final balanced score
};

struct Oracle {
  std::vector<OracleCandidate> candidates;
  size_t best = 0;                                      // index of the lowest balanced score
  double gain_over_natural = 0, gain_over_uniform = 0;  // baseline − best, ≥ 0
  std::optional<double> seed_noise;  // paired natural − uniform sd; null with one seed
  // Whether both gains are at least three times the noise (null: no noise to judge by).
  std::optional<bool> can_rank;
};

// Picks the best candidate; natural and uniform must be among them (their first-seed scores).
// `paired_noise`: the sd of the per-seed natural − uniform differences, when there are seeds
// to measure it.
Oracle choose_oracle(std::vector<OracleCandidate> candidates, std::optional<double> paired_noise);

// (natural − recipe) / (natural − oracle); null when the oracle gains nothing over natural.
std::optional<double> oracle_share(const Oracle& oracle, double natural, double recipe);

// {"candidates": [{"name", "weights", "balanced_score"}], "best", "balanced_score",
//  "weights", "gain_over_natural", "gain_over_uniform", "headroom": {"seed_noise",
//  "can_rank"}}; `domains` names the weights.
nlohmann::json oracle_json(const Oracle& oracle, const std::vector<std::string>& domains);

}  // namespace cuvee::study
