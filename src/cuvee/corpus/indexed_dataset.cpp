#include "cuvee/corpus/indexed_dataset.h"

#include <algorithm>
#include <limits>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"

namespace cuvee {
namespace {

constexpr char kMagic[9] = {'M', 'M', 'I', 'D', 'I', 'D', 'X', '\0', '\0'};
constexpr size_t kHeaderSize = 9 + 8 + 1 + 8 + 8;
// The most of a range prefetch() asks for: a training window or two (longer reads stream,
// and the hardware prefetcher follows them).
constexpr size_t kPrefetchBytes = 8192;

std::filesystem::path with_suffix(const std::filesystem::path& prefix, const char* suffix) {
  std::filesystem::path path = prefix;
  path += suffix;
  return path;
}

template <typename T>
void append(std::vector<uint8_t>& buffer, T value) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
  buffer.insert(buffer.end(), bytes, bytes + sizeof(T));
}

}  // namespace

size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::kUInt8:
    case DType::kInt8:
      return 1;
    case DType::kInt16:
    case DType::kUInt16:
      return 2;
    case DType::kInt32:
    case DType::kFloat32:
      return 4;
    case DType::kInt64:
    case DType::kFloat64:
      return 8;
  }
  fail("unknown dtype code {}", static_cast<int>(dtype));
}

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kUInt8:
      return "uint8";
    case DType::kInt8:
      return "int8";
    case DType::kInt16:
      return "int16";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
    case DType::kFloat64:
      return "float64";
    case DType::kFloat32:
      return "float32";
    case DType::kUInt16:
      return "uint16";
  }
  fail("unknown dtype code {}", static_cast<int>(dtype));
}

DType dtype_for_vocab(uint64_t vocab_size) {
  return vocab_size <= 65536 ? DType::kUInt16 : DType::kInt32;
}

// --- writer ---

IndexedDatasetWriter::IndexedDatasetWriter(const std::filesystem::path& prefix, DType dtype)
    : prefix_(prefix),
      dtype_(dtype),
      bin_(std::make_unique<AtomicFile>(with_suffix(prefix, ".bin"))) {
  if (dtype != DType::kUInt16 && dtype != DType::kInt32 && dtype != DType::kUInt8) {
    fail("{}: cuvee writes token files as uint8, uint16 or int32, not {}", prefix.string(),
         dtype_name(dtype));
  }
}

IndexedDatasetWriter::~IndexedDatasetWriter() = default;

void IndexedDatasetWriter::add_document(std::span<const int32_t> tokens) {
  buffer_.clear();
  encode(tokens, buffer_);
  add_encoded(buffer_);
}

void IndexedDatasetWriter::encode(std::span<const int32_t> tokens,
                                  std::vector<uint8_t>& out) const {
  const size_t start = out.size();
  out.resize(start + tokens.size() * dtype_size(dtype_));
  uint8_t* bytes = out.data() + start;
  // The range check is one pass (so the conversion loops vectorise); the error names the first
  // id out of range.
  auto check = [&](int32_t limit) {
    int32_t low = 0, high = 0;
    for (int32_t t : tokens) {
      low = std::min(low, t);
      high = std::max(high, t);
    }
    if (low < 0 || high > limit) {
      for (int32_t t : tokens) {
        if (t < 0 || t > limit) {
          fail("{}: token id {} does not fit {}", prefix_.string(), t, dtype_name(dtype_));
        }
      }
    }
  };
  switch (dtype_) {
    case DType::kUInt8:
      check(255);
      for (size_t i = 0; i < tokens.size(); ++i) bytes[i] = static_cast<uint8_t>(tokens[i]);
      break;
    case DType::kUInt16:
      check(65535);
      for (size_t i = 0; i < tokens.size(); ++i) {
        const auto t = static_cast<uint16_t>(tokens[i]);
        std::memcpy(bytes + 2 * i, &t, 2);
      }
      break;
    default:
      // An empty document's span may hold a null pointer, which memcpy must never get.
      if (!tokens.empty()) std::memcpy(bytes, tokens.data(), tokens.size() * sizeof(int32_t));
  }
}

void IndexedDatasetWriter::add_encoded(std::span<const uint8_t> bytes) {
  const uint64_t count = bytes.size() / dtype_size(dtype_);
  if (count > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) {
    fail("{}: document {} has {} tokens, more than a sequence length (int32) holds",
         prefix_.string(), lengths_.size(), count);
  }
  bin_->write(bytes.data(), bytes.size());
  lengths_.push_back(static_cast<int32_t>(count));
  tokens_ += count;
}

void IndexedDatasetWriter::finish() {
  if (idx_) return;
  auto index = std::make_unique<AtomicFile>(with_suffix(prefix_, ".idx"));
  AtomicFile& idx = *index;
  std::vector<uint8_t> header;
  header.insert(header.end(), kMagic, kMagic + 9);
  append<uint64_t>(header, 1);
  header.push_back(static_cast<uint8_t>(dtype_));
  append<uint64_t>(header, lengths_.size());
  append<uint64_t>(header, lengths_.size() + 1);
  idx.write(header.data(), header.size());
  idx.write(lengths_.data(), lengths_.size() * sizeof(int32_t));
  std::vector<int64_t> offsets(lengths_.size());
  int64_t offset = 0;
  for (size_t i = 0; i < lengths_.size(); ++i) {
    offsets[i] = offset;
    offset += static_cast<int64_t>(lengths_[i]) * static_cast<int64_t>(dtype_size(dtype_));
  }
  idx.write(offsets.data(), offsets.size() * sizeof(int64_t));
  std::vector<int64_t> documents(lengths_.size() + 1);
  for (size_t i = 0; i < documents.size(); ++i) documents[i] = static_cast<int64_t>(i);
  idx.write(documents.data(), documents.size() * sizeof(int64_t));
  bin_->finish();
  idx.finish();
  idx_ = std::move(index);
}

void IndexedDatasetWriter::commit() {
  finish();
  // The index last: a reader that finds the .idx finds its .bin complete.
  bin_->commit();
  idx_->commit();
}

const std::filesystem::path& IndexedDatasetWriter::bin_temporary() const {
  return bin_->temporary();
}

const std::filesystem::path& IndexedDatasetWriter::idx_temporary() const {
  if (!idx_) fail("{}: the index is not written yet", prefix_.string());
  return idx_->temporary();
}

// --- reader ---

IndexedDataset::IndexedDataset(const std::filesystem::path& prefix)
    : prefix_(prefix), idx_(with_suffix(prefix, ".idx")), bin_(with_suffix(prefix, ".bin")) {
  const std::string idx_name = idx_.path().string();
  if (idx_.size() < kHeaderSize) {
    fail("{}: {} bytes, too short for a Megatron index header ({} bytes)", idx_name, idx_.size(),
         kHeaderSize);
  }
  const std::byte* p = idx_.data();
  if (std::memcmp(p, kMagic, 9) != 0) {
    fail("{}: not a Megatron MMapIndexedDataset index (magic 'MMIDIDX\\0\\0' missing)", idx_name);
  }
  auto version = load<uint64_t>(p + 9);
  if (version != 1) fail("{}: index version {}, expected 1", idx_name, version);
  auto code = static_cast<uint8_t>(p[17]);
  if (code < 1 || code > 8) fail("{}: unknown dtype code {}, expected 1–8", idx_name, code);
  dtype_ = static_cast<DType>(code);
  if (dtype_ == DType::kFloat32 || dtype_ == DType::kFloat64) {
    fail("{}: dtype {} is not a token type", idx_name, dtype_name(dtype_));
  }
  sequences_ = load<uint64_t>(p + 18);
  uint64_t doc_count = load<uint64_t>(p + 26);
  if (doc_count == 0) fail("{}: document-index count is 0, expected documents + 1", idx_name);
  documents_ = doc_count - 1;
  const uint64_t expected = kHeaderSize + sequences_ * (4 + 8) + doc_count * 8;
  if (idx_.size() != expected) {
    fail("{}: {} bytes, but {} sequences and {} documents need {}", idx_name, idx_.size(),
         sequences_, documents_, expected);
  }
  lengths_ = p + kHeaderSize;
  offsets_ = lengths_ + 4 * sequences_;
  doc_index_ = offsets_ + 8 * sequences_;

  // Sequences must lie back to back in .bin (as every Megatron writer lays them out), so the
  // whole split reads as one token stream.
  const uint64_t width = dtype_size(dtype_);
  uint64_t next = 0;
  for (uint64_t i = 0; i < sequences_; ++i) {
    int32_t length = sequence_length(i);
    if (length < 0) fail("{}: sequence {} has negative length {}", idx_name, i, length);
    if (static_cast<uint64_t>(sequence_offset(i)) != next) {
      fail("{}: sequence {} starts at byte {}, expected {} (sequences must be contiguous)",
           idx_name, i, sequence_offset(i), next);
    }
    next += static_cast<uint64_t>(length) * width;
  }
  if (bin_.size() != next) {
    fail("{}: {} bytes, but the index describes {} bytes", bin_.path().string(), bin_.size(), next);
  }
  tokens_ = next / width;
  if (document_index(0) != 0 || static_cast<uint64_t>(document_index(documents_)) != sequences_) {
    fail("{}: document indices must run from 0 to the sequence count {}", idx_name, sequences_);
  }
  for (uint64_t d = 0; d < documents_; ++d) {
    if (document_index(d + 1) < document_index(d)) {
      fail("{}: document indices decrease at document {}", idx_name, d);
    }
  }
}

uint64_t IndexedDataset::document_begin(uint64_t d) const {
  auto s = static_cast<uint64_t>(document_index(d));
  return s < sequences_ ? static_cast<uint64_t>(sequence_offset(s)) / dtype_size(dtype_) : tokens_;
}

uint64_t IndexedDataset::document_end(uint64_t d) const {
  return document_begin(d + 1);
}

template <typename Out>
void IndexedDataset::read_as(uint64_t start, uint64_t count, Out* out) const {
  if (start + count > tokens_ || start + count < start) {
    fail("{}: tokens [{}, {}) requested, but it holds {}", prefix_.string(), start, start + count,
         tokens_);
  }
  const std::byte* base = bin_.data() + start * dtype_size(dtype_);
  // int8 token files hold signed ids by definition, hence the signed widening below.
  auto convert = [&]<typename In>(In) {  // NOLINT(bugprone-signed-char-misuse)
    // Token arrays in .bin are aligned to their width (the mapping is page-aligned and every
    // offset is a multiple of it), so the typed loop applies and vectorises; an unaligned
    // foreign file falls back to byte-wise loads.
    if (reinterpret_cast<uintptr_t>(base) % alignof(In) == 0) {
      const In* tokens = reinterpret_cast<const In*>(base);
      for (uint64_t i = 0; i < count; ++i) {
        out[i] = static_cast<Out>(tokens[i]);  // NOLINT(bugprone-signed-char-misuse)
      }
    } else {
      for (uint64_t i = 0; i < count; ++i)
        out[i] = static_cast<Out>(
            load<In>(base + i * sizeof(In)));  // NOLINT(bugprone-signed-char-misuse)
    }
  };
  switch (dtype_) {
    case DType::kUInt8:
      convert(uint8_t{});
      break;
    case DType::kInt8:
      convert(int8_t{});
      break;
    case DType::kInt16:
      convert(int16_t{});
      break;
    case DType::kUInt16:
      convert(uint16_t{});
      break;
    case DType::kInt32:
      convert(int32_t{});
      break;
    case DType::kInt64:
      convert(int64_t{});
      break;
    default:
      fail("{}: dtype {} is not a token type", prefix_.string(), dtype_name(dtype_));
  }
}

void IndexedDataset::read(uint64_t start, uint64_t count, int32_t* out) const {
  read_as(start, count, out);
}
void IndexedDataset::read(uint64_t start, uint64_t count, int64_t* out) const {
  read_as(start, count, out);
}

void IndexedDataset::prefetch(uint64_t start, uint64_t count) const {
  if (start + count > tokens_ || start + count < start) return;
  const std::byte* base = bin_.data() + start * dtype_size(dtype_);
  const size_t bytes = std::min<size_t>(count * dtype_size(dtype_), kPrefetchBytes);
  for (size_t line = 0; line < bytes; line += 64) __builtin_prefetch(base + line);
}

std::vector<int32_t> IndexedDataset::document(uint64_t d) const {
  if (d >= documents_) {
    fail("{}: document {} requested, but it holds {}", prefix_.string(), d, documents_);
  }
  uint64_t begin = document_begin(d), end = document_end(d);
  std::vector<int32_t> tokens(end - begin);
  read(begin, end - begin, tokens.data());
  return tokens;
}

}  // namespace cuvee
