#include "cuvee/corpus/domain_writer.h"

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/corpus/document_ids.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {

// A fixed salt keeps the split independent of any other hash of the same bytes.
constexpr uint64_t kHeldoutSalt = 0x6375766565686c64ULL;  // "cuveehld"

size_t index_of(Split split) {
  return static_cast<size_t>(split);
}

}  // namespace

Split split_of(std::string_view identity, double heldout_fraction) {
  const double u = static_cast<double>(hash64(identity, kHeldoutSalt) >> 11) * 0x1.0p-53;
  if (u < heldout_fraction / 2) return Split::kValidation;
  if (u < heldout_fraction) return Split::kTest;
  return Split::kTrain;
}

void check_not_input(const fs::path& out, const Domain& in) {
  if (fs::exists(manifest_path(out)) && fs::equivalent(out, in.dir())) {
    fail("--out {} is the input domain itself; choose a new folder", out.string());
  }
}

DomainWriter::NewFolder::~NewFolder() {
  std::error_code ignored;
  if (!keep && !path.empty()) fs::remove(path, ignored);  // only if empty
}

DomainWriter::DomainWriter(const fs::path& dir, DType dtype)
    : new_folder_{fs::exists(dir) ? fs::path() : dir}, dir_(dir) {
  fs::create_directories(dir);
  for (Split split : kSplits) {
    splits_.push_back(std::make_unique<IndexedDatasetWriter>(split_prefix(dir, split), dtype));
  }
}

DomainWriter::~DomainWriter() = default;

void DomainWriter::keep_ids() {
  for (Split split : kSplits) {
    if (documents(split) > 0) fail("{}: ids must be kept from the first document", dir_.string());
    ids_[index_of(split)] = std::make_unique<DocumentIdsWriter>(dir_, split_name(split));
  }
}

IndexedDatasetWriter& DomainWriter::writer(Split split) {
  return *splits_[index_of(split)];
}

const IndexedDatasetWriter& DomainWriter::tokens(Split split) const {
  return *splits_[index_of(split)];
}

uint64_t DomainWriter::documents(Split split) const {
  return tokens(split).documents();
}

void DomainWriter::add(Split split, std::span<const int32_t> tokens, std::string_view id) {
  writer(split).add_document(tokens);
  if (has_ids()) ids_[index_of(split)]->add(id);
}

void DomainWriter::add_encoded(Split split, std::span<const uint8_t> bytes, std::string_view id) {
  writer(split).add_encoded(bytes);
  if (has_ids()) ids_[index_of(split)]->add(id);
}

void DomainWriter::commit(DomainManifest& manifest) {
  if (manifest.id_key.empty() == has_ids()) {
    fail("{}: the manifest's id_key '{}' does not match whether ids were written", dir_.string(),
         manifest.id_key);
  }
  // Every new byte onto the disk under its temporary name first.
  for (Split split : kSplits) {
    IndexedDatasetWriter& w = writer(split);
    w.finish();
    SplitInfo& info = manifest.split(split);
    info = {w.documents(), w.tokens(), file_hash(w.bin_temporary()), file_hash(w.idx_temporary()),
            ""};
    if (has_ids()) {
      DocumentIdsWriter& ids = *ids_[index_of(split)];
      ids.finish();
      info.ids_hash = file_hash(ids.temporary());
    }
  }
  auto manifest_file = prepare_domain_manifest(dir_, manifest);
  // Then only renames and removals. The old manifest goes first: while the new files replace the
  // old, the domain reads as incomplete rather than as a mix of both.
  fs::remove(manifest_path(dir_));
  for (Split split : kSplits) {
    writer(split).commit();
    if (has_ids()) {
      ids_[index_of(split)]->commit();
    } else {
      // Ids of an earlier domain in this folder would not belong to these documents.
      fs::remove(ids_path(dir_, split_name(split)));
    }
  }
  // The one held-out split of the format before (cuvee-domain/1), if this folder held one.
  for (const char* file : {"heldout.bin", "heldout.idx", "heldout.ids"}) fs::remove(dir_ / file);
  manifest_file->commit();
  new_folder_.keep = true;
}

}  // namespace cuvee
