// parallel_for: fn(i) for every i in [0, n), split into one contiguous range per thread.
// fn must write only to per-index slots, so results never depend on the thread count. Ranges
// hold at least `min_per_thread` items, so small inputs stay on one thread. The first exception
// (in range order) is rethrown once every range has finished.
#pragma once

#include <algorithm>
#include <cstdint>
#include <exception>
#include <future>
#include <vector>

namespace cuvee {

template <typename Fn>
void parallel_for(uint64_t n, int threads, uint64_t min_per_thread, Fn fn) {
  const uint64_t count = std::clamp<uint64_t>(n / std::max<uint64_t>(min_per_thread, 1), 1,
                                              static_cast<uint64_t>(std::max(threads, 1)));
  auto run_range = [&](uint64_t t) {
    for (uint64_t i = n * t / count; i < n * (t + 1) / count; ++i) fn(i);
  };
  std::vector<std::future<void>> parts;
  for (uint64_t t = 1; t < count; ++t)
    parts.push_back(std::async(std::launch::async, run_range, t));
  std::exception_ptr error;
  try {
    run_range(0);
  } catch (...) {
    error = std::current_exception();
  }
  for (auto& part : parts) {
    try {
      part.get();
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace cuvee
