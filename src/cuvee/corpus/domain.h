// A tokenised domain on disk, as `cuvee import` writes it:
//
//   DIR/NAME/train.bin, train.idx      Megatron token files, one sequence per document, each
//                                      document followed by the tokenizer's end-of-document id
//   DIR/NAME/validation.bin, .idx      held-out documents that steer: online policies, laws
//                                      and anything else that chooses read these
//   DIR/NAME/test.bin, test.idx        held-out documents that only score (final figures)
//   DIR/NAME/SPLIT.ids                 with ids (import's --id-key): each document's id from
//                                      the input, one per line (document_ids.h)
//   DIR/NAME/manifest.json             counts, tokenizer, checksums (written last: a domain
//                                      without a manifest is incomplete)
//
// Documents are held out by a hash of what identifies them (domain_writer.h), half of them to
// validation and half to test. domain_writer.h writes the folder; Domain below reads it.
// Commands take `--data PATH...` where each PATH is a domain folder or a folder of domains.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cuvee/corpus/indexed_dataset.h"

namespace cuvee {

class AtomicFile;

struct TokenizerInfo {
  std::string kind;        // "bytes", "sentencepiece" or "external" (adopter.h)
  std::string model;       // path of the SentencePiece model ("" for bytes)
  std::string model_hash;  // xxh3-64 of the model file, hex ("" for bytes)
  uint64_t vocab_size = 0;
  int32_t eos_id = 0;
  bool operator==(const TokenizerInfo&) const = default;
};

// A domain's three splits. split_name() is also the stem of the split's files.
enum class Split { kTrain, kValidation, kTest };
inline constexpr Split kSplits[] = {Split::kTrain, Split::kValidation, Split::kTest};
std::string_view split_name(Split split);
// "train", "validation" or "test"; anything else is an error naming `what` ("split") and the
// choices.
Split parse_split(std::string_view name, std::string_view what);
// DIR/NAME/train, …: the Megatron prefix (PREFIX.bin, PREFIX.idx) of a domain's split.
std::filesystem::path split_prefix(const std::filesystem::path& domain_dir, Split split);

struct SplitInfo {
  uint64_t documents = 0;
  uint64_t tokens = 0;
  std::string bin_hash;  // xxh3-64 of the .bin file, hex
  std::string idx_hash;  // xxh3-64 of the .idx file, hex
  std::string ids_hash;  // xxh3-64 of the .ids file, hex ("" when the domain has no ids)
};

struct DomainManifest {
  std::string name;
  TokenizerInfo tokenizer;
  std::string dtype;
  double heldout_fraction = 0;  // validation and test together
  SplitInfo train;
  SplitInfo validation;
  SplitInfo test;
  uint64_t skipped_bad = 0;          // documents skipped by --skip-bad
  std::string id_key;                // the input field the documents' ids came from; "": none
  std::vector<std::string> sources;  // input files, as given
  SplitInfo& split(Split s);
  const SplitInfo& split(Split s) const;
  nlohmann::json to_json() const;
  static DomainManifest from_json(const nlohmann::json& json, const std::filesystem::path& where);
};

// "N documents, T tokens in train; … in validation; … in test", for the commands to print.
std::string describe_splits(const DomainManifest& manifest);

// A domain folder's manifest.json: its path, and the format's one reader and one writer
// (errors name the file; written atomically). A manifest of the format before the validation/
// test split (cuvee-domain/1) is an error that says how to rebuild the domain.
std::filesystem::path manifest_path(const std::filesystem::path& domain_dir);
DomainManifest read_domain_manifest(const std::filesystem::path& domain_dir);
// The writer: the manifest written and finished (AtomicFile::finish) but not yet in place;
// commit() renames it. DomainWriter (domain_writer.h) calls it once every other file is on disk.
std::unique_ptr<AtomicFile> prepare_domain_manifest(const std::filesystem::path& domain_dir,
                                                    const DomainManifest& manifest);

class Domain {
 public:
  explicit Domain(const std::filesystem::path& dir);
  const std::string& name() const { return manifest_.name; }
  const std::filesystem::path& dir() const { return dir_; }
  const DomainManifest& manifest() const { return manifest_; }
  const IndexedDataset& split(Split s) const { return splits_[static_cast<size_t>(s)]; }
  const IndexedDataset& train() const { return split(Split::kTrain); }
  const IndexedDataset& validation() const { return split(Split::kValidation); }
  const IndexedDataset& test() const { return split(Split::kTest); }

 private:
  std::filesystem::path dir_;
  DomainManifest manifest_;
  std::vector<IndexedDataset> splits_;  // in kSplits order
};

// The domain folders named by `paths` (each a domain folder, with manifest.json, or a folder
// whose subfolders are domains), sorted by domain name. Errors if none is found, if a name
// repeats, or if the domains were tokenised differently.
std::vector<std::filesystem::path> find_domains(std::span<const std::filesystem::path> paths);

// Opens every domain found by find_domains.
std::vector<std::unique_ptr<Domain>> open_domains(std::span<const std::filesystem::path> paths);

}  // namespace cuvee
