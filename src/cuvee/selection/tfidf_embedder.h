// The built-in text embedder that needs no model: hashed unigram+bigram TF-IDF (features from
// ngram_features.h), projected to d dimensions by feature hashing (Weinberger et al. 2009:
// each feature adds ±value to one dimension chosen by a hash of the seed and the feature),
// then L2-normalised. tf = 1 + log(count), idf = log((N + 1)/(df + 1)) + 1 (scikit-learn's
// smooth idf), with df counted over the documents embedded.
#pragma once

#include <cstdint>

#include "cuvee/selection/documents.h"
#include "cuvee/selection/embeddings.h"

namespace cuvee {

struct TfidfOptions {
  uint64_t dim = 256;
  uint32_t buckets = 1u << 20;  // hashed n-gram features before projection
  uint64_t seed = 0;
};

// One row per document of `documents`, in its numbering.
Embeddings embed_tfidf(const DocumentTable& documents, const TfidfOptions& options);

}  // namespace cuvee
