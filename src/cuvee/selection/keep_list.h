// Keep-lists: the indices of kept documents (numbered as documents.h says), one per line,
// ascending, no header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace cuvee {

// Errors name the line: not an integer, not ascending, repeated.
std::vector<uint64_t> read_keep_list(const std::filesystem::path& path);
void write_keep_list(const std::filesystem::path& path, const std::vector<uint64_t>& kept);

}  // namespace cuvee
