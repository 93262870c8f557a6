// How a trained GPT reads whole documents, for perplexity scoring and the GPT embedder.
//
// Document d, tokens t_0 … t_{n−1} (without its end-of-document id), is read as the training
// stream presents it: after the end-of-document id that closes the document before it, so the
// sequence is s = [EOD, t_0, …, t_{n−1}]. Position p feeds s[p] to the model; its next token is
// s[p + 1]. Perplexity feeds positions 0 … n − 1 (each predicts a document token, the last token
// predicts nothing); the embedder feeds 0 … n (its states are those of the document's tokens).
//
// A sequence of L fed positions longer than the context T is read in windows that start every
// S positions (the stride, default T/2): window k feeds [kS, min(kS + T, L)) and keeps the
// positions that window k − 1 did not reach, so every position outside the first window is
// computed with at least T − S positions before it in view. S = T gives non-overlapping windows,
// each conditioned on its own start only (cheaper, and harder on the tokens after each cut).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cuvee {

struct DocumentPassOptions {
  uint64_t batch_size = 16;    // CUDA: windows per forward pass (the CPU takes one at a time)
  uint64_t stride = 0;         // S; 0: context / 2 (at least 1)
  uint64_t max_tokens = 0;     // read only each document's first this many positions; 0: all
  int threads = 0;             // CPU: windows computed at once; 0: default_threads()
  std::string device = "cpu";  // cpu, cuda, or auto (CUDA when libtorch sees one)
};

struct DocumentWindow {
  uint64_t document = 0;  // its number in the DocumentTable
  uint64_t begin = 0;     // positions [begin, end) are fed
  uint64_t end = 0;
  uint64_t keep = 0;  // positions [keep, end) are this window's to report
  bool operator==(const DocumentWindow&) const = default;
};

// The windows of a sequence of `positions` fed positions (none when it is 0). Errors unless
// 1 ≤ stride ≤ context.
std::vector<DocumentWindow> plan_windows(uint64_t document, uint64_t positions, uint64_t context,
                                         uint64_t stride);

// The stride `options` asks for under a context of `context` (resolving 0), checked.
uint64_t window_stride(const DocumentPassOptions& options, uint64_t context);

}  // namespace cuvee
