// Runs fn(i) for every document i in [0, n) on the default thread count, in contiguous
// chunks; results must go to per-index slots so they do not depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include "cuvee/core/threads.h"

namespace cuvee {

template <typename Fn>
void parallel_for(uint64_t n, Fn fn) {
  uint64_t threads = std::min<uint64_t>(default_threads(), std::max<uint64_t>(n / 16, 1));
  std::vector<std::thread> workers;
  for (uint64_t t = 1; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (uint64_t i = n * t / threads; i < n * (t + 1) / threads; ++i) fn(i);
    });
  }
  for (uint64_t i = 0; i < n / threads; ++i) fn(i);
  for (auto& worker : workers) worker.join();
}

}  // namespace cuvee
