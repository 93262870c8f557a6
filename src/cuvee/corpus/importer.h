// Import: documents → a tokenised domain (domain.h describes the layout). Streams the inputs in
// batches, validates and encodes each batch on all threads, and writes the documents in input
// order, so the output is the same bytes on any thread count. Held-out documents (validation
// and test) are chosen by a hash of their text (split_of, domain_writer.h), so the split does
// not depend on order and exact duplicates never straddle it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cuvee/corpus/document_reader.h"
#include "cuvee/corpus/domain.h"

namespace cuvee {

struct ImportOptions {
  std::string domain;
  std::filesystem::path out;  // folder of domains; the domain goes to out/domain
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path tokenizer;  // empty: byte-level tokens
  ReaderOptions reader;
  double heldout = 0.01;  // validation and test together
  // The JSONL field of each document's id (document_ids.h): unset, `id` when the first
  // document has that field; "" for none. Once chosen, every document must have it.
  std::optional<std::string> id_key;
  bool skip_bad = false;
  int threads = 0;  // 0: default_threads()
  size_t batch_bytes = 8 << 20;
};

struct ImportReport {
  DomainManifest manifest;
  std::filesystem::path dir;
  uint64_t bytes_read = 0;
  // Skipped documents by reason ("malformed JSON", "invalid UTF-8", ...), with --skip-bad.
  std::vector<std::pair<std::string, uint64_t>> skipped;
};

// Refuses a domain name that is not a letter or digit followed by letters, digits, '_', '-', '.'.
void check_domain_name(const std::string& name);

ImportReport import_domain(const ImportOptions& options);

}  // namespace cuvee
