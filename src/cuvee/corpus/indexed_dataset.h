// Megatron-LM's MMapIndexedDataset: tokens in PREFIX.bin, back to back; the index in PREFIX.idx:
//
//   9 bytes  "MMIDIDX\0\0"
//   u64      version = 1
//   u8       dtype code (uint8 1, int8 2, int16 3, int32 4, int64 5, float64 6, float32 7,
//            uint16 8)
//   u64      sequence count S
//   u64      document-index count D + 1
//   i32[S]   sequence lengths (in tokens)
//   i64[S]   byte offset of each sequence in .bin
//   i64[D+1] document indices: document d is sequences [idx[d], idx[d+1]), idx[0] = 0,
//            idx[D] = S
//
// All little-endian. The arrays are not aligned (the header is 34 bytes), so they are read
// with memcpy. cuvee writes one sequence per document; it reads any layout Megatron writes.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "cuvee/core/mapped_file.h"

namespace cuvee {

class AtomicFile;

enum class DType : uint8_t {
  kUInt8 = 1,
  kInt8 = 2,
  kInt16 = 3,
  kInt32 = 4,
  kInt64 = 5,
  kFloat64 = 6,
  kFloat32 = 7,
  kUInt16 = 8,
};

size_t dtype_size(DType dtype);
std::string_view dtype_name(DType dtype);
// The smallest integer type that holds every id of a vocabulary (uint16 below 65536 ids, as
// Megatron chooses; int32 above).
DType dtype_for_vocab(uint64_t vocab_size);

// Writes PREFIX.bin and PREFIX.idx atomically: nothing appears under those names until
// commit(), and an abandoned writer removes its temporaries.
class IndexedDatasetWriter {
 public:
  IndexedDatasetWriter(const std::filesystem::path& prefix, DType dtype);
  ~IndexedDatasetWriter();
  IndexedDatasetWriter(const IndexedDatasetWriter&) = delete;
  IndexedDatasetWriter& operator=(const IndexedDatasetWriter&) = delete;

  // One document, written as one sequence. Ids must fit the dtype.
  void add_document(std::span<const int32_t> tokens);
  // The bytes `tokens` take in this writer's file, appended to `out` (an id that does not fit
  // the dtype is an error naming the file). Thread-safe: documents can be encoded in parallel
  // and then added in order with add_encoded().
  void encode(std::span<const int32_t> tokens, std::vector<uint8_t>& out) const;
  void add_encoded(std::span<const uint8_t> bytes);
  // Writes the index and gets both files onto the disk under temporary names (AtomicFile::
  // finish), so that commit() needs no more room.
  void finish();
  // Finishes if need be, then renames both files into place (the index last).
  void commit();
  // The finished temporaries, to hash before commit().
  const std::filesystem::path& bin_temporary() const;
  const std::filesystem::path& idx_temporary() const;

  uint64_t documents() const { return lengths_.size(); }
  uint64_t tokens() const { return tokens_; }

 private:
  std::filesystem::path prefix_;
  DType dtype_;
  std::unique_ptr<AtomicFile> bin_;
  std::unique_ptr<AtomicFile> idx_;  // once finished
  std::vector<int32_t> lengths_;
  std::vector<uint8_t> buffer_;
  uint64_t tokens_ = 0;
};

class IndexedDataset {
 public:
  // Opens and validates PREFIX.idx and PREFIX.bin; errors name the file and what is wrong.
  explicit IndexedDataset(const std::filesystem::path& prefix);

  const std::filesystem::path& prefix() const { return prefix_; }
  DType dtype() const { return dtype_; }
  uint64_t sequences() const { return sequences_; }
  uint64_t documents() const { return documents_; }
  uint64_t tokens() const { return tokens_; }

  int32_t sequence_length(uint64_t i) const { return load<int32_t>(lengths_ + 4 * i); }
  int64_t sequence_offset(uint64_t i) const { return load<int64_t>(offsets_ + 8 * i); }
  int64_t document_index(uint64_t i) const { return load<int64_t>(doc_index_ + 8 * i); }

  // First token (in the concatenated stream) of document d, and one past its last.
  uint64_t document_begin(uint64_t d) const;
  uint64_t document_end(uint64_t d) const;

  // Tokens [start, start + count) of the concatenated stream, converted to T.
  void read(uint64_t start, uint64_t count, int32_t* out) const;
  void read(uint64_t start, uint64_t count, int64_t* out) const;
  // Asks the memory system for the first few kilobytes of tokens [start, start + count) without
  // waiting for them: a read of them issued a little later finds them in cache. (Out-of-range
  // requests are ignored; a prefetch is only a hint.)
  void prefetch(uint64_t start, uint64_t count) const;
  std::vector<int32_t> document(uint64_t d) const;

  // The raw .bin bytes (tokens back to back, dtype_size() bytes each).
  std::span<const std::byte> bin() const { return bin_.bytes(); }

 private:
  template <typename T>
  static T load(const std::byte* p) {
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
  }
  template <typename Out>
  void read_as(uint64_t start, uint64_t count, Out* out) const;

  std::filesystem::path prefix_;
  MappedFile idx_;
  MappedFile bin_;
  DType dtype_ = DType::kUInt16;
  uint64_t sequences_ = 0;
  uint64_t documents_ = 0;
  uint64_t tokens_ = 0;
  const std::byte* lengths_ = nullptr;
  const std::byte* offsets_ = nullptr;
  const std::byte* doc_index_ = nullptr;
};

}  // namespace cuvee
