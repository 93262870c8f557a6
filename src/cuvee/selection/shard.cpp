#include "cuvee/selection/shard.h"

#include <cstdio>

#include "cuvee/core/error.h"

namespace cuvee {

Shard parse_shard(const std::string& text) {
  Shard shard;
  if (text.empty()) return shard;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%lu/%lu%c", &shard.index, &shard.count, &tail) != 2 ||
      shard.count == 0 || shard.index >= shard.count) {
    fail("--shard '{}': expected i/N with 0 <= i < N, e.g. 0/8", text);
  }
  return shard;
}

}  // namespace cuvee
