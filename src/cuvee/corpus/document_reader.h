// Streams documents out of input files: JSONL (one JSON object per line, the text under
// `text_key`; `.jsonl`, `.json`, `.ndjson`) or plain text (one document per file, or per
// blank-line-separated block). Gzip and zstd files are decompressed on the way in
// (byte_source.h); a compression suffix (`.jsonl.gz`, `.jsonl.zst`) does not hide the format.
// Memory stays bounded whatever the input size: documents come in batches.
//
// Bad input — a malformed JSON line, a missing or non-string text field, invalid UTF-8, an
// empty document — is reported with its file and line. Validation happens in
// validate_document() so that it can run on worker threads.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cuvee {

enum class TextSplit { kFile, kBlankLine };

struct RawDocument {
  std::string payload;  // the JSON line, or the text itself for plain-text input
  bool json = false;
  size_t file = 0;    // index into the reader's inputs
  uint64_t line = 0;  // 1-based line where the document starts
};

struct ReaderOptions {
  std::string text_key = "text";
  TextSplit split = TextSplit::kFile;
};

class DocumentReader {
 public:
  // Opens nothing yet but checks that every input is a readable regular file.
  DocumentReader(std::vector<std::filesystem::path> inputs, ReaderOptions options);
  ~DocumentReader();

  // Appends documents to `batch` until about `max_bytes` are buffered; false when exhausted.
  bool next_batch(std::vector<RawDocument>& batch, size_t max_bytes);

  const std::vector<std::filesystem::path>& inputs() const { return inputs_; }
  const ReaderOptions& options() const { return options_; }
  // Total size of the inputs on disk (compressed size for compressed files), for progress.
  uint64_t total_bytes() const { return total_bytes_; }
  // Bytes of input consumed so far (on disk).
  uint64_t bytes_read() const;

 private:
  class Source;
  bool open_next();

  std::vector<std::filesystem::path> inputs_;
  ReaderOptions options_;
  uint64_t total_bytes_ = 0;
  uint64_t finished_bytes_ = 0;
  size_t next_input_ = 0;
  std::unique_ptr<Source> source_;
};

// The text of a document (and with `id_key`, its id: the field's string, or a whole number as
// JSON writes it), or the reason it is bad ("file:line: ..."), from its payload.
struct ValidatedDocument {
  std::string text;
  std::string id;
  std::string error;   // "file:line: what is wrong"; empty when the document is good
  std::string reason;  // the kind of fault, for counting skipped documents
};
ValidatedDocument validate_document(const RawDocument& doc, const std::filesystem::path& file,
                                    const std::string& text_key, const std::string& id_key = "");

// Whether a JSON payload is an object with the field `key` (false for anything else).
bool has_field(const RawDocument& doc, const std::string& key);

}  // namespace cuvee
