// Perplexity scoring, the perplexity-filtering peer in the comparison of Sachdeva et al. 2024
// ("How to Train Data-Efficient LLMs", arXiv 2402.09668; docs/selection.md, "Perplexity
// scoring and the GPT embedder"): how well a reference GPT, a cuvee checkpoint, predicts each
// document. The score is the document's mean next-token negative log-likelihood in nats,
// log(perplexity): lower is more predictable. Comparable to the training and held-out losses
// of metrics.jsonl, which are means of the same quantity over training windows.
//
// Every token of the document is predicted once, conditioned on the end-of-document id and the
// tokens before it, in windows as document_windows.h says (long documents: a stride of half the
// context by default, so each token has at least half a context in view). The end-of-document
// id itself is not predicted. A document without tokens has nothing to judge: its score is
// +infinity, noted "empty", so selections that keep low or middle perplexity never keep it.
//
// With `max_tokens` N only each document's first N tokens are predicted: a prefix perplexity,
// for corpora too large to read whole (the study reads one context's worth).
//
// On the CPU the scores do not depend on the thread count (or the batch size, which only CUDA
// uses): each window is computed on its own from its tokens alone, and a document's windows are
// summed in window order (document_pass.h). The log-softmax and the sums are in float64.
#pragma once

#include <filesystem>

#include "cuvee/selection/documents.h"
#include "cuvee/selection/scores.h"
#include "cuvee/train/document_windows.h"

namespace cuvee {

// One score per document of `documents`; meta records the method, the checkpoint (file, step,
// model shape), the windowing and the tokens scored. `checkpoint`: a run folder or its
// checkpoint file.
Scores perplexity_scores(const std::filesystem::path& checkpoint, const DocumentTable& documents,
                         const DocumentPassOptions& options);

}  // namespace cuvee
