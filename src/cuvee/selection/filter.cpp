#include "cuvee/selection/filter.h"

#include <algorithm>
#include <memory>
#include <string>

#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/corpus/document_ids.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;

// Writes the kept documents of one split, whose documents are numbered from `start`, and with
// `ids` (the table's, by number) their ids.
SplitInfo write_split(const IndexedDataset& split, const std::vector<uint64_t>& kept,
                      uint64_t start, const fs::path& dir, const char* name,
                      const std::vector<std::string>* ids) {
  const fs::path prefix = dir / name;
  IndexedDatasetWriter writer(prefix, split.dtype());
  std::unique_ptr<DocumentIdsWriter> id_writer;
  if (ids != nullptr) id_writer = std::make_unique<DocumentIdsWriter>(dir, name);
  auto it = std::lower_bound(kept.begin(), kept.end(), start);
  for (; it != kept.end() && *it < start + split.documents(); ++it) {
    writer.add_document(split.document(*it - start));
    if (id_writer) id_writer->add((*ids)[*it]);
  }
  writer.commit();
  SplitInfo info{writer.documents(), writer.tokens(), "", "", ""};
  info.bin_hash = file_hash(prefix.string() + ".bin");
  info.idx_hash = file_hash(prefix.string() + ".idx");
  if (id_writer) {
    id_writer->commit();
    info.ids_hash = file_hash(ids_path(dir, name));
  } else {
    fs::remove(ids_path(dir, name));  // an earlier filter's, not these documents'
  }
  return info;
}

}  // namespace

FilterReport filter_documents(const DocumentTable& documents, const std::vector<uint64_t>& kept,
                              const fs::path& out) {
  if (!kept.empty() && kept.back() >= documents.size()) {
    fail("keep-list names document {}, but --data holds {} documents (0 … {})", kept.back(),
         documents.size(), documents.size() - 1);
  }
  const auto& domains = documents.domains();
  for (size_t d = 0; d < domains.size(); ++d) {
    const Domain& domain = *domains[d];
    fs::path dir = domains.size() == 1 ? out : out / domain.name();
    if (fs::exists(manifest_path(dir)) && fs::equivalent(dir, domain.dir())) {
      fail("--out {} is the input domain itself; choose a new folder", dir.string());
    }
    fs::create_directories(dir);
    // As the importer does: the old manifest goes first, so a half-written domain reads as
    // incomplete.
    fs::remove(manifest_path(dir));
    DomainManifest manifest = domain.manifest();
    const auto* ids = manifest.id_key.empty() ? nullptr : &documents.ids();
    manifest.train =
        write_split(domain.train(), kept, documents.split_start(2 * d), dir, "train", ids);
    manifest.heldout =
        write_split(domain.heldout(), kept, documents.split_start(2 * d + 1), dir, "heldout", ids);
    manifest.sources = {domain.dir().string()};
    write_domain_manifest(dir, manifest);
  }
  return {kept.size(), documents.size()};
}

}  // namespace cuvee
