// Hashed unigram and bigram features of a token sequence (DSIR's features, Xie et al. 2023,
// and the TF-IDF embedder's): each unigram (t) and bigram (t, t′) is hashed into one of
// `buckets` features. Over token ids rather than words, so they work on any domain as
// imported, whatever its tokenizer.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace cuvee {

// (feature, count) pairs of one document, sorted by feature.
std::vector<std::pair<uint32_t, uint32_t>> ngram_features(std::span<const int32_t> tokens,
                                                          uint32_t buckets);

}  // namespace cuvee
