#include "cuvee/train/gpt_embedder.h"

#include <cmath>

#include "cuvee/train/checkpoint.h"
#include "cuvee/train/document_pass.h"

namespace cuvee {

Embeddings embed_gpt(const std::filesystem::path& checkpoint, const DocumentTable& documents,
                     const DocumentPassOptions& options) {
  const torch::Device device = prepare_document_pass(options);
  CheckpointModel loaded = load_checkpoint_model(checkpoint, device);
  const auto width = static_cast<uint64_t>(loaded.header.shape.width);
  Embeddings embeddings;
  embeddings.rows = documents.size();
  embeddings.dim = width;
  embeddings.values.resize(embeddings.rows * width);

  DocumentPass pass;
  pass.label = "embed gpt";
  pass.feed_last_token = true;
  pass.outputs = width;  // the sum of the window's pooled states (the mean's scale cancels in
                         // the normalisation)
  pass.window = [&](const DocumentWindow& window, std::span<const int64_t>,
                    const torch::Tensor& hidden, std::span<double> out) {
    // Position 0 holds the end-of-document id before the text: pooled only when it is all the
    // document has (an empty document's single position).
    const uint64_t from = window.end > 1 ? std::max<uint64_t>(window.keep, 1) : window.keep;
    auto states = hidden.slice(0, static_cast<int64_t>(from - window.begin))
                      .to(torch::kCPU, torch::kFloat32)
                      .contiguous();
    const float* state = states.data_ptr<float>();
    std::fill(out.begin(), out.end(), 0.0);
    for (uint64_t p = from; p < window.end; ++p, state += width) {
      for (uint64_t j = 0; j < width; ++j) out[j] += state[j];
    }
  };
  pass.document = [&](uint64_t d, std::span<const double> windows) {
    std::vector<double> sum(windows.begin(), windows.begin() + width);
    for (size_t w = width; w < windows.size(); w += width) {
      for (uint64_t j = 0; j < width; ++j) sum[j] += windows[w + j];
    }
    double norm = 0;
    for (double v : sum) norm += v * v;
    // A zero sum (not seen in practice) stays zero rather than becoming NaN.
    const double scale = norm > 0 ? 1.0 / std::sqrt(norm) : 0.0;
    float* row = embeddings.values.data() + d * width;
    for (uint64_t j = 0; j < width; ++j) row[j] = static_cast<float>(sum[j] * scale);
  };
  run_document_pass(loaded.model, documents, options, pass);
  return embeddings;
}

}  // namespace cuvee
