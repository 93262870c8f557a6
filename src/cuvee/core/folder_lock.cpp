#include "cuvee/core/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "cuvee/core/error.h"

namespace cuvee {

FolderLock::FolderLock(const std::filesystem::path& lock_file, const std::string& what,
                       double wait_seconds) {
  std::filesystem::create_directories(lock_file.parent_path());
  fd_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("{}: cannot open: {}", lock_file.string(), std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(wait_seconds));
  // A holder killed a moment ago (a study's child dying with it) releases the lock as it exits.
  while (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int error = errno;
      ::close(fd_);
      fail("{}: cannot lock: {}", lock_file.string(), std::strerror(error));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      char pid[32] = {};
      ssize_t got = ::pread(fd_, pid, sizeof(pid) - 1, 0);
      ::close(fd_);
      std::string holder = got > 0 ? std::string(pid, static_cast<size_t>(got)) : "?";
      while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
      fail("{} is in use by {} (PID {}); wait for it to end, or choose another folder",
           lock_file.parent_path().string(), what, holder);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Who holds it, for a later waiter's message; the flock is the lock, so a failed write only
  // costs that message the PID.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace cuvee
