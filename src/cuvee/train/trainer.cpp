#include "cuvee/train/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>

#include <torch/cuda.h>

#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/rng.h"
#include "cuvee/core/threads.h"
#include "cuvee/mixing/policy_factory.h"
#include "cuvee/run/metrics.h"
#include "cuvee/run/run_folder.h"
#include "cuvee/train/checkpoint.h"
#include "cuvee/train/cpu_allocator.h"
#include "cuvee/train/distributed.h"
#include "cuvee/train/gpt.h"
#include "cuvee/train/loss.h"
#include "cuvee/train/schedule.h"
#include "cuvee/train/step.h"
#include "cuvee/train/training_data.h"

namespace cuvee {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> stop_requested{false};

torch::Device pick_device(const std::string& setting, int local_rank) {
  bool cuda = torch::cuda::is_available();
  if (setting == "cuda" && !cuda) {
    fail("train.device = \"cuda\", but this libtorch sees no CUDA device");
  }
  if (setting == "cpu" || !cuda) return torch::Device(torch::kCPU);
  int devices = static_cast<int>(torch::cuda::device_count());
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(local_rank % devices));
}

// The tokens of `rows` windows ([rows, T + 1] int64) split into inputs and targets on `device`.
std::pair<torch::Tensor, torch::Tensor> to_batch(std::vector<int64_t>& tokens, int64_t rows,
                                                 int64_t context, torch::Device device) {
  auto all = torch::from_blob(tokens.data(), {rows, context + 1}, torch::kInt64).to(device);
  return {all.slice(1, 0, context).contiguous(), all.slice(1, 1, context + 1).contiguous()};
}

// Held-out loss of every domain on its fixed windows; each rank takes every world-th window and
// the sums are all-reduced.
std::vector<double> evaluate(Gpt& model, const TrainingData& data,
                             const std::vector<std::vector<uint64_t>>& windows, Communicator& comm,
                             int64_t batch, torch::Device device) {
  torch::NoGradGuard no_grad;
  const size_t domains = data.domains();
  const int64_t context = static_cast<int64_t>(data.context());
  auto sums = torch::zeros({static_cast<int64_t>(2 * domains)}, torch::kFloat64);
  auto* sum = sums.data_ptr<double>();
  for (size_t d = 0; d < domains; ++d) {
    std::vector<uint64_t> mine;
    for (size_t i = comm.rank(); i < windows[d].size(); i += comm.world()) {
      mine.push_back(windows[d][i]);
    }
    for (size_t start = 0; start < mine.size(); start += batch) {
      size_t rows = std::min<size_t>(batch, mine.size() - start);
      std::vector<int64_t> tokens(rows * (context + 1));
      data.read_heldout(d, std::span(mine).subspan(start, rows), tokens.data());
      auto [inputs, targets] = to_batch(tokens, static_cast<int64_t>(rows), context, device);
      torch::Tensor logits;
      {
        AutocastGuard autocast(device.is_cuda());
        logits = model->forward(inputs);
      }
      auto losses = sequence_losses(logits, targets).to(torch::kCPU, torch::kFloat64);
      sum[d] += losses.sum().item<double>();
      sum[domains + d] += static_cast<double>(rows);
    }
  }
  comm.all_reduce_sum(sums);
  std::vector<double> loss(domains);
  for (size_t d = 0; d < domains; ++d) loss[d] = sum[d] / sum[domains + d];
  return loss;
}

}  // namespace

void request_stop() {
  stop_requested.store(true);
}

TrainResult train(const TrainConfig& config, const TrainOptions& options) {
  stop_requested.store(false);
  use_caching_cpu_allocator();
  const int threads =
      config.threads > 0 ? config.threads : std::max(1, default_threads() / options.local_ranks);
  torch::set_num_threads(threads);
  const torch::Device device = pick_device(config.device, options.group.rank % options.local_ranks);
  Communicator comm(options.group, device);
  const bool leader = comm.rank() == 0;
  const int64_t global_batch = static_cast<int64_t>(config.batch_size);
  if (global_batch % comm.world() != 0) {
    fail("train.batch_size = {} does not split evenly over {} ranks", global_batch, comm.world());
  }
  const int64_t local_batch = global_batch / comm.world();
  const int64_t context = config.model.context;

  TrainingData data(config.data, static_cast<uint64_t>(context));
  const size_t domains = data.domains();
  ModelShape shape = config.model;
  shape.vocab_size = static_cast<int64_t>(data.vocab_size());
  auto policy = make_policy(config.mixing, {data.names(), data.train_tokens(), config.steps});

  Gpt model(shape);
  model->initialize(CounterRng(config.seed, Stream::kModelInit).bits(0));
  model->to(device);
  auto optimizer = make_optimizer(model, config);
  auto parameters = model->parameters();
  MixedSampler sampler(data.train_windows(), config.seed);
  const LrSchedule schedule = lr_schedule(config);

  const fs::path checkpoint_path = options.out / kCheckpointFile;
  RunState state;
  state.weights_sum.assign(domains, 0.0);
  if (options.resume) {
    if (!fs::exists(checkpoint_path)) {
      fail("--resume: {} does not exist (nothing to resume)", checkpoint_path.string());
    }
    state = load_checkpoint(checkpoint_path, config, data.names(), model, optimizer, device).state;
    sampler.restore(state.sampler);
    policy->load_state(state.policy);
  } else if (leader && (fs::exists(checkpoint_path) || fs::exists(options.out / kMetricsFile))) {
    fail("{} already holds a run; pass --resume to continue it, or choose another --out",
         options.out.string());
  }
  const uint64_t last = options.stop_step > 0 ? options.stop_step : config.steps;
  if (state.step >= last) {
    fail("{} is at step {} already; nothing to train up to step {}", checkpoint_path.string(),
         state.step, last);
  }
  std::unique_ptr<MetricsLog> log;
  if (leader) {
    log = std::make_unique<MetricsLog>(options.out, config.run, data.names(),
                                       options.resume ? &state.metrics_bytes : nullptr);
  }
  std::vector<std::vector<uint64_t>> eval_windows;
  for (size_t d = 0; d < domains; ++d) {
    eval_windows.push_back(data.eval_windows(d, config.eval_sequences));
  }
  auto save = [&] {
    if (!leader) return;
    state.sampler = sampler.state();
    state.policy = policy->save_state();
    state.metrics_bytes = log->sync();
    save_checkpoint(checkpoint_path, {shape, data.names(), config.to_json(), state}, model,
                    optimizer);
  };

  TrainResult result;
  result.domains = data.names();
  result.device = device.str();
  result.threads = threads;
  const uint64_t tokens_per_step = config.batch_size * static_cast<uint64_t>(context);
  std::unique_ptr<Progress> progress;
  if (leader && options.log) {
    progress = std::make_unique<Progress>(fmt::format("train {}", config.run),
                                          (last - state.step) * tokens_per_step, "tokens");
  }
  const uint64_t first = state.step + 1;
  std::vector<int64_t> tokens(local_batch * (context + 1));
  auto start_time = std::chrono::steady_clock::now();
  uint64_t step = first;
  try {
    for (; step <= last; ++step) {
      // 1. The step's batch under the policy's current proportions; this rank's slice of it.
      const std::vector<double> weights = policy->weights();
      // Each rank draws the global batch from its own policy's weights and trains its slice, so
      // a policy that diverged on one rank would silently train on a batch nobody drew.
      if (!comm.same_on_every_rank(weights)) {
        fail(
            "step {}: the data-parallel ranks disagree on the proportions of policy '{}' (a "
            "policy must give the same weights for the same observations); stopped, the last "
            "checkpoint ({}) is kept",
            step, policy->name(), checkpoint_path.string());
      }
      const std::vector<Draw> draws = sampler.next(weights, config.batch_size);
      std::span<const Draw> mine(draws.data() + comm.rank() * local_batch, local_batch);
      std::vector<uint32_t> slot_domain;
      for (const Draw& draw : mine) slot_domain.push_back(draw.domain);
      data.read_train(mine, tokens.data());
      auto [inputs, targets] = to_batch(tokens, local_batch, context, device);

      // 2. Forward and backward at the scheduled learning rate.
      const double lr = schedule.at(step);
      set_lr(optimizer, lr);
      optimizer.zero_grad();
      const torch::Tensor losses = forward_backward(model, inputs, targets, global_batch);

      // 3. Per-domain sums and counts of every rank, and whether any rank was asked to stop.
      DomainLosses local(domains);
      local.add(losses, slot_domain);
      auto stats = torch::zeros({static_cast<int64_t>(2 * domains + 1)}, torch::kFloat64);
      auto* stat = stats.data_ptr<double>();
      for (size_t d = 0; d < domains; ++d) {
        stat[d] = local.sum[d];
        stat[domains + d] = local.count[d];
      }
      stat[2 * domains] = stop_requested.load() ? 1.0 : 0.0;
      comm.all_reduce_sum(stats);
      DomainLosses batch(domains);
      for (size_t d = 0; d < domains; ++d) {
        batch.sum[d] = stat[d];
        batch.count[d] = stat[domains + d];
      }
      const bool stop = stat[2 * domains] > 0;

      // 4. A non-finite loss ends the run before it can touch the weights or the checkpoint.
      for (size_t d = 0; d < domains; ++d) {
        if (batch.count[d] > 0 && !std::isfinite(batch.sum[d])) {
          fail(
              "step {}: the training loss of domain '{}' is not finite ({}); stopped, the last "
              "checkpoint ({}) is kept",
              step, data.names()[d], batch.sum[d] / batch.count[d], checkpoint_path.string());
        }
      }
      comm.all_reduce_gradients(parameters);

      // 5. Clip and update (skipped, and the run stopped, if the gradient is not finite).
      const double grad_norm = update(optimizer, parameters, config.grad_clip);
      if (!std::isfinite(grad_norm)) {
        fail(
            "step {}: the gradient norm is not finite ({}); stopped, the last checkpoint ({}) is "
            "kept",
            step, grad_norm, checkpoint_path.string());
      }

      // 6. Observation for the policy and the metrics line.
      const std::vector<double> means = batch.means();
      const std::vector<uint64_t> counts = batch.counts();
      policy->observe(step, means, counts);
      state.step = step;
      state.weights_changed = state.weights_changed || (step > 1 && weights != state.last_weights);
      state.last_weights = weights;
      for (size_t d = 0; d < domains; ++d) state.weights_sum[d] += weights[d];
      if (leader) {
        log->step({step, batch.total_sum() / batch.total_count(), lr, step * tokens_per_step,
                   grad_norm, weights, means, counts});
      }

      // 7. Held-out evaluation.
      if (step % config.eval_every == 0 || step == config.steps) {
        // No activations are kept for a backward pass, so evaluation takes twice the batch.
        result.eval_loss = evaluate(model, data, eval_windows, comm, 2 * local_batch, device);
        for (size_t d = 0; d < domains; ++d) {
          if (!std::isfinite(result.eval_loss[d])) {
            fail(
                "step {}: the held-out loss of domain '{}' is not finite ({}); stopped, the last "
                "checkpoint ({}) is kept",
                step, data.names()[d], result.eval_loss[d], checkpoint_path.string());
          }
        }
        policy->observe_eval(step, result.eval_loss);
        if (leader) {
          std::vector<double> proportions = state.last_weights;
          if (state.weights_changed) {
            for (size_t d = 0; d < domains; ++d) {
              proportions[d] = state.weights_sum[d] / static_cast<double>(step);
            }
          }
          log->eval({step, result.eval_loss, proportions});
          if (options.log) {
            double mean = 0;
            for (double loss : result.eval_loss) mean += loss;
            fmt::print(stderr, "step {}: train loss {:.4f}, held-out loss {:.4f}\n", step,
                       batch.total_sum() / batch.total_count(),
                       mean / static_cast<double>(domains));
          }
        }
      }

      // 8. Checkpoint.
      if ((config.save_every > 0 && step % config.save_every == 0) || step == last || stop) save();
      if (progress) progress->advance(tokens_per_step);
      result.step = step;
      if (stop) {
        result.interrupted = true;
        break;
      }
    }
  } catch (const c10::Error& e) {
    fail("step {}: {}", step, e.what_without_backtrace());
  }
  if (progress) progress->finish();
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  result.tokens_per_second =
      static_cast<double>((result.step - first + 1) * tokens_per_step) / result.seconds;
  return result;
}

}  // namespace cuvee
