#include "cuvee/corpus/importer.h"

#include <map>
#include <memory>
#include <optional>
#include <regex>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/parallel.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/document_ids.h"
#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/corpus/tokenizer.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {

// A fixed salt keeps the split independent of any other hash of the same text.
constexpr uint64_t kHeldoutSalt = 0x6375766565686c64ULL;  // "cuveehld"

struct EncodedDocument {
  std::vector<uint8_t> bytes;  // the tokens as the token file stores them
  std::string id;
  std::string error;  // "file:line: what is wrong" when the document is bad
  std::string reason;
  bool heldout = false;
};

}  // namespace

void check_domain_name(const std::string& name) {
  static const std::regex valid("[A-Za-z0-9][A-Za-z0-9_.-]*");
  if (!std::regex_match(name, valid)) {
    fail(
        "domain name '{}' must start with a letter or digit and use only letters, digits, "
        "'_', '-' and '.'",
        name);
  }
}

bool is_heldout(std::string_view text, double fraction) {
  double u = static_cast<double>(hash64(text, kHeldoutSalt) >> 11) * 0x1.0p-53;
  return u < fraction;
}

ImportReport import_domain(const ImportOptions& options) {
  check_domain_name(options.domain);
  if (!(options.heldout >= 0 && options.heldout < 1)) {
    fail("--heldout must be in [0, 1), got {}", options.heldout);
  }
  DocumentReader reader(options.inputs, options.reader);
  auto tokenizer = open_tokenizer(options.tokenizer);
  const TokenizerInfo& info = tokenizer->info();
  const DType dtype = dtype_for_vocab(info.vocab_size);
  const int threads = options.threads > 0 ? options.threads : default_threads();

  const fs::path dir = options.out / options.domain;
  // A folder this import creates is removed again if the import fails.
  struct NewFolder {
    fs::path path;
    bool keep = false;
    ~NewFolder() {
      std::error_code ignored;
      if (!keep && !path.empty()) fs::remove(path, ignored);  // only if empty
    }
  } new_folder{fs::exists(dir) ? fs::path() : dir};
  fs::create_directories(dir);
  IndexedDatasetWriter train(dir / "train", dtype);
  IndexedDatasetWriter heldout(dir / "heldout", dtype);
  std::optional<std::string> id_key = options.id_key;
  std::unique_ptr<DocumentIdsWriter> train_ids, heldout_ids;

  ImportReport report;
  std::map<std::string, uint64_t> skipped;
  Progress progress("import " + options.domain, reader.total_bytes(), "B");
  std::vector<RawDocument> batch;
  std::vector<EncodedDocument> encoded;
  while (true) {
    batch.clear();
    if (!reader.next_batch(batch, options.batch_bytes)) break;
    // Each slot keeps its buffer from the batch before: a batch's megabytes, freed and
    // allocated again, would come back from the kernel as fresh pages, faulted in one by one.
    encoded.resize(std::max(encoded.size(), batch.size()));
    for (size_t i = 0; i < batch.size(); ++i) {
      encoded[i].bytes.clear();
      encoded[i].error.clear();
      encoded[i].reason.clear();
      encoded[i].heldout = false;
      encoded[i].id.clear();
    }
    if (!id_key) id_key = has_field(batch.front(), "id") ? "id" : "";
    if (!id_key->empty() && !train_ids) {
      train_ids = std::make_unique<DocumentIdsWriter>(dir, "train");
      heldout_ids = std::make_unique<DocumentIdsWriter>(dir, "heldout");
    }
    // Validated and encoded on every thread; results land in input order.
    parallel_for(batch.size(), threads, 1, [&](uint64_t i) {
      auto doc = validate_document(batch[i], reader.inputs()[batch[i].file],
                                   options.reader.text_key, *id_key);
      if (!doc.error.empty()) {
        encoded[i].error = std::move(doc.error);
        encoded[i].reason = std::move(doc.reason);
        return;
      }
      encoded[i].id = std::move(doc.id);
      encoded[i].heldout = is_heldout(doc.text, options.heldout);
      thread_local std::vector<int32_t> tokens;
      tokens.clear();
      tokenizer->encode(doc.text, tokens);
      tokens.push_back(info.eos_id);
      // Converted to the file's bytes here, on the workers: the writing thread only writes.
      (encoded[i].heldout ? heldout : train).encode(tokens, encoded[i].bytes);
    });
    for (size_t i = 0; i < batch.size(); ++i) {
      const auto& doc = encoded[i];
      if (!doc.error.empty()) {
        if (!options.skip_bad)
          fail("{} (use --skip-bad to skip such documents and count them)", doc.error);
        ++skipped[doc.reason];
        continue;
      }
      (doc.heldout ? heldout : train).add_encoded(doc.bytes);
      if (train_ids) (doc.heldout ? *heldout_ids : *train_ids).add(doc.id);
    }
    progress.advance(reader.bytes_read() - report.bytes_read);
    report.bytes_read = reader.bytes_read();
  }
  progress.finish();
  if (train.documents() == 0) {
    fail("domain '{}': no training documents (inputs empty, all bad, or all held out)",
         options.domain);
  }

  DomainManifest& manifest = report.manifest;
  manifest.name = options.domain;
  manifest.tokenizer = info;
  manifest.dtype = std::string(dtype_name(dtype));
  manifest.heldout_fraction = options.heldout;
  manifest.id_key = train_ids ? *id_key : "";
  for (const auto& input : options.inputs) manifest.sources.push_back(input.string());
  for (const auto& [reason, count] : skipped) {
    manifest.skipped_bad += count;
    report.skipped.emplace_back(reason, count);
  }
  // Every new byte goes onto the disk first, under temporary names: a full disk then fails the
  // import with the old domain whole.
  train.finish();
  heldout.finish();
  manifest.train = {train.documents(), train.tokens(), file_hash(train.bin_temporary()),
                    file_hash(train.idx_temporary()), ""};
  manifest.heldout = {heldout.documents(), heldout.tokens(), file_hash(heldout.bin_temporary()),
                      file_hash(heldout.idx_temporary()), ""};
  if (train_ids) {
    train_ids->finish();
    heldout_ids->finish();
    manifest.train.ids_hash = file_hash(train_ids->temporary());
    manifest.heldout.ids_hash = file_hash(heldout_ids->temporary());
  }
  auto manifest_file = prepare_domain_manifest(dir, manifest);
  // Then only renames and removals. The old manifest goes first: while the new files replace the
  // old, the domain reads as incomplete rather than as a mix of both.
  fs::remove(manifest_path(dir));
  train.commit();
  heldout.commit();
  if (train_ids) {
    train_ids->commit();
    heldout_ids->commit();
  } else {
    // Ids of an earlier import into this folder would not belong to these documents.
    fs::remove(ids_path(dir, "train"));
    fs::remove(ids_path(dir, "heldout"));
  }
  manifest_file->commit();
  new_folder.keep = true;
  report.dir = dir;
  return report;
}

}  // namespace cuvee
