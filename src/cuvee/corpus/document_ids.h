// Document ids: the identifier each input document carried (`cuvee import --id-key`, default
// `id` when the first document has one), kept beside the tokens so that scores, keep-lists and
// filtered domains can be joined back to the source rows. DIR/NAME/SPLIT.ids holds one id per
// line, in the order of that split's documents; an id is the field's string, or the number as
// JSON writes it. Ids hold no tab, newline or carriage return (they are TSV columns elsewhere).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cuvee {

class AtomicFile;

// DIR/NAME/SPLIT.ids (split_name(), domain.h: train, validation or test).
std::filesystem::path ids_path(const std::filesystem::path& domain_dir, std::string_view split);

// An empty string when `id` can be an id, else what is wrong with it.
std::string id_problem(std::string_view id);

// Writes SPLIT.ids atomically: nothing appears under its name until commit().
class DocumentIdsWriter {
 public:
  DocumentIdsWriter(const std::filesystem::path& domain_dir, std::string_view split);
  ~DocumentIdsWriter();
  DocumentIdsWriter(const DocumentIdsWriter&) = delete;
  DocumentIdsWriter& operator=(const DocumentIdsWriter&) = delete;
  void add(std::string_view id);
  // Every id on disk under the temporary's name (see AtomicFile::finish); commit() then renames.
  void finish();
  void commit();
  const std::filesystem::path& temporary() const;
  uint64_t count() const { return count_; }

 private:
  std::unique_ptr<AtomicFile> file_;
  std::string buffer_;
  uint64_t count_ = 0;
};

// The ids of a split that holds `documents` documents; errors name the file and line (a count
// that differs, an empty line).
std::vector<std::string> read_document_ids(const std::filesystem::path& domain_dir,
                                           std::string_view split, uint64_t documents);

}  // namespace cuvee
