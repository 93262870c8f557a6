// The document reader (`cuvee import`'s input): JSONL and plain text, gzip- or zstd-compressed
// or not, read in batches and validated document by document. The first byte picks the kind of
// input and the batch size; the rest is the file (compressed here for kinds 4 and 5, so that
// the decompressors see every line shape; kinds 3 and 6 take the bytes as a compressed file).
#include <zlib.h>
#include <zstd.h>

#include <vector>

#include "cuvee/core/utf8.h"
#include "cuvee/corpus/document_reader.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  const char* names[] = {"docs.jsonl",     "docs.txt",      "docs.txt",     "docs.jsonl.zst",
                         "docs.jsonl.zst", "docs.jsonl.gz", "docs.jsonl.gz"};
  const int kind = mode % 7;
  std::string content(bytes);
  if (kind == 4) {
    static ZSTD_CCtx* context = ZSTD_createCCtx();  // one for every input: creating it is slow
    content.resize(ZSTD_compressBound(bytes.size()));
    size_t n =
        ZSTD_compressCCtx(context, content.data(), content.size(), bytes.data(), bytes.size(), 1);
    fuzz::require(!ZSTD_isError(n), "ZSTD_compress failed");
    content.resize(n);
  } else if (kind == 5) {  // gzip: deflate with a gzip header (windowBits 15 + 16)
    z_stream stream{};
    fuzz::require(deflateInit2(&stream, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK,
                  "deflateInit2 failed");
    content.resize(deflateBound(&stream, bytes.size()) + 32);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream.avail_in = static_cast<uInt>(bytes.size());
    stream.next_out = reinterpret_cast<Bytef*>(content.data());
    stream.avail_out = static_cast<uInt>(content.size());
    fuzz::require(deflate(&stream, Z_FINISH) == Z_STREAM_END, "deflate failed");
    content.resize(stream.total_out);
    deflateEnd(&stream);
  }
  auto path = fuzz::scratch_file(names[kind], content);
  ReaderOptions options;
  options.split = kind == 2 ? TextSplit::kBlankLine : TextSplit::kFile;
  const size_t batch_bytes = 1 + (mode >> 3) * 7;
  fuzz::expect_clean(path.filename().string(), [&] {
    DocumentReader reader({path}, options);
    std::vector<RawDocument> batch;
    uint64_t last_line = 0;
    while (reader.next_batch(batch, batch_bytes)) {
      for (const auto& doc : batch) {
        fuzz::require(doc.line >= last_line, "document lines go backwards");
        last_line = doc.line;
        auto checked = validate_document(doc, path, options.text_key);
        if (checked.error.empty()) {
          fuzz::require(find_invalid_utf8(checked.text) == std::string_view::npos,
                        "a document accepted with invalid UTF-8");
        } else {
          fuzz::require(checked.error.find(path.filename().string()) != std::string::npos,
                        "a document error that does not name the file: " + checked.error);
          fuzz::require(!checked.reason.empty(), "a document error without a reason");
        }
      }
      batch.clear();
    }
    fuzz::require(reader.bytes_read() <= reader.total_bytes(), "more bytes read than the file has");
  });
  return 0;
}
