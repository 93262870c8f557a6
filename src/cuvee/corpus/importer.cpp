#include "cuvee/corpus/importer.h"

#include <map>
#include <memory>
#include <optional>
#include <regex>

#include "cuvee/core/error.h"
#include "cuvee/core/parallel.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/domain_writer.h"
#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/corpus/tokenizer.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {

struct EncodedDocument {
  std::vector<uint8_t> bytes;  // the tokens as the token file stores them
  std::string id;
  std::string error;  // "file:line: what is wrong" when the document is bad
  std::string reason;
  Split split = Split::kTrain;
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
  DomainWriter out(dir, dtype);
  std::optional<std::string> id_key = options.id_key;

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
      encoded[i].split = Split::kTrain;
      encoded[i].id.clear();
    }
    if (!id_key) id_key = has_field(batch.front(), "id") ? "id" : "";
    if (!id_key->empty() && !out.has_ids()) out.keep_ids();
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
      encoded[i].split = split_of(doc.text, options.heldout);
      thread_local std::vector<int32_t> tokens;
      tokens.clear();
      tokenizer->encode(doc.text, tokens);
      tokens.push_back(info.eos_id);
      // Converted to the file's bytes here, on the workers: the writing thread only writes.
      out.tokens(encoded[i].split).encode(tokens, encoded[i].bytes);
    });
    for (size_t i = 0; i < batch.size(); ++i) {
      const auto& doc = encoded[i];
      if (!doc.error.empty()) {
        if (!options.skip_bad)
          fail("{} (use --skip-bad to skip such documents and count them)", doc.error);
        ++skipped[doc.reason];
        continue;
      }
      out.add_encoded(doc.split, doc.bytes, doc.id);
    }
    progress.advance(reader.bytes_read() - report.bytes_read);
    report.bytes_read = reader.bytes_read();
  }
  progress.finish();
  if (out.documents(Split::kTrain) == 0) {
    fail("domain '{}': no training documents (inputs empty, all bad, or all held out)",
         options.domain);
  }

  DomainManifest& manifest = report.manifest;
  manifest.name = options.domain;
  manifest.tokenizer = info;
  manifest.dtype = std::string(dtype_name(dtype));
  manifest.heldout_fraction = options.heldout;
  manifest.id_key = out.has_ids() ? *id_key : "";
  for (const auto& input : options.inputs) manifest.sources.push_back(input.string());
  for (const auto& [reason, count] : skipped) {
    manifest.skipped_bad += count;
    report.skipped.emplace_back(reason, count);
  }
  out.commit(manifest);
  report.dir = dir;
  return report;
}

}  // namespace cuvee
