#include "cuvee/selection/dsir.h"

#include <atomic>
#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/parallel.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/selection/ngram_features.h"

namespace cuvee {
namespace {

// log p(f) of the smoothed bag-of-features model of every document of `documents`.
std::vector<double> log_model(const DocumentTable& documents, uint32_t buckets, const char* label) {
  std::vector<std::atomic<uint64_t>> counts(buckets);
  Progress progress(label, documents.size(), "docs");
  parallel_for(documents.size(), default_threads(), 16, [&](uint64_t i) {
    for (auto [f, count] : ngram_features(documents.tokens(i), buckets)) {
      counts[f].fetch_add(count, std::memory_order_relaxed);
    }
    progress.advance();
  });
  progress.finish();
  double total = buckets;
  for (auto& c : counts) total += static_cast<double>(c.load());
  std::vector<double> log_p(buckets);
  for (uint32_t f = 0; f < buckets; ++f) log_p[f] = std::log((counts[f].load() + 1.0) / total);
  return log_p;
}

}  // namespace

std::vector<double> dsir_scores(const DocumentTable& target, const DocumentTable& raw,
                                const DsirOptions& options) {
  if (options.buckets == 0) fail("DSIR: --buckets must be > 0");
  auto target_model = log_model(target, options.buckets, "dsir target");
  auto raw_model = log_model(raw, options.buckets, "dsir raw");
  std::vector<double> scores(raw.size());
  parallel_for(raw.size(), default_threads(), 16, [&](uint64_t i) {
    double s = 0;
    for (auto [f, count] : ngram_features(raw.tokens(i), options.buckets)) {
      s += count * (target_model[f] - raw_model[f]);
    }
    scores[i] = s;
  });
  return scores;
}

}  // namespace cuvee
