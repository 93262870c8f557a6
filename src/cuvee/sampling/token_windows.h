// A domain's token stream cut into training sequences: window i is tokens
// [i·T, i·T + T] of the concatenated documents (T + 1 tokens: inputs and next-token targets
// overlap by one), as Megatron's GPT dataset packs them. Documents are separated by the
// end-of-document id written at import.
#pragma once

#include <cstdint>
#include <span>

#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/sampling/mixed_sampler.h"

namespace cuvee {

class TokenWindows {
 public:
  TokenWindows(const IndexedDataset& data, uint64_t seq_len);
  uint64_t count() const { return count_; }
  uint64_t seq_len() const { return seq_len_; }
  // Writes the T + 1 tokens of window i.
  void read(uint64_t i, int64_t* out) const;
  void read(uint64_t i, int32_t* out) const;
  // Starts loading window i's bytes into cache (see IndexedDataset::prefetch).
  void prefetch(uint64_t i) const;

 private:
  const IndexedDataset* data_;
  uint64_t seq_len_;
  uint64_t count_;
};

// The windows of a step's draws, back to back in `out` (T + 1 tokens each), from each draw's
// domain in `windows`. Windows lie at random places in files far larger than the caches, so
// each read waits on memory; loading the next draw's window while widening this one overlaps
// the two, which brings reading to about the speed of a memcpy of the same bytes
// (bench_sampling_sampler).
void read_draws(std::span<const TokenWindows> windows, std::span<const Draw> draws, int64_t* out);

}  // namespace cuvee
