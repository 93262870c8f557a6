#include "cuvee/core/threads.h"

#include <sched.h>

#include <cstdlib>
#include <string>
#include <thread>

#include "cuvee/core/error.h"

namespace cuvee {

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}

namespace {

// The thread count an environment variable sets, 0 when unset or empty. `list` takes the first
// of a comma-separated list, as OpenMP reads OMP_NUM_THREADS for its outermost level.
int threads_from(const char* name, bool list) {
  const char* env = std::getenv(name);
  if (env == nullptr || *env == '\0') return 0;
  std::string text(env);
  if (list) text = text.substr(0, text.find(','));
  size_t used = 0;
  int value = 0;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || value < 1) {
    fail("{} must be a positive integer{}, got '{}'", name, list ? " (or a list of them)" : "",
         env);
  }
  return value;
}

}  // namespace

int default_threads() {
  if (int threads = threads_from("CUVEE_THREADS", false); threads > 0) return threads;
  if (int threads = threads_from("OMP_NUM_THREADS", true); threads > 0) return threads;
  return available_cores();
}

}  // namespace cuvee
