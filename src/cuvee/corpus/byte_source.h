// The bytes of one input file, decompressed when the file is gzip (`.gz`, as datatrove and
// Dolma ship corpora) or zstd (`.zst`). The compression is recognised by the file's first bytes,
// so a compressed file is read whatever its name; a name that promises a compression the
// content lacks is an error rather than a file read as garbage. Concatenated gzip members and
// zstd frames read as one stream, as `zcat` and `zstdcat` read them.
//
// This layer knows nothing of documents: DocumentReader splits its bytes into lines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string_view>

namespace cuvee {

enum class Compression { kNone, kGzip, kZstd };

std::string_view compression_name(Compression compression);

// The compression a file's name promises (".gz", ".zst"), kNone for any other name.
Compression compression_by_name(const std::filesystem::path& path);
// The compression a file's first bytes declare (gzip 1f 8b; a zstd frame 28 b5 2f fd, or a
// zstd skippable frame 5? 2a 4d 18); kNone for anything else.
Compression compression_by_content(std::string_view head);
// The name without its compression suffix: "a.jsonl.gz" -> "a.jsonl".
std::filesystem::path without_compression_suffix(const std::filesystem::path& path);

class ByteSource {
 public:
  // Opens `path` and recognises its compression; errors name the file.
  static std::unique_ptr<ByteSource> open(const std::filesystem::path& path);
  virtual ~ByteSource() = default;

  // Up to `capacity` decompressed bytes into `out`; 0 only at the end of the data. A truncated
  // or corrupt stream is an error naming the file.
  virtual size_t read(char* out, size_t capacity) = 0;

  Compression compression() const { return compression_; }
  // Bytes of the file consumed so far (compressed bytes for a compressed file), for progress.
  uint64_t bytes_consumed() const { return consumed_; }

 protected:
  ByteSource(std::filesystem::path path, std::FILE* file, Compression compression);
  // Up to `capacity` raw bytes of the file; 0 at its end.
  size_t read_file(void* out, size_t capacity);
  [[noreturn]] void corrupt(std::string_view what) const;

  std::filesystem::path path_;

 private:
  struct FileCloser {
    void operator()(std::FILE* file) const;
  };
  std::unique_ptr<std::FILE, FileCloser> file_;
  Compression compression_;
  uint64_t consumed_ = 0;
};

}  // namespace cuvee
