#include "cuvee/selection/embeddings.h"

#include <charconv>
#include <cmath>
#include <cstring>
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
  std::string_view dict(reinterpret_cast<const char*>(bytes) + start, length);
  NpyHeader header;
  header.data_offset = start + length;
  // The dict is read by hand, not with std::regex, whose backtracking recurses once per
  // character and overflows the stack on a long header.
  auto value_of = [&](std::string_view key) -> std::string_view {
    for (char quote : {'\'', '"'}) {
      std::string quoted(1, quote);
      quoted.append(key);
      quoted.push_back(quote);
      size_t at = dict.find(quoted);
      if (at == std::string_view::npos) continue;
      std::string_view rest = dict.substr(at + quoted.size());
      size_t colon = rest.find_first_not_of(" \t");
      if (colon == std::string_view::npos || rest[colon] != ':') continue;
      rest.remove_prefix(colon + 1);
      size_t begin = rest.find_first_not_of(" \t");
      return begin == std::string_view::npos ? std::string_view() : rest.substr(begin);
    }
    fail("{}: .npy header has no '{}'", name, key);
  };
  std::string_view descr = value_of("descr");
  size_t close = descr.empty() ? std::string_view::npos : descr.find(descr[0], 1);
  if ((descr.empty() || (descr[0] != '\'' && descr[0] != '"')) || close == std::string_view::npos) {
    fail("{}: .npy header's 'descr' is not a quoted string", name);
  }
  header.descr = std::string(descr.substr(1, close - 1));
  if (value_of("fortran_order").starts_with("True")) {
    fail("{}: Fortran-order arrays are not supported, expected C order", name);
  }
  // (rows, dim) with optional spaces: exactly two whole numbers.
  std::string_view shape = value_of("shape");
  auto not_2d = [&]() {
    fail("{}: .npy shape is not 2-D (rows, dim): {}", name, dict.substr(0, 200));
  };
  auto skip_spaces = [&] {
    while (!shape.empty() && (shape[0] == ' ' || shape[0] == '\t')) shape.remove_prefix(1);
  };
  auto expect = [&](char c) {
    skip_spaces();
    if (shape.empty() || shape[0] != c) not_2d();
    shape.remove_prefix(1);
  };
  auto number = [&]() {
    skip_spaces();
    uint64_t value = 0;
    auto [end, error] = std::from_chars(shape.data(), shape.data() + shape.size(), value);
    if (error == std::errc::result_out_of_range)
      fail("{}: .npy shape has a dimension too large", name);
    if (error != std::errc() || end == shape.data()) not_2d();
    shape.remove_prefix(static_cast<size_t>(end - shape.data()));
    return value;
  };
  expect('(');
  header.rows = number();
  expect(',');
  header.dim = number();
  expect(')');
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
    const uint64_t data_bytes = file.size() - header.data_offset;
    // Multiplied with overflow checks, so that a huge shape cannot wrap around to the file's size.
    uint64_t needed = 0;
    if (__builtin_mul_overflow(header.rows, header.dim, &needed) ||
        __builtin_mul_overflow(needed, width, &needed) || needed != data_bytes) {
      fail("{}: {} data bytes, but shape ({}, {}) needs {} × {} × {} (ragged or truncated)", name,
           data_bytes, header.rows, header.dim, header.rows, header.dim, width);
    }
    e.rows = header.rows;
    e.dim = header.dim;
    e.values.resize(e.rows * e.dim);
    const std::byte* data = file.data() + header.data_offset;
    if (width == 4) {
      if (!e.values.empty()) std::memcpy(e.values.data(), data, data_bytes);
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
