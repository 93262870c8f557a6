// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace cuvee {

// Offset of the first invalid byte, or npos if the text is valid UTF-8.
size_t find_invalid_utf8(std::string_view text);

}  // namespace cuvee
