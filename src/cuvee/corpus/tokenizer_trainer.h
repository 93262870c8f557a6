// Trains a SentencePiece BPE model on a sample across input files (one per domain, usually).
// Each input gets an equal share of the sample, so a large domain does not drown a small one;
// documents are picked by a hash of their text, so the sample — and the model — depend only
// on the inputs.
#pragma once

#include <filesystem>
#include <vector>

#include "cuvee/corpus/document_reader.h"

namespace cuvee {

struct TokenizerTrainOptions {
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path out;  // the .model file
  uint32_t vocab_size = 8192;
  uint64_t sample_bytes = 24 << 20;  // total sample across inputs
  double character_coverage = 0.9995;
  ReaderOptions reader;
  int threads = 0;
};

struct TokenizerTrainReport {
  uint64_t sample_bytes = 0;
  uint64_t sample_lines = 0;
  uint64_t skipped_bad = 0;
};

TokenizerTrainReport train_tokenizer(const TokenizerTrainOptions& options);

}  // namespace cuvee
