// Entropy-proxy mixtures (BiMix §4, Ge et al. 2024): mixtures chosen with no training at all,
// from each domain's tokenised training data.
//
//   shannon      H(X)            = −Σ_x P(x) log P(x)                unigrams
//   joint        H(X_t, X_t+1)   = −Σ P(x, x′) log P(x, x′)           bigrams within windows
//   conditional  H(X_t+1 | X_t)  = −Σ P(x, x′) log P(x′ | x)          = joint − H(first token)
//
// in nats; proportions r_i = exp(H_i) / Σ_j exp(H_j). Counting streams each domain once in
// windows of the context length, in bounded memory (entropy_bigrams.h).
//
// Estimators: `plug-in` puts the counted frequencies into the formula; it is biased low by
// about (m − 1)/(2N) nats (m distinct events observed, N counted), which differs between domains
// of different sizes. `miller-madow` (Miller 1955) adds that term back: H + (m − 1)/(2N) for
// each entropy (the conditional one: joint and first-token terms each corrected).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "cuvee/core/mixture_file.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/mixing/entropy_counts.h"

namespace cuvee {

enum class EntropyMeasure { kShannon, kJoint, kConditional };

EntropyMeasure parse_entropy_measure(std::string_view name);
std::string_view entropy_measure_name(EntropyMeasure measure);
// Whether the measure needs bigram counts.
bool needs_bigrams(EntropyMeasure measure);

enum class EntropyEstimator { kPlugIn, kMillerMadow };
EntropyEstimator parse_entropy_estimator(std::string_view name);
std::string_view entropy_estimator_name(EntropyEstimator estimator);

double domain_entropy(const DomainCounts& counts, EntropyMeasure measure,
                      EntropyEstimator estimator = EntropyEstimator::kPlugIn);
// exp(H_i) / Σ_j exp(H_j), computed without overflow.
std::vector<double> entropy_proportions(std::span<const double> entropies);

struct EntropyCountOptions {
  uint64_t context_length = 2048;
  bool bigrams = true;
  BigramLimits limits;
  uint64_t shard = 0;
  uint64_t shard_count = 1;
};

// Empty counts for a domain over a vocabulary.
DomainCounts empty_domain_counts(std::string name, std::string train_hash, uint64_t vocab_size,
                                 const EntropyCountOptions& options);

// Reads tokens [start, start + count) of a token stream into `out`.
using TokenReader = std::function<void(uint64_t start, uint64_t count, int32_t* out)>;

// Counts this shard's windows of a stream of `total` tokens into `counts`.
void count_token_stream(DomainCounts& counts, uint64_t total, const TokenReader& read,
                        const EntropyCountOptions& options);

struct EntropyMixture {
  EntropyMeasure measure;
  EntropyEstimator estimator;
  std::vector<std::string> domains;
  std::vector<double> entropies;  // nats
  std::vector<double> proportions;
};

// The mixture of complete counts (every shard merged); an error names the missing shards.
EntropyMixture entropy_mixture(const EntropyCounts& counts, EntropyMeasure measure,
                               EntropyEstimator estimator = EntropyEstimator::kPlugIn);
// The mixture file (core/mixture_file.h, method "entropy") with the entropies and counts behind
// it.
MixtureFile entropy_mixture_file(const EntropyMixture& mixture, const EntropyCounts& counts);
// One line per domain: tokens, entropy, proportion, how bigrams were counted.
std::string format_entropy_mixture(const EntropyMixture& mixture, const EntropyCounts& counts);

// Counts this shard of every domain's train split.
EntropyCounts count_domains(const std::vector<std::unique_ptr<Domain>>& domains,
                            const EntropyCountOptions& options);

}  // namespace cuvee
