#include "cuvee/train/perplexity.h"

#include <limits>

#include "cuvee/train/checkpoint.h"
#include "cuvee/train/document_pass.h"

namespace cuvee {

Scores perplexity_scores(const std::filesystem::path& checkpoint, const DocumentTable& documents,
                         const DocumentPassOptions& options) {
  const torch::Device device = prepare_document_pass(options);
  CheckpointModel loaded = load_checkpoint_model(checkpoint, device);
  Gpt& model = loaded.model;
  Scores scores;
  scores.values.resize(documents.size());
  scores.notes.assign(documents.size(), "");
  uint64_t tokens = 0, empty = 0;

  DocumentPass pass;
  pass.label = "perplexity";
  pass.outputs = 2;  // the summed loss of the kept positions, their count
  pass.window = [&](const DocumentWindow& window, std::span<const int64_t> tokens,
                    const torch::Tensor& hidden, std::span<double> out) {
    const auto first = static_cast<int64_t>(window.keep - window.begin);
    const auto last = static_cast<int64_t>(window.end - window.begin);
    auto log_probs = torch::log_softmax(model->head(hidden.slice(0, first)).to(torch::kFloat64), 1);
    auto targets =
        torch::tensor(std::vector<int64_t>(tokens.begin() + first + 1, tokens.begin() + last + 1));
    auto picked = log_probs.gather(1, targets.to(log_probs.device()).view({-1, 1}))
                      .to(torch::kCPU)
                      .contiguous();
    const double* value = picked.data_ptr<double>();
    double sum = 0;
    for (int64_t k = 0; k < last - first; ++k) sum -= value[k];
    out[0] = sum;
    out[1] = static_cast<double>(last - first);
  };
  pass.document = [&](uint64_t d, std::span<const double> windows) {
    double sum = 0, count = 0;
    for (size_t w = 0; w < windows.size(); w += 2) {
      sum += windows[w];
      count += windows[w + 1];
    }
    tokens += static_cast<uint64_t>(count);
    if (count == 0) {
      scores.values[d] = std::numeric_limits<double>::infinity();
      scores.notes[d] = "empty";
      ++empty;
    } else {
      scores.values[d] = sum / count;
    }
  };
  run_document_pass(model, documents, options, pass);

  if (empty == 0) scores.notes.clear();
  const auto context = static_cast<uint64_t>(loaded.header.shape.context);
  scores.meta = {{"method", "perplexity"},
                 {"score", "mean next-token negative log-likelihood, nats (log perplexity)"},
                 {"checkpoint", loaded.file.string()},
                 {"step", loaded.header.state.step},
                 {"model", loaded.header.shape.to_json()},
                 {"condition", "end-of-document id"},
                 {"stride", window_stride(options, context)},
                 {"max_tokens", options.max_tokens},
                 {"device", device.str()},
                 {"documents", documents.size()},
                 {"tokens", tokens},
                 {"empty", empty}};
  return scores;
}

}  // namespace cuvee
