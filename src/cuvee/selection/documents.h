// How selection numbers documents. Every score file, embedding row and keep-list index refers
// to one numbering of the documents of the domains named by `--data`: domains in name order
// (as find_domains sorts them), and inside each domain its splits in kSplits order (train,
// validation, test), each split's documents in file order. So one keep-list filters every split
// consistently, and
// the embeddings, scores and keep-lists of one `--data` line up row for row.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "cuvee/corpus/domain.h"

namespace cuvee {

struct DocumentRef {
  const Domain* domain;
  const IndexedDataset* split;
  uint64_t index;  // within the split
};

class DocumentTable {
 public:
  explicit DocumentTable(std::span<const std::filesystem::path> data);
  uint64_t size() const { return starts_.back(); }
  DocumentRef at(uint64_t i) const;
  // The document's tokens without the trailing end-of-document id.
  std::vector<int32_t> tokens(uint64_t i) const;
  const std::vector<std::unique_ptr<Domain>>& domains() const { return domains_; }
  // The documents' ids from the input (document_ids.h), one per document in this numbering ("" in
  // a domain without ids); empty when no domain has ids.
  const std::vector<std::string>& ids() const { return ids_; }
  // The number of the first document of a split of domain d.
  uint64_t split_start(size_t d, Split split) const;
  // The numbers [first, last) of domain d's documents, every split.
  std::pair<uint64_t, uint64_t> domain_range(size_t d) const;

 private:
  std::vector<std::unique_ptr<Domain>> domains_;
  std::vector<uint64_t> starts_;  // prefix sums over splits, one per split of each domain
  std::vector<std::string> ids_;
};

}  // namespace cuvee
