#include "cuvee/corpus/document_ids.h"

#include <fstream>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"

namespace cuvee {
namespace fs = std::filesystem;

fs::path ids_path(const fs::path& domain_dir, std::string_view split) {
  return domain_dir / (std::string(split) + ".ids");
}

std::string id_problem(std::string_view id) {
  if (id.empty()) return "an empty id";
  if (id.find_first_of("\t\n\r") != std::string_view::npos) {
    return "an id holding a tab, newline or carriage return";
  }
  return "";
}

DocumentIdsWriter::DocumentIdsWriter(const fs::path& domain_dir, std::string_view split)
    : file_(std::make_unique<AtomicFile>(ids_path(domain_dir, split))) {}

DocumentIdsWriter::~DocumentIdsWriter() = default;

void DocumentIdsWriter::add(std::string_view id) {
  if (auto problem = id_problem(id); !problem.empty()) {
    fail("{}: {} for document {}", file_->target().string(), problem, count_);
  }
  buffer_ += id;
  buffer_ += '\n';
  ++count_;
  if (buffer_.size() > (1 << 20)) {
    file_->write(buffer_);
    buffer_.clear();
  }
}

void DocumentIdsWriter::finish() {
  file_->write(buffer_);
  buffer_.clear();
  file_->finish();
}

const fs::path& DocumentIdsWriter::temporary() const {
  return file_->temporary();
}

void DocumentIdsWriter::commit() {
  if (!buffer_.empty()) finish();
  file_->commit();
}

std::vector<std::string> read_document_ids(const fs::path& domain_dir, std::string_view split,
                                           uint64_t documents) {
  const fs::path path = ids_path(domain_dir, split);
  std::ifstream in(path);
  if (!in) fail("{}: cannot open the ids (the manifest says the domain has them)", path.string());
  std::vector<std::string> ids;
  ids.reserve(documents);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) fail("{}:{}: an empty id", path.string(), ids.size() + 1);
    ids.push_back(std::move(line));
  }
  if (ids.size() != documents) {
    fail("{}: {} ids for {} documents", path.string(), ids.size(), documents);
  }
  return ids;
}

}  // namespace cuvee
