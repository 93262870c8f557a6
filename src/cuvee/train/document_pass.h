// One pass of a trained GPT over the documents of a DocumentTable, read as document_windows.h
// says. The caller reduces each window to a few numbers (`window`, called concurrently) and
// each document to its result from its windows' numbers (`document`, called in document order).
//
// On the CPU every window is its own forward pass over exactly its tokens, the windows spread
// over `threads` OpenMP threads that each compute one window at a time with single-threaded
// kernels. A window's numbers are then a function of its tokens alone: BLAS rounds a row of a
// matrix product differently depending on the product's other rows and on its thread count, so
// padded batches would change scores in their last bits with the batch size and the threads.
// One window per pass costs little: on two cores a batch of 16 windows of 64 or more tokens is
// no faster than 16 passes of one (short windows gain up to 2x from batching).
//
// On CUDA the windows go in batches of `batch_size`, longest first, each batch padded with the
// end-of-document id to its longest window (the causal mask keeps padding out of every real
// position); there results may differ in the last bits with the batch size.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include <torch/types.h>

#include "cuvee/selection/documents.h"
#include "cuvee/train/document_windows.h"
#include "cuvee/train/gpt.h"

namespace cuvee {

struct DocumentPass {
  // Feed the document's last token too (document_windows.h): the embedder does, perplexity not.
  bool feed_last_token = false;
  std::string label;   // for the progress line
  size_t outputs = 0;  // numbers per window
  // tokens: s[begin] … s[end] (s[end] absent at the sequence's end), the targets one on from the
  // fed positions; hidden: [end − begin, width], the final hidden states at the fed positions,
  // on the model's device. Writes the window's `outputs` numbers to `out` and nothing else.
  std::function<void(const DocumentWindow& window, std::span<const int64_t> tokens,
                     const torch::Tensor& hidden, std::span<double> out)>
      window;
  // The numbers of document d's windows in window order, windows × outputs.
  std::function<void(uint64_t document, std::span<const double> windows)> document;
};

// Sets the thread count and returns the device `options` names.
torch::Device prepare_document_pass(const DocumentPassOptions& options);

// Errors name the domain's manifest or token file when the documents were not tokenised for
// this model: another vocabulary size, or a token id outside the vocabulary.
void run_document_pass(Gpt& model, const DocumentTable& documents,
                       const DocumentPassOptions& options, const DocumentPass& pass);

}  // namespace cuvee
