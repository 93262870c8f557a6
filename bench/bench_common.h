// Shared by the benchmark programs: timing and a scratch folder. Each benchmark prints its
// measurements and the ratio to its peer, measured in the same run.
#pragma once

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>

#include <fmt/format.h>

namespace cuvee::bench {

// Best of `repeats` wall-clock timings of fn, in seconds.
inline double best_seconds(int repeats, const std::function<void()>& fn) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    fn();
    best = std::min(
        best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

class Scratch {
 public:
  explicit Scratch(const char* name)
      : path_(std::filesystem::temp_directory_path() /
              fmt::format("cuvee-bench-{}-{}", name, ::getpid())) {
    std::filesystem::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One result line, the same shape for every benchmark so scripts/run-benchmarks can collect them.
inline void report(const char* name, const std::string& ours, const std::string& peer, double ratio,
                   const char* meaning) {
  fmt::print("{:<28} {:>22}  peer {:>22}  ratio {:6.3f}  ({})\n", name, ours, peer, ratio, meaning);
}

}  // namespace cuvee::bench
