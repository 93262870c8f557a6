// Bigram counts for the entropy proxies of BiMix §4 (Ge et al. 2024, arXiv 2405.14908;
// docs/entropy.md gives the measures), in bounded memory.
//
// Exact while the distinct bigrams fit: an open-addressing hash table of (x << 32 | x', count).
// Past `max_exact` distinct bigrams the counts become a linear sketch: every bigram's count
// goes to one of `buckets` hashed buckets (SplitMix64 of the key), existing entries folded in.
// Both are merged by addition, and the mode depends only on how many distinct bigrams the
// union holds, so counting shards and merging them gives exactly the counts of one pass.
// Hashed counts merge colliding bigrams, so the joint entropy they give is a lower bound on
// the exact one (docs/entropy.md measures the gap).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cuvee/core/huge_array.h"

namespace cuvee {

struct BigramLimits {
  uint64_t max_exact = uint64_t{1} << 25;  // distinct bigrams counted exactly (1 GiB of table)
  uint64_t buckets = uint64_t{1} << 27;    // hashed buckets beyond that (1 GiB), a power of 2
  bool operator==(const BigramLimits&) const = default;
};

class BigramCounts {
 public:
  explicit BigramCounts(BigramLimits limits = {});

  static uint64_t key(uint32_t first, uint32_t second) { return uint64_t{first} << 32 | second; }
  void add(uint64_t key, uint64_t count = 1);
  // Adds 1 for every key, prefetching table slots ahead of the inserts (a table beyond the
  // caches costs one memory miss per new key; overlapping the misses hides most of them).
  void add_each(std::span<const uint64_t> keys);
  // Adds every count of `other` (same limits).
  void merge(const BigramCounts& other);

  bool hashed() const { return hashed_; }
  const BigramLimits& limits() const { return limits_; }
  // Distinct keys (exact) or non-zero buckets (hashed).
  uint64_t entries() const;
  uint64_t total() const { return total_; }
  // Bytes the counts occupy now (the exact table or the buckets).
  uint64_t table_bytes() const {
    return hashed_ ? buckets_.size() * sizeof(uint64_t) : slots_.size() * sizeof(Slot);
  }
  // −Σ p log p (nats) of the counts as they are: bigrams, or buckets once hashed.
  double entropy() const;
  // Every (key or bucket, count) with count > 0, ascending by key or bucket.
  std::vector<std::pair<uint64_t, uint64_t>> sorted_entries() const;
  // Rebuilds counts from sorted_entries() as saved.
  static BigramCounts from_entries(BigramLimits limits, bool hashed,
                                   const std::vector<std::pair<uint64_t, uint64_t>>& entries);

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  void insert_exact(uint64_t key, uint64_t count);
  void grow();
  void switch_to_hashed();
  uint64_t bucket(uint64_t key) const;

  BigramLimits limits_;
  bool hashed_ = false;
  uint64_t total_ = 0;
  // Exact mode: open addressing, linear probing, load at most 1/2; key and count side by side
  // so a probe touches one cache line.
  struct Slot {
    uint64_t key;
    uint64_t count;
  };
  HugeArray<Slot> slots_;
  uint64_t size_ = 0;
  int shift_ = 0;  // 64 − log2(capacity)
  // Hashed mode.
  HugeArray<uint64_t> buckets_;
  int bucket_shift_ = 0;
};

}  // namespace cuvee
