// Progress of long work on stderr: done/total, rate and ETA. On a terminal the line is redrawn
// in place (at most 4 times a second); otherwise a line is printed every 10 seconds, so logs
// stay readable. Thread-safe: workers call advance() concurrently.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace cuvee {

class Progress {
 public:
  // total = 0 means unknown (no percentage or ETA).
  Progress(std::string label, uint64_t total, std::string unit);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(uint64_t amount = 1);
  void set_total(uint64_t total) { total_ = total; }
  // Prints the final line.
  void finish();

  // Silences every Progress in the process (tests, --quiet).
  static void set_enabled(bool enabled);

 private:
  void print(bool final);
  std::string label_;
  std::atomic<uint64_t> total_;
  std::string unit_;
  std::atomic<uint64_t> done_{0};
  std::chrono::steady_clock::time_point start_;
  std::atomic<int64_t> next_print_ns_{0};
  std::mutex print_mutex_;
  bool finished_ = false;
  bool tty_;
};

// "1.23M", "456k", "789" — for rates and counts.
std::string human_count(double value);
// "1:02:03" or "2:03".
std::string human_duration(double seconds);

}  // namespace cuvee
