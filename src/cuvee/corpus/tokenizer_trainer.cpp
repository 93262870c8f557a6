#include "cuvee/corpus/tokenizer_trainer.h"

#include <sentencepiece_trainer.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"

namespace cuvee {
namespace fs = std::filesystem;

namespace {
constexpr uint64_t kSampleSalt = 0x6375766565746f6bULL;  // "cuveetok"
// SentencePiece drops longer sentences; lines are cut to this before they reach it.
constexpr size_t kMaxLineBytes = 8192;

// The longest prefix of `line` no longer than `limit` bytes that ends on a UTF-8 boundary.
std::string_view utf8_prefix(std::string_view line, size_t limit) {
  if (line.size() <= limit) return line;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
  return line.substr(0, end);
}
}  // namespace

TokenizerTrainReport train_tokenizer(const TokenizerTrainOptions& options) {
  if (options.vocab_size < 300)
    fail("--vocab-size must be at least 300 (256 byte pieces + specials), got {}",
         options.vocab_size);
  DocumentReader reader(options.inputs, options.reader);
  // SentencePiece records its input and output paths in the model, so the working folder's name
  // depends only on --out: the same command writes the same bytes.
  fs::path temp_dir = options.out;
  temp_dir += ".tmp.d";
  fs::create_directories(temp_dir);
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{temp_dir};

  TokenizerTrainReport report;
  {
    AtomicFile sample(temp_dir / "sample.txt");
    const uint64_t share = options.sample_bytes / options.inputs.size();
    Progress progress("tokenizer sample", reader.total_bytes(), "B");
    std::vector<RawDocument> batch;
    uint64_t seen = 0;
    while (reader.next_batch(batch, 4 << 20)) {
      for (const auto& raw : batch) {
        const fs::path& file = reader.inputs()[raw.file];
        double fraction =
            std::min(1.0, static_cast<double>(share) / std::max<double>(1.0, fs::file_size(file)));
        auto doc = validate_document(raw, file, options.reader.text_key);
        if (!doc.error.empty()) {
          ++report.skipped_bad;
          continue;
        }
        if (static_cast<double>(hash64(doc.text, kSampleSalt) >> 11) * 0x1.0p-53 >= fraction)
          continue;
        size_t start = 0;
        while (start < doc.text.size()) {
          size_t end = doc.text.find('\n', start);
          if (end == std::string::npos) end = doc.text.size();
          std::string_view line =
              utf8_prefix(std::string_view(doc.text).substr(start, end - start), kMaxLineBytes);
          start = end + 1;
          if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
          sample.write(line);
          sample.write("\n");
          report.sample_bytes += line.size() + 1;
          ++report.sample_lines;
        }
      }
      batch.clear();
      progress.advance(reader.bytes_read() - seen);
      seen = reader.bytes_read();
    }
    progress.finish();
    sample.commit();
  }
  if (report.sample_lines == 0) fail("tokenizer train: the inputs hold no usable text");

  const int threads = options.threads > 0 ? options.threads : default_threads();
  // Identity normalisation and kept whitespace, so code and tables survive; byte fallback, so
  // any UTF-8 text encodes without unknown pieces; digits split, so arithmetic is learnable.
  std::string args = fmt::format(
      "--input={} --model_prefix={} --vocab_size={} --model_type=bpe --byte_fallback=true "
      "--split_digits=true --normalization_rule_name=identity --remove_extra_whitespaces=false "
      "--allow_whitespace_only_pieces=true --character_coverage={} --input_sentence_size=0 "
      "--shuffle_input_sentence=false --max_sentence_length={} --num_threads={} "
      "--unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1 --minloglevel=1",
      (temp_dir / "sample.txt").string(), (temp_dir / "model").string(), options.vocab_size,
      options.character_coverage, kMaxLineBytes + 1, threads);
  auto status = sentencepiece::SentencePieceTrainer::Train(args);
  if (!status.ok()) fail("SentencePiece training failed: {}", status.ToString());
  if (options.out.has_parent_path()) fs::create_directories(options.out.parent_path());
  fs::rename(temp_dir / "model.model", options.out);
  return report;
}

}  // namespace cuvee
