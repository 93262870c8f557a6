// An exclusive lock on a folder for one process's lifetime: flock(2) on a lock file in it, so
// the kernel releases it when the process dies, however it dies. While a process holds it, no
// other process that takes the same lock is working in the folder, so whatever another process
// left there (the temporaries of a killed writer, even one that is still a zombie) is stale.
#pragma once

#include <filesystem>
#include <string>

namespace cuvee {

class FolderLock {
 public:
  // Takes the lock `lock_file` in its folder (created if need be). A holder that is exiting is
  // waited for, for up to `wait_seconds`; after that the error names the folder, what holds it
  // (`what`, e.g. "another cuvee train") and its PID.
  FolderLock(const std::filesystem::path& lock_file, const std::string& what,
             double wait_seconds = 10);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace cuvee
