#include "cuvee/selection/ngram_features.h"

#include <algorithm>

#include "cuvee/core/rng.h"

namespace cuvee {

std::vector<std::pair<uint32_t, uint32_t>> ngram_features(std::span<const int32_t> tokens,
                                                          uint32_t buckets) {
  std::vector<uint32_t> hashed;
  hashed.reserve(2 * tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    auto unigram = static_cast<uint64_t>(static_cast<uint32_t>(tokens[i]));
    hashed.push_back(static_cast<uint32_t>(mix64(unigram) % buckets));
    if (i + 1 < tokens.size()) {
      uint64_t bigram = (unigram << 32) | static_cast<uint32_t>(tokens[i + 1]);
      hashed.push_back(static_cast<uint32_t>(mix64(bigram ^ 0x5bd1e995ULL) % buckets));
    }
  }
  std::sort(hashed.begin(), hashed.end());
  std::vector<std::pair<uint32_t, uint32_t>> features;
  for (uint32_t f : hashed) {
    if (!features.empty() && features.back().first == f) {
      ++features.back().second;
    } else {
      features.emplace_back(f, 1);
    }
  }
  return features;
}

}  // namespace cuvee
