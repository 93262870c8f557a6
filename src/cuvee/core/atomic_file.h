// Files that appear whole or not at all: content is written to a temporary file beside the
// target (TARGET.tmp.PID) and renamed over it on commit(). An AtomicFile destroyed before
// commit() removes its temporary, so an error never leaves half-written output under the target
// name and the previous version stays as it was; errors (a full disk) name the target. A crash
// (kill -9) leaves the temporary behind: the next AtomicFile of the same target removes those of
// processes that are gone.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string_view>

namespace cuvee {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view text) { write(text.data(), text.size()); }
  // Bytes written so far.
  uint64_t size() const { return size_; }
  // Flushes, syncs and closes the temporary: every byte is on disk, under the temporary's name.
  // After it, commit() needs no space, so a writer can get several files this far before it
  // renames any (import: the old manifest stays until nothing can fail for lack of room).
  void finish();
  // Finishes if need be, then renames the temporary over the target.
  void commit();

  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temporary() const { return temp_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  uint64_t size_ = 0;
  bool committed_ = false;
};

// Removes the temporaries `TARGET.tmp.PID` of processes that are gone (what a kill -9 in the
// middle of a write leaves); a live process's are left alone. AtomicFile calls it for its target.
void remove_stale_temporaries(const std::filesystem::path& target);
// Removes every temporary of `target` but this process's own: for a writer that knows no other
// process writes the target (it holds a FolderLock), so that even a killed writer that is not
// yet reaped (a zombie still answers kill(pid, 0)) leaves nothing behind.
void remove_other_temporaries(const std::filesystem::path& target);

// Writes `content` to `path` atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Reads a whole file; the error names the file.
std::string read_file(const std::filesystem::path& path);

}  // namespace cuvee
