#include "cuvee/core/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include <fmt/format.h>

namespace cuvee {
namespace {
std::atomic<bool> g_enabled{true};
int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

void Progress::set_enabled(bool enabled) {
  g_enabled = enabled;
}

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()),
      tty_(::isatty(STDERR_FILENO) != 0) {
  next_print_ns_ = now_ns() + (tty_ ? 250'000'000 : 10'000'000'000);
}

// Work that ended in an error prints no final line.
Progress::~Progress() = default;

void Progress::advance(uint64_t amount) {
  done_.fetch_add(amount, std::memory_order_relaxed);
  int64_t now = now_ns();
  int64_t due = next_print_ns_.load(std::memory_order_relaxed);
  if (now >= due &&
      next_print_ns_.compare_exchange_strong(due, now + (tty_ ? 250'000'000 : 10'000'000'000))) {
    print(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  print(true);
}

void Progress::print(bool final) {
  if (!g_enabled) return;
  std::lock_guard lock(print_mutex_);
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  uint64_t done = done_.load();
  uint64_t total = total_.load();
  double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  std::string line = fmt::format("{}: {}", label_, human_count(static_cast<double>(done)));
  if (total > 0) {
    line += fmt::format("/{} {} ({:.0f}%)", human_count(static_cast<double>(total)), unit_,
                        100.0 * static_cast<double>(done) / static_cast<double>(total));
  } else {
    line += " " + unit_;
  }
  line += fmt::format(", {} {}/s", human_count(rate), unit_);
  if (final) {
    line += fmt::format(", {} elapsed", human_duration(elapsed));
  } else if (total > 0 && rate > 0 && done < total) {
    line += fmt::format(", ETA {}", human_duration(static_cast<double>(total - done) / rate));
  }
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

std::string human_count(double value) {
  const char* suffix[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (std::fabs(value) >= 1000 && i < 4) {
    value /= 1000;
    ++i;
  }
  if (i == 0) return fmt::format("{:.0f}", value);
  return fmt::format("{:.{}f}{}", value, value < 10 ? 2 : (value < 100 ? 1 : 0), suffix[i]);
}

std::string human_duration(double seconds) {
  auto total = static_cast<int64_t>(std::llround(std::max(seconds, 0.0)));
  int64_t h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s);
  return fmt::format("{}:{:02}", m, s);
}

}  // namespace cuvee
