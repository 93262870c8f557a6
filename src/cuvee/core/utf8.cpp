#include "cuvee/core/utf8.h"

#include <simdjson.h>

#include <cstdint>

namespace cuvee {
namespace {

// Where the text first breaks RFC 3629, byte by byte.
size_t first_invalid_byte(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: eight ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t word = 0;
      for (int k = 0; k < 8; ++k) word |= static_cast<uint64_t>(s[i + k]) << (8 * k);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint8_t low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > n) return i;
    if (s[i + 1] < low || s[i + 1] > high) return i;
    for (size_t k = 2; k < length; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace

size_t find_invalid_utf8(std::string_view text) {
  // simdjson's validator (SIMD, the widest the CPU has, chosen at run time) clears valid text
  // at several GB/s; only text it rejects is scanned byte by byte for where it goes wrong.
  if (simdjson::validate_utf8(text.data(), text.size())) return std::string_view::npos;
  return first_invalid_byte(text);
}

}  // namespace cuvee
