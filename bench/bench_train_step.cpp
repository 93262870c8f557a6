// The trainer's step on the demo model (examples/demo_model.toml, localpile's 8192-token
// vocabulary) against two references measured in the same run with the same thread count:
//   - the same model, loss, AdamW and clipping in Python PyTorch (bench/peers/gpt_torch.py,
//     Debian's python3-torch: /usr/bin/python3, or $CUVEE_PYTHON): ms/step and tokens/s;
//   - the machine's sgemm peak (torch::mm on square float32 matrices, best of several sizes):
//     the step's achieved matmul FLOP/s (ModelShape::flops_per_token) as a fraction of it.
// Rounds alternate the sgemm peak, cuvee and the peer; each one's best round counts (other load
// on the machine only ever slows a round down).
//
// Usage: bench_train_step [--steps N] [--rounds R] [--threads T] [--config TOML]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "bench_common.h"
#include "cuvee/core/threads.h"
#include "cuvee/run/config.h"
#include "cuvee/train/cpu_allocator.h"
#include "cuvee/train/gpt.h"
#include "cuvee/train/step.h"

using namespace cuvee;

namespace {

constexpr int64_t kLocalpileVocab = 8192;
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

// Mean seconds per step of `steps` steps after kWarmupSteps, on random tokens.
double cuvee_step_seconds(const TrainConfig& config, const ModelShape& shape, int steps) {
  Gpt model(shape);
  model->initialize(1);
  auto optimizer = make_optimizer(model, config);
  auto parameters = model->parameters();
  const int64_t batch = static_cast<int64_t>(config.batch_size);
  auto tokens = torch::randint(0, shape.vocab_size, {batch, shape.context + 1}, torch::kInt64);
  auto inputs = tokens.slice(1, 0, shape.context).contiguous();
  auto targets = tokens.slice(1, 1, shape.context + 1).contiguous();
  double sink = 0;
  auto step = [&] {
    optimizer.zero_grad();
    sink += forward_backward(model, inputs, targets, batch).sum().item<double>();
    update(optimizer, parameters, config.grad_clip);
  };
  for (int i = 0; i < kWarmupSteps; ++i) step();
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < steps; ++i) step();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!std::isfinite(sink)) std::abort();
  return seconds / steps;
}

double peer_step_seconds(const TrainConfig& config, const ModelShape& shape, int steps,
                         int threads) {
  const char* python_env = std::getenv("CUVEE_PYTHON");
  std::string python = python_env != nullptr ? python_env : "/usr/bin/python3";
  auto script = std::filesystem::path(__FILE__).parent_path() / "peers" / "gpt_torch.py";
  std::string command = fmt::format(
      "{} '{}' --vocab {} --context {} --width {} --depth {} --heads {} --batch {} --steps {} "
      "--warmup {} --threads {}",
      python, script.string(), shape.vocab_size, shape.context, shape.width, shape.depth,
      shape.heads, config.batch_size, steps, kWarmupSteps, threads);
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

}  // namespace

int main(int argc, char** argv) {
  int steps = 10, rounds = 2, threads = default_threads();
  auto config_path =
      std::filesystem::path(__FILE__).parent_path().parent_path() / "examples" / "demo_model.toml";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--steps")
      steps = std::atoi(argv[i + 1]);
    else if (flag == "--rounds")
      rounds = std::atoi(argv[i + 1]);
    else if (flag == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (flag == "--config")
      config_path = argv[i + 1];
    else {
      std::fprintf(stderr,
                   "usage: bench_train_step [--steps N] [--rounds R] [--threads T] "
                   "[--config TOML]\n");
      return 2;
    }
  }
  torch::set_num_threads(threads);
  use_caching_cpu_allocator();
  TrainConfig config = load_train_config(config_path);
  ModelShape shape = config.model;
  shape.vocab_size = kLocalpileVocab;
  const double tokens = static_cast<double>(config.batch_size * shape.context);
  fmt::print("model: {} ({:.2f}M parameters), batch {} x {} tokens, {} threads\n", shape.describe(),
             shape.parameters() / 1e6, config.batch_size, shape.context, threads);

  double peak = 0, ours = 1e300, peer = 1e300;
  for (int r = 0; r < rounds; ++r) {
    peak = std::max(peak, sgemm_peak_flops());
    ours = std::min(ours, cuvee_step_seconds(config, shape, steps));
    peer = std::min(peer, peer_step_seconds(config, shape, steps, threads));
  }
  const double flops = shape.flops_per_token() * tokens / ours;
  bench::report("train step (demo model)", fmt::format("{:.1f} ms/step", ours * 1e3),
                fmt::format("{:.1f} ms/step", peer * 1e3), peer / ours,
                "PyTorch time / cuvee time; > 1: cuvee faster");
  bench::report("train tokens/s (demo model)", fmt::format("{:.0f} tok/s", tokens / ours),
                fmt::format("{:.0f} tok/s", tokens / peer), peer / ours,
                "cuvee tokens/s / PyTorch tokens/s");
  bench::report("train FLOP/s vs sgemm peak", fmt::format("{:.1f} GFLOP/s", flops / 1e9),
                fmt::format("{:.1f} GFLOP/s", peak / 1e9), flops / peak,
                "achieved matmul FLOP/s / measured sgemm peak; target >= 0.5");
  return 0;
}
