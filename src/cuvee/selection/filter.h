// Filtering domains by a keep-list: new domains holding only the kept documents (numbered as
// documents.h says, so one list filters both splits), token files and manifest rewritten
// through the corpus API. With one domain in `--data`, `out` is the new domain's folder; with
// several, each goes to out/NAME.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "cuvee/selection/documents.h"

namespace cuvee {

struct FilterReport {
  uint64_t kept = 0, total = 0;
};

// Errors before writing anything if the list names a document that does not exist.
FilterReport filter_documents(const DocumentTable& documents, const std::vector<uint64_t>& kept,
                              const std::filesystem::path& out);

}  // namespace cuvee
