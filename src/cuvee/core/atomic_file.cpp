#include "cuvee/core/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "cuvee/core/error.h"

namespace cuvee {

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  if (target_.has_parent_path()) std::filesystem::create_directories(target_.parent_path());
  temp_ = target_;
  temp_ += fmt::format(".tmp.{}", ::getpid());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (file_ == nullptr) {
    fail("cannot create {}: {}", temp_.string(), std::strerror(errno));
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

void AtomicFile::write(const void* data, size_t size) {
  if (size == 0) return;
  if (std::fwrite(data, 1, size, file_) != size) {
    fail("cannot write {}: {}", temp_.string(), std::strerror(errno));
  }
  size_ += size;
}

void AtomicFile::commit() {
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    fail("cannot write {}: {}", temp_.string(), std::strerror(errno));
  }
  std::fclose(file_);
  file_ = nullptr;
  std::error_code error;
  std::filesystem::rename(temp_, target_, error);
  if (error) fail("cannot rename {} to {}: {}", temp_.string(), target_.string(), error.message());
  committed_ = true;
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
