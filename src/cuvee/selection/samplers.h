// Choosing documents from their scores. Each sampler returns the kept indices, ascending.
// Random choices use CounterRng(seed, kSelection) addressed by the document's index, so the
// choice is a pure function of (scores, seed): the same on any machine and thread count.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace cuvee {

enum class SelectMethod {
  kTopK,       // the k highest scores
  kBottomK,    // the k lowest
  kInverse,    // k without replacement, each draw ∝ 1/score (inverse propensity; scores > 0)
  kGumbel,     // k without replacement, ∝ exp(score) (DSIR's Gumbel top-k over log-weights)
  kRandom,     // k uniformly without replacement (scores ignored)
  kBand,       // the k whose score ranks follow the `band_start` quantile (by rank, ascending)
  kThreshold,  // every document with min ≤ score ≤ max (k unused)
};

SelectMethod parse_select_method(std::string_view name);
std::string_view select_method_name(SelectMethod method);

struct SelectOptions {
  SelectMethod method = SelectMethod::kTopK;
  uint64_t keep = 0;  // k
  uint64_t seed = 0;
  double band_start = -1;            // kBand: quantile where the band starts; < 0 centres the band
  double min = -1e300, max = 1e300;  // kThreshold
};

// k = round(fraction · n), with an error unless 0 < fraction ≤ 1.
uint64_t keep_count(double fraction, uint64_t n);

std::vector<uint64_t> select_documents(std::span<const double> scores,
                                       const SelectOptions& options);

}  // namespace cuvee
