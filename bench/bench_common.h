// Shared by the benchmark programs: timing and a scratch folder. Each benchmark prints its
// measurements and the ratio to its peer, measured in the same run.
#pragma once

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace cuvee::bench {

// The repository the benchmarks were built from (bench/CMakeLists.txt defines it).
inline std::filesystem::path source_dir() {
  return CUVEE_SOURCE_DIR;
}

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

// Seconds of one call of fn.
inline double seconds(const std::function<void()>& fn) {
  auto start = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// CPU seconds of one call of fn on this thread: for single-threaded work, the time it ran,
// not counting the time other processes had the core (the machine is shared).
inline double thread_cpu_seconds(const std::function<void()>& fn) {
  timespec start{}, end{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
  fn();
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
  return static_cast<double>(end.tv_sec - start.tv_sec) +
         1e-9 * static_cast<double>(end.tv_nsec - start.tv_nsec);
}

// Median of `rounds` paired ratios peer_time / ours_time of single-threaded work, timed in
// thread CPU seconds, the two back to back in each round so that what other processes do to
// the caches falls on both alike (`before`, untimed, runs ahead of each). Also returns the
// median of each side's seconds.
struct PairedTiming {
  double ratio = 0, ours = 0, peer = 0;
};
inline PairedTiming paired(
    int rounds, const std::function<void()>& ours, const std::function<void()>& peer,
    const std::function<void()>& before = [] {}) {
  std::vector<double> ratios, a, b;
  for (int r = 0; r < rounds; ++r) {
    before();
    double s_ours = thread_cpu_seconds(ours);
    before();
    double s_peer = thread_cpu_seconds(peer);
    ratios.push_back(s_peer / s_ours);
    a.push_back(s_ours);
    b.push_back(s_peer);
  }
  return {median(ratios), median(a), median(b)};
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

// A ratio against its goal (higher is better): one line that scripts/run-benchmarks collects
// into the summary table `make bench` ends with.
inline void goal(const std::string& name, double ratio, double target, const std::string& what) {
  fmt::print("GOAL\t{}\t{:.3f}\t{:.3f}\t{}\t{}\n", name, ratio, target,
             ratio >= target ? "met" : "SHORT", what);
}

}  // namespace cuvee::bench
