#include "cuvee/core/crash_point.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace cuvee {
namespace {

struct CrashSchedule {
  bool armed = false;
  uint64_t at = 0;                          // 0: count only
  std::atomic<uint64_t> local{0};           // this process's count
  std::atomic<uint64_t>* shared = nullptr;  // the count in CUVEE_TEST_CRASH_COUNTER

  CrashSchedule() {
    const char* at_text = std::getenv("CUVEE_TEST_CRASH_AT");
    if (at_text == nullptr) return;
    armed = true;
    at = std::strtoull(at_text, nullptr, 10);
    if (const char* counter = std::getenv("CUVEE_TEST_CRASH_COUNTER")) {
      int fd = ::open(counter, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd >= 0 && ::ftruncate(fd, sizeof(uint64_t)) == 0) {
        void* map = ::mmap(nullptr, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (map != MAP_FAILED) shared = static_cast<std::atomic<uint64_t>*>(map);
      }
      if (fd >= 0) ::close(fd);
      if (shared == nullptr) std::abort();  // a test asked for a count it cannot have
    }
  }
};

static_assert(std::atomic<uint64_t>::is_always_lock_free,
              "the shared count needs lock-free atomics");

CrashSchedule& schedule() {
  static CrashSchedule instance;
  return instance;
}

}  // namespace

void crash_point() {
  CrashSchedule& s = schedule();
  if (!s.armed) return;
  uint64_t count = (s.shared != nullptr ? s.shared : &s.local)->fetch_add(1) + 1;
  if (count == s.at) {
    ::kill(0, SIGKILL);
    ::raise(SIGKILL);  // not reached unless the group could not be signalled
  }
}

}  // namespace cuvee
