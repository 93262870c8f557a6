#include "cuvee/core/atomic_file.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cuvee/core/crash_point.h"
#include "cuvee/core/error.h"

namespace cuvee {

namespace {

// Removes the temporaries `TARGET.tmp.PID` of other processes for which `stale(pid)` holds.
template <typename Stale>
void remove_temporaries_if(const std::filesystem::path& target, Stale stale) {
  std::error_code error;
  const std::filesystem::path dir =
      target.has_parent_path() ? target.parent_path() : std::filesystem::path(".");
  const std::string prefix = target.filename().string() + ".tmp.";
  for (std::filesystem::directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    char* stop = nullptr;
    long pid = std::strtol(name.c_str() + prefix.size(), &stop, 10);
    if (pid <= 0 || *stop != '\0' || pid == ::getpid()) continue;
    if (stale(static_cast<pid_t>(pid))) {
      std::error_code ignored;
      std::filesystem::remove(it->path(), ignored);
    }
  }
}

}  // namespace

void remove_stale_temporaries(const std::filesystem::path& target) {
  remove_temporaries_if(target, [](pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; });
}

void remove_other_temporaries(const std::filesystem::path& target) {
  remove_temporaries_if(target, [](pid_t) { return true; });
}

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  if (target_.has_parent_path()) std::filesystem::create_directories(target_.parent_path());
  remove_stale_temporaries(target_);
  temp_ = target_;
  temp_ += fmt::format(".tmp.{}", ::getpid());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) {
    fail("cannot write {}: cannot create {}: {}", target_.string(), temp_.string(),
         std::strerror(errno));
  }
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) std::fclose(file_);
  if (!committed_) {
    std::error_code ignored;
    std::filesystem::remove(temp_, ignored);
  }
}

// Errors name the target, the file the user asked for; the previous version of it is intact.
void AtomicFile::write(const void* data, size_t size) {
  if (size == 0) return;
  crash_point();
  if (std::fwrite(data, 1, size, file_) != size) {
    fail("cannot write {}: {}", target_.string(), std::strerror(errno));
  }
  size_ += size;
}

void AtomicFile::finish() {
  if (file_ == nullptr) return;
  crash_point();
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    fail("cannot write {}: {}", target_.string(), std::strerror(errno));
  }
  int closed = std::fclose(file_);
  file_ = nullptr;
  if (closed != 0) fail("cannot write {}: {}", target_.string(), std::strerror(errno));
}

void AtomicFile::commit() {
  finish();
  crash_point();
  std::error_code error;
  std::filesystem::rename(temp_, target_, error);
  if (error) fail("cannot rename {} to {}: {}", temp_.string(), target_.string(), error.message());
  committed_ = true;
  crash_point();
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read {}: {}", path.string(), std::strerror(errno));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) fail("cannot read {}: {}", path.string(), std::strerror(errno));
  return std::move(buffer).str();
}

}  // namespace cuvee
