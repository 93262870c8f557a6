// `--shard i/N`: the i-th of N contiguous, near-equal ranges of rows [0, n).
#pragma once

#include <cstdint>
#include <string>

namespace cuvee {

struct Shard {
  uint64_t index = 0, count = 1;
  uint64_t begin(uint64_t n) const { return n * index / count; }
  uint64_t end(uint64_t n) const { return n * (index + 1) / count; }
};

// "" is the whole (0/1); errors unless i/N with 0 ≤ i < N.
Shard parse_shard(const std::string& text);

}  // namespace cuvee
