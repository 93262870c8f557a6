// Keep-lists: the indices of kept documents (numbered as documents.h says), one per line,
// ascending, no header. When the scores they come from carry the documents' ids
// (document_ids.h), each line is `index<TAB>id`, so the list joins back to the source rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cuvee {

// Errors name the line: not an integer, not ascending, repeated. With `ids`, the lines' ids
// ("" on a line without one).
std::vector<uint64_t> read_keep_list(const std::filesystem::path& path,
                                     std::vector<std::string>* ids = nullptr);
// `ids`: empty, or the id of each kept document (ids[k] for kept[k]).
void write_keep_list(const std::filesystem::path& path, const std::vector<uint64_t>& kept,
                     const std::vector<std::string>& ids = {});

}  // namespace cuvee
