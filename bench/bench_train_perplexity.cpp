// Perplexity scoring (cuvee score perplexity) on the demo model's shape (examples/
// demo_model.toml, localpile's 8192-token vocabulary, random weights) over random-token
// documents, against two references measured in the same run with the same thread count:
//   - the machine's sgemm peak (torch::mm on square float32 matrices, best of several sizes):
//     the pass's matmul FLOP/s (every window's linear layers, attention products in full, the
//     output head at the positions it scores) as a fraction of it;
//   - the plain batched alternative: the same windows in padded batches of 16 through
//     Gpt::forward with libtorch's own threading, then log-softmax (what document_pass.h
//     explains cuvee does not do, because its last bits depend on the batch and threads).
// Rounds alternate the three; each one's best round counts.
//
// Usage: bench_train_perplexity [--documents N] [--tokens L] [--rounds R] [--threads T]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <torch/torch.h>

#include "bench_common.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/rng.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/corpus/domain_writer.h"
#include "cuvee/run/config.h"
#include "cuvee/train/checkpoint.h"
#include "cuvee/train/document_windows.h"
#include "cuvee/train/gpt.h"
#include "cuvee/train/perplexity.h"
#include "cuvee/train/step.h"
#include "cuvee/train/trainer.h"

using namespace cuvee;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kLocalpileVocab = 8192;
constexpr int64_t kPeerBatch = 16;

double sgemm_peak_flops() {
  double best = 0;
  for (int64_t n : {1024, 2048, 3072}) {
    auto a = torch::randn({n, n}), b = torch::randn({n, n});
    auto c = torch::mm(a, b);
    double seconds = bench::best_seconds(3, [&] { torch::mm_out(c, a, b); });
    best = std::max(best, 2.0 * n * n * n / seconds);
  }
  return best;
}

// A domain of `documents` random documents of `length` tokens, as import would write it.
fs::path write_random_domain(const fs::path& root, uint64_t documents, uint64_t length) {
  auto dir = root / "random";
  DomainManifest manifest;
  manifest.name = "random";
  manifest.tokenizer = {"sentencepiece", "bench.model", "0", kLocalpileVocab, 2};
  manifest.dtype = std::string(dtype_name(DType::kUInt16));
  DomainWriter out(dir, DType::kUInt16);
  CounterRng rng(1, Stream::kTest);
  for (Split split : kSplits) {
    const uint64_t count = split == Split::kTrain ? documents : 1;
    for (uint64_t d = 0; d < count; ++d) {
      std::vector<int32_t> tokens(length + 1, manifest.tokenizer.eos_id);
      for (uint64_t i = 0; i < length; ++i)
        tokens[i] = static_cast<int32_t>(rng.bits(d * length + i) % kLocalpileVocab);
      out.add(split, tokens);
    }
  }
  out.commit(manifest);
  return dir;
}

// Matmul FLOPs of one forward pass over L positions that scores `kept` of them.
double window_flops(const ModelShape& s, double fed, double kept) {
  const double linear = 2.0 * fed * 12.0 * s.depth * s.width * s.width;
  const double attention = 4.0 * fed * fed * s.width * s.depth;  // q·kᵀ and p·v, in full
  return linear + attention + 2.0 * kept * s.width * s.vocab_size;
}

// The plain alternative: padded batches through forward(), log-softmax of every position.
double peer_seconds(Gpt& model, const std::vector<std::vector<int64_t>>& windows) {
  torch::NoGradGuard no_grad;
  double sink = 0;
  double seconds = bench::best_seconds(1, [&] {
    for (size_t start = 0; start < windows.size(); start += kPeerBatch) {
      const size_t rows = std::min<size_t>(kPeerBatch, windows.size() - start);
      int64_t time = 0;
      for (size_t r = 0; r < rows; ++r)
        time = std::max<int64_t>(time, static_cast<int64_t>(windows[start + r].size()));
      auto inputs = torch::zeros({static_cast<int64_t>(rows), time}, torch::kInt64);
      for (size_t r = 0; r < rows; ++r) {
        const auto& w = windows[start + r];
        inputs[static_cast<int64_t>(r)].slice(0, 0, static_cast<int64_t>(w.size())) =
            torch::tensor(w);
      }
      sink += torch::log_softmax(model->forward(inputs), -1)[0][0][0].item<double>();
    }
  });
  if (!std::isfinite(sink)) std::abort();
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t documents = 128, length = 256;
  int rounds = 2, threads = default_threads();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--documents")
      documents = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--tokens")
      length = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--rounds")
      rounds = std::atoi(argv[i + 1]);
    else if (flag == "--threads")
      threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr,
                   "usage: bench_train_perplexity [--documents N] [--tokens L] [--rounds R] "
                   "[--threads T]\n");
      return 2;
    }
  }
  bench::Scratch scratch("perplexity");
  auto config_path = bench::source_dir() / "examples" / "demo_model.toml";
  TrainConfig config = load_train_config(config_path);
  ModelShape shape = config.model;
  shape.vocab_size = kLocalpileVocab;
  {
    Gpt model(shape);
    model->initialize(1);
    auto optimizer = make_optimizer(model, config);
    CheckpointHeader header;
    header.shape = shape;
    header.config = config.to_json();
    save_checkpoint(scratch.path() / kCheckpointFile, header, model, optimizer);
  }
  auto domain = write_random_domain(scratch.path(), documents, length);
  DocumentTable table(std::vector<fs::path>{domain});
  DocumentPassOptions options;
  options.threads = threads;
  const auto context = static_cast<uint64_t>(shape.context);
  const uint64_t stride = window_stride(options, context);

  // The windows every document is read in (document_windows.h), for the FLOP count and the peer.
  double flops = 0;
  std::vector<std::vector<int64_t>> windows;
  for (uint64_t d = 0; d < table.size(); ++d) {
    auto tokens = table.tokens(d);
    std::vector<int64_t> s{2};
    s.insert(s.end(), tokens.begin(), tokens.end());
    for (const auto& w : plan_windows(d, tokens.size(), context, stride)) {
      flops += window_flops(shape, static_cast<double>(w.end - w.begin),
                            static_cast<double>(w.end - w.keep));
      windows.emplace_back(s.begin() + w.begin, s.begin() + w.end);
    }
  }
  fmt::print("model: {} ({:.2f}M parameters), {} documents of {} tokens, {} windows, {} threads\n",
             shape.describe(), shape.parameters() / 1e6, table.size(), length, windows.size(),
             threads);

  Progress::set_enabled(false);
  double peak = 0, ours = 1e300, peer = 1e300;
  for (int r = 0; r < rounds; ++r) {
    torch::set_num_threads(threads);
    peak = std::max(peak, sgemm_peak_flops());
    auto model = load_checkpoint_model(scratch.path(), torch::kCPU).model;
    peer = std::min(peer, peer_seconds(model, windows));
    ours =
        std::min(ours, bench::best_seconds(1, [&] {
                   if (!std::isfinite(perplexity_scores(scratch.path(), table, options).values[0]))
                     std::abort();
                 }));
  }
  const double docs = static_cast<double>(table.size());
  bench::report("perplexity docs/s (demo)", fmt::format("{:.1f} docs/s", docs / ours),
                fmt::format("{:.1f} docs/s", docs / peer), peer / ours,
                "batched forward time / cuvee time; > 1: cuvee faster");
  bench::report("perplexity FLOP/s vs sgemm", fmt::format("{:.1f} GFLOP/s", flops / ours / 1e9),
                fmt::format("{:.1f} GFLOP/s", peak / 1e9), flops / ours / peak,
                "achieved matmul FLOP/s / measured sgemm peak");
  return 0;
}
