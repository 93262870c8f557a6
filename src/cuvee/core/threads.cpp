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

int default_threads() {
  if (const char* env = std::getenv("CUVEE_THREADS"); env != nullptr && *env != '\0') {
    try {
      int value = std::stoi(env);
      if (value >= 1) return value;
    } catch (const std::exception&) {
    }
    fail("CUVEE_THREADS must be a positive integer, got '{}'", env);
  }
  return available_cores();
}

}  // namespace cuvee
