// SentencePiece encoding throughput: cuvee's tokenizer on all cores against SentencePiece's own
// `spm_encode` (one process, as users run it) on the same text and model.
// Usage: bench_corpus_encode [FILE.jsonl [MODEL]]  (default: generated text and a small model
// trained here; `make bench` passes a localpile domain and its 8192-piece model when present)
#include <cstdio>
#include <cstdlib>
#include <future>

#include "bench_common.h"
#include "bench_text.h"
#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/document_reader.h"
#include "cuvee/corpus/tokenizer.h"
#include "cuvee/corpus/tokenizer_trainer.h"

using namespace cuvee;

int main(int argc, char** argv) {
  Progress::set_enabled(false);
  bench::Scratch scratch("encode");
  auto input = bench::benchmark_jsonl(argc, argv, scratch.path(), 16 << 20);
  std::filesystem::path model =
      argc > 2 ? std::filesystem::path(argv[2]) : scratch.path() / "bench.model";
  if (argc <= 2) {
    TokenizerTrainOptions train;
    train.inputs = {input};
    train.out = model;
    train.vocab_size = 500;  // the generated text has few distinct words
    train.sample_bytes = 4 << 20;
    train_tokenizer(train);
  }
  // The documents' texts, one per line for spm_encode (newlines inside documents become spaces
  // in both runs, so both encode the same text).
  std::vector<std::string> texts;
  DocumentReader reader({input}, {});
  std::vector<RawDocument> batch;
  std::string plain;
  while (reader.next_batch(batch, 8 << 20)) {
    for (const auto& raw : batch) {
      auto doc = validate_document(raw, input, "text");
      if (!doc.error.empty()) continue;
      std::replace(doc.text.begin(), doc.text.end(), '\n', ' ');
      plain += doc.text + "\n";
      texts.push_back(std::move(doc.text));
    }
    batch.clear();
  }
  auto text_file = scratch.path() / "plain.txt";
  std::FILE* f = std::fopen(text_file.c_str(), "wb");
  std::fwrite(plain.data(), 1, plain.size(), f);
  std::fclose(f);

  auto tokenizer = open_tokenizer(model);
  const int threads = default_threads();
  uint64_t tokens = 0;
  double ours_s = bench::best_seconds(2, [&] {
    std::vector<std::future<uint64_t>> parts;
    for (int t = 0; t < threads; ++t) {
      parts.push_back(std::async(std::launch::async, [&, t] {
        std::vector<int32_t> ids;
        uint64_t count = 0;
        for (size_t i = t; i < texts.size(); i += threads) {
          ids.clear();
          tokenizer->encode(texts[i], ids);
          count += ids.size();
        }
        return count;
      }));
    }
    tokens = 0;
    for (auto& part : parts) tokens += part.get();
  });
  std::string command = fmt::format("spm_encode --model={} --output_format=id < {} > /dev/null",
                                    model.string(), text_file.string());
  double spm_s = bench::best_seconds(2, [&] {
    if (std::system(command.c_str()) != 0)
      fail("spm_encode failed (is the sentencepiece package installed?)");
  });
  const double megabytes = static_cast<double>(plain.size()) / 1e6;
  bench::report(fmt::format("encode ({} threads)", threads).c_str(),
                fmt::format("{:.1f} MB/s {:.2f} Mtok/s", megabytes / ours_s, tokens / ours_s / 1e6),
                fmt::format("{:.1f} MB/s spm_encode", megabytes / spm_s), spm_s / ours_s,
                "cuvee encode speed / spm_encode speed");
  return 0;
}
