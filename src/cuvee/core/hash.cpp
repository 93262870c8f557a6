#include "cuvee/core/hash.h"

#include <xxhash.h>

#include <fmt/format.h>

#include "cuvee/core/mapped_file.h"

namespace cuvee {

uint64_t hash64(std::string_view bytes, uint64_t seed) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

std::string hex64(uint64_t value) {
  return fmt::format("{:016x}", value);
}

std::string file_hash(const std::filesystem::path& path) {
  MappedFile file(path);
  return hex64(XXH3_64bits(file.data(), file.size()));
}

}  // namespace cuvee
