// The one writer of a domain folder (domain.h), for every command that makes one: import,
// adopt, the derived domains and filtered domains. A failure at any point, a full disk
// included, leaves the folder's previous domain whole: every new file is written and finished
// under a temporary name first; only then does the old manifest go, the files are renamed into
// place, and the new manifest comes last. A folder the writer created is removed again if it is
// abandoned.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "cuvee/corpus/domain.h"
#include "cuvee/corpus/indexed_dataset.h"

namespace cuvee {

class DocumentIdsWriter;

// The split a document goes to when a fraction `heldout_fraction` of documents is held out, by a
// salted XXH3-64 hash of the bytes that identify it (its text, or its token ids): u = hash/2^64;
// validation when u < heldout_fraction/2, test when u < heldout_fraction, train otherwise. The
// split depends on the document alone, never on its position, and exact duplicates never
// straddle two splits.
Split split_of(std::string_view identity, double heldout_fraction);

// Refuses to write a domain over the domain it is made from.
void check_not_input(const std::filesystem::path& out, const Domain& in);

class DomainWriter {
 public:
  DomainWriter(const std::filesystem::path& dir, DType dtype);
  ~DomainWriter();
  DomainWriter(const DomainWriter&) = delete;
  DomainWriter& operator=(const DomainWriter&) = delete;

  // From now on every document carries an id (document_ids.h); call before the first document.
  void keep_ids();
  bool has_ids() const { return ids_[0] != nullptr; }

  // The token writer of a split, for encoding on other threads (IndexedDatasetWriter::encode).
  const IndexedDatasetWriter& tokens(Split split) const;
  // One document (its id ignored unless keep_ids() was called).
  void add(Split split, std::span<const int32_t> tokens, std::string_view id = {});
  void add_encoded(Split split, std::span<const uint8_t> bytes, std::string_view id = {});
  uint64_t documents(Split split) const;

  // Fills manifest's splits (counts and hashes) and puts the domain in place, manifest last.
  // The manifest's id_key must be set exactly when ids were kept.
  void commit(DomainManifest& manifest);

 private:
  IndexedDatasetWriter& writer(Split split);
  struct NewFolder {
    std::filesystem::path path;  // empty: the folder was there before
    bool keep = false;
    ~NewFolder();
  };
  NewFolder new_folder_;  // destroyed last, after the writers have removed their temporaries
  std::filesystem::path dir_;
  std::vector<std::unique_ptr<IndexedDatasetWriter>> splits_;  // in kSplits order
  std::array<std::unique_ptr<DocumentIdsWriter>, 3> ids_;
};

}  // namespace cuvee
