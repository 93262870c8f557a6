#include "cuvee/selection/embeddings.h"

#include <cmath>
#include <cstring>
#include <regex>
#include <string>

#include <fmt/format.h>
#include <Eigen/Core>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/mapped_file.h"

namespace cuvee {
namespace {

void check_finite(const Embeddings& e, const std::filesystem::path& path) {
  for (uint64_t i = 0; i < e.values.size(); ++i) {
    if (!std::isfinite(e.values[i])) {
      fail("{}: row {} column {} is {}, expected finite values", path.string(), i / e.dim,
           i % e.dim, e.values[i]);
    }
  }
}

// The .npy header (format version 1.0–3.0): magic, version, header length, then a Python
// dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (10, 768), }.
struct NpyHeader {
  std::string descr;
  uint64_t rows = 0, dim = 0;
  size_t data_offset = 0;
};

NpyHeader parse_npy_header(const MappedFile& file) {
  const auto name = file.path().string();
  const auto* bytes = reinterpret_cast<const unsigned char*>(file.data());
  if (file.size() < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0) {
    fail("{}: not a .npy file (no \\x93NUMPY magic); raw float32 needs --dim", name);
  }
  size_t length = 0, start = 0;
  if (bytes[6] == 1) {
    length = bytes[8] | (bytes[9] << 8);
    start = 10;
  } else {
    if (file.size() < 12) fail("{}: truncated .npy header", name);
    length = bytes[8] | (bytes[9] << 8) | (bytes[10] << 16) | (size_t{bytes[11]} << 24);
    start = 12;
  }
  if (start + length > file.size()) fail("{}: truncated .npy header", name);
  std::string dict(reinterpret_cast<const char*>(bytes) + start, length);
  NpyHeader header;
  header.data_offset = start + length;
  std::smatch match;
  if (!std::regex_search(dict, match, std::regex("'descr':\\s*'([^']*)'"))) {
    fail("{}: .npy header has no 'descr'", name);
  }
  header.descr = match[1];
  if (std::regex_search(dict, std::regex("'fortran_order':\\s*True"))) {
    fail("{}: Fortran-order arrays are not supported, expected C order", name);
  }
  if (!std::regex_search(dict, match,
                         std::regex("'shape':\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)"))) {
    fail("{}: .npy shape is not 2-D (rows, dim): {}", name, dict);
  }
  header.rows = std::stoull(match[1]);
  header.dim = std::stoull(match[2]);
  return header;
}

}  // namespace

Embeddings read_embeddings(const std::filesystem::path& path, uint64_t raw_dim) {
  MappedFile file(path);
  Embeddings e;
  const auto name = path.string();
  if (raw_dim > 0) {
    if (file.size() % (4 * raw_dim) != 0) {
      fail("{}: {} bytes is not a whole number of rows of {} float32 values (ragged)", name,
           file.size(), raw_dim);
    }
    e.dim = raw_dim;
    e.rows = file.size() / (4 * raw_dim);
    e.values.resize(e.rows * e.dim);
    if (!e.values.empty()) std::memcpy(e.values.data(), file.data(), file.size());
  } else {
    auto header = parse_npy_header(file);
    size_t width = 0;
    if (header.descr == "<f4") {
      width = 4;
    } else if (header.descr == "<f2") {
      width = 2;
    } else {
      fail("{}: dtype '{}', expected float32 ('<f4') or float16 ('<f2')", name, header.descr);
    }
    if (header.dim == 0) fail("{}: embedding width is 0", name);
    uint64_t expected = header.rows * header.dim * width;
    if (file.size() - header.data_offset != expected) {
      fail("{}: {} data bytes, but shape ({}, {}) needs {} (ragged or truncated)", name,
           file.size() - header.data_offset, header.rows, header.dim, expected);
    }
    e.rows = header.rows;
    e.dim = header.dim;
    e.values.resize(e.rows * e.dim);
    const std::byte* data = file.data() + header.data_offset;
    if (width == 4) {
      if (!e.values.empty()) std::memcpy(e.values.data(), data, expected);
    } else {
      for (size_t i = 0; i < e.values.size(); ++i) {
        uint16_t bits;
        std::memcpy(&bits, data + 2 * i, 2);
        e.values[i] = static_cast<float>(Eigen::numext::bit_cast<Eigen::half>(bits));
      }
    }
  }
  check_finite(e, path);
  return e;
}

void write_npy(const std::filesystem::path& path, const Embeddings& embeddings) {
  std::string dict = fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}, {}), }}",
                                 embeddings.rows, embeddings.dim);
  // Pad with spaces so the data starts on a 64-byte boundary; the header ends in a newline.
  size_t total = 10 + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict.push_back('\n');
  std::string header("\x93NUMPY\x01\x00", 8);
  header.push_back(static_cast<char>(dict.size() & 0xff));
  header.push_back(static_cast<char>(dict.size() >> 8));
  AtomicFile out(path);
  out.write(header);
  out.write(dict);
  out.write(embeddings.values.data(), embeddings.values.size() * sizeof(float));
  out.commit();
}

}  // namespace cuvee
