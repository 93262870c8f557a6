// The trainer's step at every model shape the study trains — examples/demo_model.toml's and each
// scale of examples/localpile.toml (localpile's 8192-token vocabulary) — against two references
// measured in the same run with the same thread count:
//   - the same model, loss, AdamW and clipping in Python PyTorch (bench/peers/gpt_torch.py,
//     Debian's python3-torch: /usr/bin/python3, or $CUVEE_PYTHON): ms/step and tokens/s;
//   - the machine's sgemm peak (torch::mm on square float32 matrices, best of several sizes):
//     the step's achieved matmul FLOP/s (ModelShape::flops_per_token) as a fraction of it.
// Rounds alternate the sgemm peak, cuvee and the peer; each one's best round counts (other load
// on the machine only ever slows a round down).
//
// Beside each scale's step, what else a study run spends per step, as fractions of the step:
// the evaluation (eval_sequences windows of each of localpile's 9 domains in each of the two
// held-out splits, validation and test, every eval_every steps and at step 0, in batches of
// twice the training batch, as the trainer does), the
// checkpoint (model and AdamW state, written and synced every save_every steps) and the
// sampler (drawing and reading a batch of windows from token files).
//
// The full scale (GPT-2 small, 64 × 512 tokens) is meant for a GPU; on the CPU its step is
// measured at a batch of --full-batch sequences (4 by default), and its run's overheads are
// not measured.
//
// Usage: bench_train_step [--steps N] [--rounds R] [--threads T] [--only NAME] [--full-batch B]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <toml++/toml.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "bench_common.h"
#include "cuvee/core/rng.h"
#include "cuvee/core/threads.h"
#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/run/config.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/sampling/token_windows.h"
#include "cuvee/train/checkpoint.h"
#include "cuvee/train/cpu_allocator.h"
#include "cuvee/train/gpt.h"
#include "cuvee/train/loss.h"
#include "cuvee/train/step.h"

using namespace cuvee;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kLocalpileVocab = 8192;
constexpr int64_t kLocalpileDomains = 9;
constexpr int kWarmupSteps = 3;

double sgemm_peak_flops() {
  double best = 0;
  for (int64_t n : {1024, 2048, 3072}) {
    auto a = torch::randn({n, n}), b = torch::randn({n, n});
    auto c = torch::mm(a, b);
    double seconds = bench::best_seconds(5, [&] { torch::mm_out(c, a, b); });
    best = std::max(best, 2.0 * n * n * n / seconds);
  }
  return best;
}

struct Batch {
  torch::Tensor inputs, targets;
};

Batch random_batch(const ModelShape& shape, int64_t batch) {
  auto tokens = torch::randint(0, shape.vocab_size, {batch, shape.context + 1}, torch::kInt64);
  return {tokens.slice(1, 0, shape.context).contiguous(),
          tokens.slice(1, 1, shape.context + 1).contiguous()};
}

// Mean seconds per step of `steps` steps after kWarmupSteps, on random tokens.
double cuvee_step_seconds(Gpt& model, torch::optim::AdamW& optimizer, const TrainConfig& config,
                          int64_t batch, int steps) {
  auto parameters = model->parameters();
  auto [inputs, targets] = random_batch(model->shape(), batch);
  double sink = 0;
  auto step = [&] {
    optimizer.zero_grad();
    sink += forward_backward(model, inputs, targets, batch).sum().item<double>();
    update(optimizer, parameters, config.grad_clip);
  };
  for (int i = 0; i < kWarmupSteps; ++i) step();
  double seconds = bench::seconds([&] {
    for (int i = 0; i < steps; ++i) step();
  });
  if (!std::isfinite(sink)) std::abort();
  return seconds / steps;
}

// The output head and its cross-entropy alone, forward and backward, on a step's B·T hidden
// states (the part of the step that moves the B·T × V logits: written by the head, read and
// written by log-softmax and its gradient, read by the head's two backward GEMMs), and the
// head's three GEMMs alone on the same shapes; mean seconds of `steps` after a warm-up.
struct HeadCost {
  double total = 0, gemms = 0;
};
HeadCost head_seconds(const ModelShape& shape, int64_t batch, int steps) {
  const int64_t rows = batch * shape.context;
  auto hidden = torch::randn({rows, shape.width}).requires_grad_(true);
  auto weight = (torch::randn({shape.vocab_size, shape.width}) * 0.02).requires_grad_(true);
  auto targets = torch::randint(0, shape.vocab_size, {rows}, torch::kInt64);
  auto fused = [&] {
    hidden.mutable_grad() = torch::Tensor();
    weight.mutable_grad() = torch::Tensor();
    auto loss = torch::nn::functional::cross_entropy(torch::mm(hidden, weight.t()), targets);
    loss.backward();
  };
  torch::NoGradGuard no_grad;
  auto h = hidden.detach(), w = weight.detach();
  auto logits = torch::mm(h, w.t()), grad_logits = torch::randn({rows, shape.vocab_size});
  auto grad_h = torch::mm(grad_logits, w), grad_w = torch::mm(grad_logits.t(), h);
  auto gemms = [&] {
    torch::mm_out(logits, h, w.t());
    torch::mm_out(grad_h, grad_logits, w);
    torch::mm_out(grad_w, grad_logits.t(), h);
  };
  HeadCost cost;
  for (int i = 0; i < kWarmupSteps; ++i) gemms();
  cost.gemms = bench::seconds([&] {
                 for (int i = 0; i < steps; ++i) gemms();
               }) /
               steps;
  {
    torch::AutoGradMode grad(true);
    for (int i = 0; i < kWarmupSteps; ++i) fused();
    cost.total = bench::seconds([&] {
                   for (int i = 0; i < steps; ++i) fused();
                 }) /
                 steps;
  }
  return cost;
}

double peer_step_seconds(const ModelShape& shape, int64_t batch, int steps, int threads) {
  const char* python_env = std::getenv("CUVEE_PYTHON");
  std::string python = python_env != nullptr ? python_env : "/usr/bin/python3";
  auto script = bench::source_dir() / "bench" / "peers" / "gpt_torch.py";
  std::string command = fmt::format(
      "{} '{}' --vocab {} --context {} --width {} --depth {} --heads {} --batch {} --steps {} "
      "--warmup {} --threads {}",
      python, script.string(), shape.vocab_size, shape.context, shape.width, shape.depth,
      shape.heads, batch, steps, kWarmupSteps, threads);
  std::FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  if (pipe == nullptr || ::pclose(pipe) != 0) {
    std::fprintf(stderr,
                 "bench_train_step: the PyTorch peer failed: %s\n%s\n(set CUVEE_PYTHON to a "
                 "python3 with torch)\n",
                 command.c_str(), output.c_str());
    std::exit(1);
  }
  return nlohmann::json::parse(output).at("ms_per_step").get<double>() / 1e3;
}

// Seconds of one evaluation: eval_sequences windows of each domain in each of the two held-out
// splits (validation and test), forward only.
double eval_seconds(Gpt& model, const TrainConfig& config) {
  torch::NoGradGuard no_grad;
  const int64_t batch = 2 * static_cast<int64_t>(config.batch_size);
  const int64_t sequences = 2 * static_cast<int64_t>(config.eval_sequences) * kLocalpileDomains;
  auto [inputs, targets] = random_batch(model->shape(), std::min(batch, sequences));
  double sink = 0;
  double seconds = bench::seconds([&] {
    for (int64_t done = 0; done < sequences; done += batch) {
      const int64_t rows = std::min(batch, sequences - done);
      sink += sequence_losses(model->forward(inputs.slice(0, 0, rows)), targets.slice(0, 0, rows))
                  .sum()
                  .item<double>();
    }
  });
  if (!std::isfinite(sink)) std::abort();
  return seconds;
}

// Seconds of drawing and reading `steps` batches from localpile-sized token files.
double sampler_seconds(const fs::path& dir, const ModelShape& shape, int64_t batch, int steps) {
  std::vector<std::unique_ptr<IndexedDataset>> data;
  std::vector<TokenWindows> windows;
  std::vector<uint64_t> sequences;
  // localpile's 16M training tokens, split evenly.
  const uint64_t per_domain = (16u << 20) / kLocalpileDomains;
  std::vector<int32_t> document(4096);
  for (int64_t d = 0; d < kLocalpileDomains; ++d) {
    auto prefix = dir / fmt::format("sampler-{}", d);
    if (!fs::exists(prefix.string() + ".idx")) {
      IndexedDatasetWriter writer(prefix, DType::kUInt16);
      for (uint64_t written = 0; written < per_domain; written += document.size()) {
        for (size_t i = 0; i < document.size(); ++i)
          document[i] = static_cast<int32_t>(mix64(written + i + (uint64_t{1} << 40) * d) % 8192);
        writer.add_document(document);
      }
      writer.commit();
    }
    data.push_back(std::make_unique<IndexedDataset>(prefix));
    windows.emplace_back(*data.back(), static_cast<uint64_t>(shape.context));
    sequences.push_back(windows.back().count());
  }
  std::vector<double> weights(kLocalpileDomains, 1.0 / kLocalpileDomains);
  std::vector<int64_t> out(static_cast<size_t>(batch * (shape.context + 1)));
  MixedSampler sampler(sequences, 1);
  return bench::seconds([&] {
           for (int s = 0; s < steps; ++s) {
             auto draws = sampler.next(weights, static_cast<size_t>(batch));
             read_draws(windows, draws, out.data());
           }
         }) /
         steps;
}

struct Shape {
  std::string name;
  TrainConfig config;
  int64_t batch = 0;   // sequences per measured step
  bool study = false;  // a study scale: its run's overheads are measured too
};

}  // namespace

int main(int argc, char** argv) {
  int steps = 10, rounds = 2, threads = default_threads();
  int64_t full_batch = 4;
  std::string only;
  const fs::path root = bench::source_dir();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--steps") {
      steps = std::atoi(argv[i + 1]);
    } else if (flag == "--rounds") {
      rounds = std::atoi(argv[i + 1]);
    } else if (flag == "--threads") {
      threads = std::atoi(argv[i + 1]);
    } else if (flag == "--only") {
      only = argv[i + 1];
    } else if (flag == "--full-batch") {
      full_batch = std::atoll(argv[i + 1]);
    } else {
      std::fprintf(stderr,
                   "usage: bench_train_step [--steps N] [--rounds R] [--threads T] [--only NAME] "
                   "[--full-batch B]\n");
      return 2;
    }
  }
  torch::set_num_threads(threads);
  use_caching_cpu_allocator();

  // The shapes: the demo model's own config, then each study scale's overrides of it.
  std::vector<Shape> shapes;
  const fs::path demo_model = root / "examples" / "demo_model.toml";
  shapes.push_back({"demo model", load_train_config(demo_model), 0, false});
  auto study = toml::parse_file((root / "examples" / "localpile.toml").string());
  for (const char* scale : {"demo", "small", "full"}) {
    // The scale's length first: its settings (the warm-up, the save interval) are checked
    // against it.
    std::vector<std::string> overrides;
    for (const char* key : {"steps", "eval_every"}) {
      if (auto value = study["scales"][scale][key].value<int64_t>()) {
        overrides.push_back(fmt::format("train.{}={}", key, *value));
      }
    }
    if (auto* set = study["scales"][scale]["set"].as_table()) {
      for (const auto& [key, value] : *set) {
        if (key.str() == "train.device") continue;  // measured on this machine's CPU
        std::ostringstream text;
        if (value.is_integer()) {
          text << value.as_integer()->get();
        } else if (value.is_floating_point()) {
          text << value.as_floating_point()->get();
        } else if (value.is_string()) {
          text << value.as_string()->get();
        }
        overrides.push_back(std::string(key.str()) + "=" + text.str());
      }
    }
    shapes.push_back(
        {fmt::format("study {}", scale), load_train_config(demo_model, overrides), 0, true});
  }
  for (auto& s : shapes) {
    s.config.model.vocab_size = kLocalpileVocab;
    s.batch = static_cast<int64_t>(s.config.batch_size);
    if (s.name == "study full") s.batch = std::min(s.batch, full_batch);
  }
  bench::Scratch scratch("train-step");
  fmt::print("{} threads; best of {} rounds of {} steps\n", threads, rounds, steps);

  double worst_peer = 1e300, worst_peak = 1e300;
  for (const auto& s : shapes) {
    if (!only.empty() && s.name != only) continue;
    const ModelShape& shape = s.config.model;
    const double tokens = static_cast<double>(s.batch * shape.context);
    fmt::print("\n{}: {} ({:.2f}M parameters), batch {} x {} tokens{}\n", s.name, shape.describe(),
               shape.parameters() / 1e6, s.batch, shape.context,
               s.batch < static_cast<int64_t>(s.config.batch_size)
                   ? fmt::format(" (of {}: a CPU step at the scale's batch takes minutes)",
                                 s.config.batch_size)
                   : "");
    double peak = 0, ours = 1e300, peer = 1e300;
    Gpt model(shape);
    model->initialize(1);
    auto optimizer = make_optimizer(model, s.config);
    for (int r = 0; r < rounds; ++r) {
      peak = std::max(peak, sgemm_peak_flops());
      ours = std::min(ours, cuvee_step_seconds(model, optimizer, s.config, s.batch, steps));
      peer = std::min(peer, peer_step_seconds(shape, s.batch, steps, threads));
    }
    const double flops = shape.flops_per_token() * tokens / ours;
    bench::report(fmt::format("train step ({})", s.name).c_str(),
                  fmt::format("{:.1f} ms/step", ours * 1e3),
                  fmt::format("{:.1f} ms/step", peer * 1e3), peer / ours,
                  "PyTorch time / cuvee time; > 1: cuvee faster");
    bench::report(fmt::format("train tokens/s ({})", s.name).c_str(),
                  fmt::format("{:.0f} tok/s", tokens / ours),
                  fmt::format("{:.0f} tok/s", tokens / peer), peer / ours,
                  "cuvee tokens/s / PyTorch tokens/s");
    bench::report(fmt::format("FLOP/s vs sgemm ({})", s.name).c_str(),
                  fmt::format("{:.1f} GFLOP/s", flops / 1e9),
                  fmt::format("{:.1f} GFLOP/s", peak / 1e9), flops / peak,
                  "achieved matmul FLOP/s / measured sgemm peak");
    worst_peer = std::min(worst_peer, peer / ours);
    worst_peak = std::min(worst_peak, flops / peak);
    const HeadCost head = head_seconds(shape, s.batch, steps);
    const double logits_mb = tokens * static_cast<double>(shape.vocab_size) * 4 / 1e6;
    const double head_flops =
        3 * 2 * tokens * static_cast<double>(shape.vocab_size) * static_cast<double>(shape.width);
    fmt::print(
        "  output head + cross-entropy, forward and backward: {:.1f} ms = {:.0f}% of the step; "
        "its 3 GEMMs {:.1f} ms ({:.1f} GFLOP/s = {:.2f} of the sgemm peak at these shapes), the "
        "rest (log-softmax and its gradient over the {:.0f} MB of logits) {:.1f} ms = {:.0f}% of "
        "the step\n",
        head.total * 1e3, 100 * head.total / ours, head.gemms * 1e3, head_flops / head.gemms / 1e9,
        head_flops / head.gemms / peak, logits_mb, (head.total - head.gemms) * 1e3,
        100 * (head.total - head.gemms) / ours);
    if (s.study && s.batch == static_cast<int64_t>(s.config.batch_size)) {
      // What a run of this scale spends beside its steps, per step.
      const auto& c = s.config;
      const double step_s = ours;
      const double eval = eval_seconds(model, c);
      CheckpointHeader header;
      header.shape = shape;
      header.config = c.to_json();
      const double save = bench::seconds(
          [&] { save_checkpoint(scratch.path() / "checkpoint.pt", header, model, optimizer); });
      const double sample =
          sampler_seconds(scratch.path(), shape, static_cast<int64_t>(c.batch_size), 20);
      // Every eval_every steps, and once more at step 0.
      const double eval_per_step =
          eval * (static_cast<double>(c.steps / c.eval_every) + 1) / static_cast<double>(c.steps);
      const double save_per_step = c.save_every > 0 ? save / static_cast<double>(c.save_every) : 0;
      fmt::print(
          "  per step of a {} run ({:.1f} ms): evaluation {:.1f} ms every {} steps and at 0 = "
          "{:.1f}%, "
          "checkpoint {:.1f} ms every {} = {:.2f}%, sampler {:.3f} ms = {:.3f}%; total {:.1f}% "
          "beside the step\n",
          s.name, step_s * 1e3, eval * 1e3, c.eval_every, 100 * eval_per_step / step_s, save * 1e3,
          c.save_every, 100 * save_per_step / step_s, sample * 1e3, 100 * sample / step_s,
          100 * (eval_per_step + save_per_step + sample) / step_s);
    }
  }
  if (only.empty()) {
    bench::goal("train step vs PyTorch (worst shape)", worst_peer, 2.0,
                "PyTorch time / cuvee time at the shape where cuvee's lead is smallest");
    bench::goal("train FLOP/s / sgemm (worst shape)", worst_peak, 0.6,
                "achieved matmul FLOP/s / sgemm peak at the shape where it is lowest");
  }
  return 0;
}
