// DSIR (Xie et al. 2023): importance weights towards a target distribution from hashed
// unigram+bigram features. Two bag-of-features models, p_target from the target documents
// and p_raw from the documents to score, each with add-one smoothing over the buckets; a
// document's score is its log importance weight Σ_f count_f · (log p_target(f) − log p_raw(f)).
// Sampling then draws k without replacement ∝ exp(score) by Gumbel top-k (samplers.h, gumbel).
#pragma once

#include <cstdint>
#include <vector>

#include "cuvee/selection/documents.h"

namespace cuvee {

struct DsirOptions {
  uint32_t buckets = 10000;  // the paper's hashed feature count
};

std::vector<double> dsir_scores(const DocumentTable& target, const DocumentTable& raw,
                                const DsirOptions& options);

}  // namespace cuvee
