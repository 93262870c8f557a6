#include "cuvee/selection/tfidf_embedder.h"

#include <atomic>
#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/parallel.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/rng.h"
#include "cuvee/core/threads.h"
#include "cuvee/selection/ngram_features.h"

namespace cuvee {

Embeddings embed_tfidf(const DocumentTable& documents, const TfidfOptions& options) {
  if (options.dim == 0 || options.buckets == 0)
    fail("TF-IDF embedder: --dim and buckets must be > 0");
  const uint64_t n = documents.size();
  // Pass 1: document frequencies.
  std::vector<std::atomic<uint32_t>> df(options.buckets);
  {
    Progress progress("tfidf df", n, "docs");
    parallel_for(n, default_threads(), 16, [&](uint64_t i) {
      for (auto [f, count] : ngram_features(documents.tokens(i), options.buckets)) {
        df[f].fetch_add(1, std::memory_order_relaxed);
      }
      progress.advance();
    });
    progress.finish();
  }
  Embeddings e;
  e.rows = n;
  e.dim = options.dim;
  e.values.assign(n * options.dim, 0.0f);
  Progress progress("tfidf embed", n, "docs");
  parallel_for(n, default_threads(), 16, [&](uint64_t i) {
    std::vector<double> row(options.dim, 0.0);
    for (auto [f, count] : ngram_features(documents.tokens(i), options.buckets)) {
      double idf = std::log((n + 1.0) / (df[f].load(std::memory_order_relaxed) + 1.0)) + 1.0;
      double value = (1.0 + std::log(static_cast<double>(count))) * idf;
      uint64_t h = mix64(f ^ mix64(options.seed));
      row[(h >> 1) % options.dim] += (h & 1) ? value : -value;
    }
    double norm = 0;
    for (double v : row) norm += v * v;
    norm = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
    for (uint64_t c = 0; c < options.dim; ++c)
      e.values[i * options.dim + c] = static_cast<float>(row[c] * norm);
    progress.advance();
  });
  progress.finish();
  return e;
}

}  // namespace cuvee
