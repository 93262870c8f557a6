// Document embeddings from a cuvee GPT checkpoint, for density sampling: the mean of the final
// hidden states (after the last LayerNorm, before the output head) at the document's tokens,
// L2-normalised, as float32 rows of width `model.width`.
//
// Each token's state is computed as document_windows.h says (conditioned on the
// end-of-document id and the tokens before it; long documents in windows with a stride of half
// the context by default, each token's state taken from one window), so every token of a long
// document counts once. A document without tokens gets the state at its end-of-document id
// alone. The rows are unit vectors, as the TF-IDF embedder's are, so RACE's L2 hashes compare
// directions (cosine similarity), not the states' overall scale.
//
// Rows are in the DocumentTable's numbering. On the CPU they do not depend on the thread count
// (document_pass.h); the sums are in float64.
#pragma once

#include <filesystem>

#include "cuvee/selection/documents.h"
#include "cuvee/selection/embeddings.h"
#include "cuvee/train/document_windows.h"

namespace cuvee {

// `checkpoint`: a run folder or its checkpoint file.
Embeddings embed_gpt(const std::filesystem::path& checkpoint, const DocumentTable& documents,
                     const DocumentPassOptions& options);

}  // namespace cuvee
