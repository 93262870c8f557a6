// Content hashes (XXH3-64) for checksums in manifests and fits, as 16 hex digits.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace cuvee {

uint64_t hash64(std::string_view bytes, uint64_t seed = 0);
std::string hex64(uint64_t value);
// XXH3-64 of a whole file, streamed through a memory map.
std::string file_hash(const std::filesystem::path& path);

}  // namespace cuvee
