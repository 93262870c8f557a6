// The training signal, per sequence and per domain. Every sequence is T tokens from one
// domain, so a sequence's loss is the mean next-token cross-entropy over its T positions, the
// batch loss is the mean over sequences, and a domain's loss is the mean over its sequences.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include <torch/types.h>

namespace cuvee {

// logits [B, T, V] (any floating type; computed in float32), targets [B, T] → [B] float32.
torch::Tensor sequence_losses(const torch::Tensor& logits, const torch::Tensor& targets);

// Per-domain sums of sequence losses and sequence counts, accumulated in double in slot
// order (deterministic), ready to be all-reduced across ranks.
struct DomainLosses {
  std::vector<double> sum;
  std::vector<double> count;
  explicit DomainLosses(size_t domains) : sum(domains, 0.0), count(domains, 0.0) {}
  // Adds sequence i's loss to the sum of domain[i].
  void add(const torch::Tensor& losses, std::span<const uint32_t> domain);
  // Mean loss of each domain (0 where the count is 0: the domain was absent).
  std::vector<double> means() const;
  std::vector<uint64_t> counts() const;
  double total_count() const;
  double total_sum() const;
};

}  // namespace cuvee
