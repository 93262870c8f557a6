#include "cuvee/train/document_pass.h"

#include <algorithm>
#include <exception>
#include <numeric>
#include <vector>

#include <c10/core/InferenceMode.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/threads.h"

namespace cuvee {

namespace {

// Documents read, windowed and reduced together; bounds the memory a pass holds.
constexpr uint64_t kChunk = 4096;

void check_vocabulary(const DocumentTable& documents, const ModelShape& shape) {
  for (const auto& domain : documents.domains()) {
    const auto& tokenizer = domain->manifest().tokenizer;
    if (static_cast<int64_t>(tokenizer.vocab_size) != shape.vocab_size) {
      fail(
          "{}: domain '{}' was tokenised with a vocabulary of {}; the model has {} (expected "
          "documents tokenised as the model's training data)",
          manifest_path(domain->dir()).string(), domain->name(), tokenizer.vocab_size,
          shape.vocab_size);
    }
  }
}

// s = [EOD, t_0, …] of document i, its ids checked against the vocabulary.
std::vector<int64_t> read_sequence(const DocumentTable& documents, uint64_t i, int64_t vocab) {
  auto ref = documents.at(i);
  auto tokens = documents.tokens(i);
  std::vector<int64_t> sequence;
  sequence.reserve(tokens.size() + 1);
  sequence.push_back(ref.domain->manifest().tokenizer.eos_id);
  for (int32_t token : tokens) {
    if (token < 0 || token >= vocab) {
      fail("{}.bin: document {} holds token id {}; the model's vocabulary is 0 to {}",
           ref.split->prefix().string(), ref.index, token, vocab - 1);
    }
    sequence.push_back(token);
  }
  return sequence;
}

struct Chunk {
  uint64_t first = 0;
  std::vector<std::vector<int64_t>> sequences;  // of documents first, first + 1, …
  std::vector<DocumentWindow> windows;          // in document order, then window order

  std::span<const int64_t> tokens(const DocumentWindow& w) const {
    const auto& s = sequences[w.document - first];
    return std::span(s).subspan(w.begin, std::min<uint64_t>(w.end + 1, s.size()) - w.begin);
  }
};

// Indices of the chunk's windows, longest first (ties: chunk order).
std::vector<size_t> longest_first(const Chunk& chunk) {
  std::vector<size_t> order(chunk.windows.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const auto &x = chunk.windows[a], &y = chunk.windows[b];
    return x.end - x.begin > y.end - y.begin;
  });
  return order;
}

// CPU: one forward pass per window on OpenMP threads; the first error (by window) is rethrown.
void run_on_cpu(Gpt& model, const Chunk& chunk, const DocumentPass& pass, int threads,
                std::vector<double>& out) {
  const auto n = static_cast<int64_t>(chunk.windows.size());
  const auto order = longest_first(chunk);  // balances the dynamic schedule
  std::vector<std::exception_ptr> errors(n);
#pragma omp parallel num_threads(threads)
  {
    // Inside a parallel region libtorch's operators and OpenMP OpenBLAS run single-threaded.
    c10::InferenceMode inference;
#pragma omp for schedule(dynamic, 1)
    for (int64_t k = 0; k < n; ++k) {
      const size_t i = order[k];
      try {
        const auto& window = chunk.windows[i];
        auto tokens = chunk.tokens(window);
        const auto time = static_cast<int64_t>(window.end - window.begin);
        auto inputs =
            torch::from_blob(const_cast<int64_t*>(tokens.data()), {1, time}, torch::kInt64);
        auto hidden = model->hidden(inputs)[0];
        pass.window(window, tokens, hidden, std::span(out).subspan(i * pass.outputs, pass.outputs));
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  }
  for (auto& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

// CUDA: batches of windows, longest first, padded with the end-of-document id.
void run_batched(Gpt& model, const Chunk& chunk, const DocumentPass& pass, uint64_t batch_size,
                 int64_t pad, std::vector<double>& out) {
  c10::InferenceMode inference;
  const torch::Device device = model->wte->weight.device();
  const auto order = longest_first(chunk);
  for (size_t start = 0; start < order.size(); start += batch_size) {
    const size_t rows = std::min<size_t>(batch_size, order.size() - start);
    const auto& longest = chunk.windows[order[start]];
    const auto time = static_cast<int64_t>(longest.end - longest.begin);
    std::vector<int64_t> tokens(rows * time, pad);
    for (size_t r = 0; r < rows; ++r) {
      const auto& window = chunk.windows[order[start + r]];
      auto fed = chunk.tokens(window).subspan(0, window.end - window.begin);
      std::copy(fed.begin(), fed.end(), tokens.begin() + r * time);
    }
    auto inputs = torch::from_blob(tokens.data(), {static_cast<int64_t>(rows), time}, torch::kInt64)
                      .to(device);
    auto hidden = model->hidden(inputs);
    for (size_t r = 0; r < rows; ++r) {
      const size_t i = order[start + r];
      const auto& window = chunk.windows[i];
      pass.window(window, chunk.tokens(window),
                  hidden[static_cast<int64_t>(r)].slice(0, 0, window.end - window.begin),
                  std::span(out).subspan(i * pass.outputs, pass.outputs));
    }
  }
}

}  // namespace

torch::Device prepare_document_pass(const DocumentPassOptions& options) {
  if (options.device != "cpu" && options.device != "cuda" && options.device != "auto") {
    fail("--device {}: expected cpu, cuda or auto", options.device);
  }
  const bool cuda = torch::cuda::is_available();
  if (options.device == "cuda" && !cuda) fail("--device cuda: this libtorch sees no CUDA device");
  if (options.device == "cpu" || !cuda) {
    // The work is split by window (run_on_cpu); operators called outside it take one thread.
    torch::set_num_threads(1);
    return torch::kCPU;
  }
  return torch::kCUDA;
}

void run_document_pass(Gpt& model, const DocumentTable& documents,
                       const DocumentPassOptions& options, const DocumentPass& pass) {
  const ModelShape& shape = model->shape();
  check_vocabulary(documents, shape);
  const auto context = static_cast<uint64_t>(shape.context);
  const uint64_t stride = window_stride(options, context);
  const bool on_cpu = model->wte->weight.device().is_cpu();
  const int threads = options.threads > 0 ? options.threads : default_threads();
  Progress progress(pass.label, documents.size(), "docs");
  for (uint64_t first = 0; first < documents.size(); first += kChunk) {
    const uint64_t end = std::min(first + kChunk, documents.size());
    Chunk chunk;
    chunk.first = first;
    std::vector<size_t> window_start;  // of each document in chunk.windows, and the end
    for (uint64_t i = first; i < end; ++i) {
      chunk.sequences.push_back(read_sequence(documents, i, shape.vocab_size));
      const uint64_t n = chunk.sequences.back().size() - 1;
      uint64_t positions = pass.feed_last_token ? n + 1 : n;
      if (options.max_tokens > 0) positions = std::min(positions, options.max_tokens);
      auto planned = plan_windows(i, positions, context, stride);
      window_start.push_back(chunk.windows.size());
      chunk.windows.insert(chunk.windows.end(), planned.begin(), planned.end());
    }
    window_start.push_back(chunk.windows.size());
    std::vector<double> out(chunk.windows.size() * pass.outputs);
    if (on_cpu) {
      run_on_cpu(model, chunk, pass, threads, out);
    } else {
      run_batched(model, chunk, pass, std::max<uint64_t>(options.batch_size, 1),
                  chunk.sequences.front().front(), out);
    }
    for (uint64_t i = first; i < end; ++i) {
      const size_t from = window_start[i - first], to = window_start[i - first + 1];
      pass.document(i, std::span(out).subspan(from * pass.outputs, (to - from) * pass.outputs));
    }
    progress.advance(end - first);
  }
  progress.finish();
}

}  // namespace cuvee
