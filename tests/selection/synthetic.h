// Synthetic embeddings for the selection tests: Gaussian clusters of chosen sizes.
#pragma once

#include <cstdint>
#include <vector>

#include "cuvee/core/rng.h"
#include "cuvee/selection/embeddings.h"

namespace cuvee::testing {

// Clusters of `sizes[c]` points around centres spaced `spread` apart (random directions),
// each point N(centre, 1). cluster_of receives each row's cluster.
inline Embeddings clusters(const std::vector<uint64_t>& sizes, uint64_t dim, double spread,
                           uint64_t seed, std::vector<int>* cluster_of = nullptr) {
  SequentialRng rng(seed, Stream::kTest, 0);
  Embeddings e;
  e.dim = dim;
  for (size_t c = 0; c < sizes.size(); ++c) {
    std::vector<double> centre(dim);
    for (auto& v : centre) v = rng.normal() * spread;
    for (uint64_t i = 0; i < sizes[c]; ++i) {
      for (uint64_t k = 0; k < dim; ++k)
        e.values.push_back(static_cast<float>(centre[k] + rng.normal()));
      if (cluster_of) cluster_of->push_back(static_cast<int>(c));
      ++e.rows;
    }
  }
  return e;
}

}  // namespace cuvee::testing
