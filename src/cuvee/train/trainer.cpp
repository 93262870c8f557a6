#include "cuvee/train/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <tuple>

#include <torch/cuda.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/crash_point.h"
#include "cuvee/core/error.h"
#include "cuvee/core/folder_lock.h"
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

// The intra-op threads of this rank (train.threads, or this machine's share), set for libtorch.
int set_threads(const TrainConfig& config, const TrainOptions& options) {
  const int threads =
      config.threads > 0 ? config.threads : std::max(1, default_threads() / options.local_ranks);
  torch::set_num_threads(threads);
  return threads;
}

// This rank's share of the global batch.
int64_t local_batch_size(uint64_t global_batch, const Communicator& comm) {
  if (global_batch % static_cast<uint64_t>(comm.world()) != 0) {
    fail("train.batch_size = {} does not split evenly over {} ranks", global_batch, comm.world());
  }
  return static_cast<int64_t>(global_batch) / comm.world();
}

// The config's model shape, with the vocabulary of the domains' tokenizer.
ModelShape model_shape(const ModelShape& configured, const TrainingData& data) {
  ModelShape shape = configured;
  shape.vocab_size = static_cast<int64_t>(data.vocab_size());
  return shape;
}

// A freshly initialised model (from the seed's model-init stream) on `device`.
Gpt new_model(const ModelShape& shape, uint64_t seed, torch::Device device) {
  Gpt model(shape);
  model->initialize(CounterRng(seed, Stream::kModelInit).bits(0));
  model->to(device);
  return model;
}

// Overwrites `model`'s weights, in place (the optimizer holds the same tensors), with a base
// run's, which must have the same shape.
void start_from_base(Gpt& model, const fs::path& base_run, torch::Device device) {
  CheckpointModel base = load_checkpoint_model(base_run, device, "--init-from");
  if (base.header.shape != model->shape()) {
    fail("--init-from {}: the base run's model is {}; this config asks for {}", base.file.string(),
         base.header.shape.describe(), model->shape().describe());
  }
  torch::NoGradGuard no_grad;
  auto mine = model->named_parameters();
  for (const auto& item : base.model->named_parameters()) mine[item.key()].copy_(item.value());
}

// The tokens of `rows` windows ([rows, T + 1] int64) split into inputs and targets on `device`.
std::pair<torch::Tensor, torch::Tensor> to_batch(std::vector<int64_t>& tokens, int64_t rows,
                                                 int64_t context, torch::Device device) {
  auto all = torch::from_blob(tokens.data(), {rows, context + 1}, torch::kInt64).to(device);
  return {all.slice(1, 0, context).contiguous(), all.slice(1, 1, context + 1).contiguous()};
}

// The loss of every domain on its fixed windows of one held-out split; each rank takes every
// world-th window and the sums are all-reduced.
std::vector<double> evaluate(Gpt& model, const TrainingData& data, Split split,
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
      data.read_eval(d, split, std::span(mine).subspan(start, rows), tokens.data());
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

// The config's policy; its errors, which name the key, gain the line that set it.
std::unique_ptr<Policy> located_policy(const TrainConfig& config, const TrainingData& data) {
  try {
    return make_policy(config.mixing, {data.names(), data.train_tokens(), config.steps});
  } catch (const Error& e) {
    throw Error(config.locate(e.what()));
  }
}

// Everything a run holds from its first step to its last. The constructor sets it up: device,
// data-parallel group, data, policy, model and optimizer, then the checkpoint's state when
// resuming, and the metrics files (rank 0 only).
struct Run {
  Run(const TrainConfig& config, const TrainOptions& options);

  const TrainConfig& config;
  const TrainOptions& options;
  const int threads;
  const torch::Device device;
  Communicator comm;
  const bool leader;  // rank 0: writes the metrics and the checkpoint
  const int64_t global_batch;
  const int64_t local_batch;
  const int64_t context;
  TrainingData data;
  const size_t domains;
  const ModelShape shape;
  const std::unique_ptr<Policy> policy;
  Gpt model;
  torch::optim::AdamW optimizer;
  const std::vector<torch::Tensor> parameters;
  MixedSampler sampler;
  const LrSchedule schedule;
  const fs::path checkpoint_path;
  const uint64_t last;  // the step this call trains up to
  const uint64_t tokens_per_step;
  RunState state;
  std::unique_ptr<FolderLock> lock;  // rank 0 only
  std::unique_ptr<MetricsLog> log;   // rank 0 only
  // Per domain, the windows of each evaluation, fixed for the whole run.
  std::vector<std::vector<uint64_t>> validation_windows, test_windows;
  std::vector<int64_t> tokens;  // this rank's slice of a step's batch
};

Run::Run(const TrainConfig& config, const TrainOptions& options)
    : config(config),
      options(options),
      threads(set_threads(config, options)),
      device(pick_device(config.device, options.group.rank % options.local_ranks)),
      comm(options.group, device),
      leader(comm.rank() == 0),
      global_batch(static_cast<int64_t>(config.batch_size)),
      local_batch(local_batch_size(config.batch_size, comm)),
      context(config.model.context),
      data(config.data, static_cast<uint64_t>(context)),
      domains(data.domains()),
      shape(model_shape(config.model, data)),
      policy(located_policy(config, data)),
      model(new_model(shape, config.seed, device)),
      optimizer(make_optimizer(model, config)),
      parameters(model->parameters()),
      sampler(data.train_windows(), config.seed),
      schedule(lr_schedule(config)),
      checkpoint_path(options.out / kCheckpointFile),
      last(options.stop_step > 0 ? options.stop_step : config.steps),
      tokens_per_step(config.batch_size * static_cast<uint64_t>(context)),
      tokens(local_batch * (context + 1)) {
  state.weights_sum.assign(domains, 0.0);
  if (leader) {
    // One trainer per run folder; holding the lock, every other checkpoint temporary is a
    // killed trainer's, even one not yet reaped, and goes even if this run saves nothing.
    lock = std::make_unique<FolderLock>(options.out / kTrainLockFile, "another cuvee train");
    remove_other_temporaries(checkpoint_path);
  }
  const bool started = fs::exists(options.out / kMetricsFile);
  // A run killed before its first checkpoint has nothing to keep: --resume starts it again.
  const bool resume = options.resume && (fs::exists(checkpoint_path) || !started);
  if (options.resume && !resume && leader && options.log) {
    fmt::print(stderr, "--resume: {} has no checkpoint yet; training from step 0\n",
               options.out.string());
  }
  if (resume) {
    if (!fs::exists(checkpoint_path)) {
      fail("--resume: {} does not exist (nothing to resume)", checkpoint_path.string());
    }
    state = load_checkpoint(checkpoint_path, config, data.names(), model, optimizer, device).state;
    sampler.restore(state.sampler);
    policy->load_state(state.policy);
  } else {
    if (leader && !options.resume && (fs::exists(checkpoint_path) || started)) {
      fail("{} already holds a run; pass --resume to continue it, or choose another --out",
           options.out.string());
    }
    if (!options.init_from.empty()) start_from_base(model, options.init_from, device);
  }
  // Resuming a run that had reached its last step (a crash after its final checkpoint, before
  // whoever ran it took note) leaves nothing to do, which is not an error (train() returns).
  if (state.step > last || (state.step == last && !resume)) {
    fail("{} is at step {} already; nothing to train up to step {}", checkpoint_path.string(),
         state.step, last);
  }
  if (leader) {
    log = std::make_unique<MetricsLog>(options.out, config.run, data.names(),
                                       resume ? &state.metrics_bytes : nullptr);
  }
  for (size_t d = 0; d < domains; ++d) {
    validation_windows.push_back(data.eval_windows(d, Split::kValidation, config.eval_sequences));
    test_windows.push_back(data.eval_windows(d, Split::kTest, config.eval_sequences));
  }
}

// A step's batch: the proportions it was drawn under, and this rank's slice of it.
struct StepBatch {
  std::vector<double> weights;
  std::vector<uint32_t> slot_domain;  // the domain of each of this rank's sequences
  torch::Tensor inputs, targets;      // [local batch, T] on the run's device
};

// Step 1. The step's batch under the policy's current proportions; this rank's slice of it.
StepBatch draw_batch(Run& run, uint64_t step) {
  StepBatch batch;
  batch.weights = run.policy->weights();
  // Each rank draws the global batch from its own policy's weights and trains its slice, so a
  // policy that diverged on one rank would silently train on a batch nobody drew.
  if (!run.comm.same_on_every_rank(batch.weights)) {
    fail(
        "step {}: the data-parallel ranks disagree on the proportions of policy '{}' (a policy "
        "must give the same weights for the same observations); stopped, the last checkpoint "
        "({}) is kept",
        step, run.policy->name(), run.checkpoint_path.string());
  }
  const std::vector<Draw> draws = run.sampler.next(batch.weights, run.config.batch_size);
  std::span<const Draw> mine(draws.data() + run.comm.rank() * run.local_batch, run.local_batch);
  for (const Draw& draw : mine) batch.slot_domain.push_back(draw.domain);
  run.data.read_train(mine, run.tokens.data());
  std::tie(batch.inputs, batch.targets) =
      to_batch(run.tokens, run.local_batch, run.context, run.device);
  return batch;
}

// Step 2. Forward and backward at learning rate `lr`: this rank's per-sequence losses.
torch::Tensor forward_backward_at(Run& run, const StepBatch& batch, double lr) {
  set_lr(run.optimizer, lr);
  run.optimizer.zero_grad();
  return forward_backward(run.model, batch.inputs, batch.targets, run.global_batch);
}

// The step's training losses over every rank, and whether any rank was asked to stop.
struct StepLosses {
  DomainLosses domain;
  bool stop = false;
};

// Step 3. Per-domain sums and counts of every rank, and whether any rank was asked to stop: one
// all-reduce of [sums..., counts..., stop].
StepLosses all_reduce_losses(Run& run, const StepBatch& batch, const torch::Tensor& losses) {
  const size_t domains = run.domains;
  DomainLosses local(domains);
  local.add(losses, batch.slot_domain);
  auto stats = torch::zeros({static_cast<int64_t>(2 * domains + 1)}, torch::kFloat64);
  auto* stat = stats.data_ptr<double>();
  for (size_t d = 0; d < domains; ++d) {
    stat[d] = local.sum[d];
    stat[domains + d] = local.count[d];
  }
  stat[2 * domains] = stop_requested.load() ? 1.0 : 0.0;
  run.comm.all_reduce_sum(stats);
  StepLosses total{DomainLosses(domains)};
  for (size_t d = 0; d < domains; ++d) {
    total.domain.sum[d] = stat[d];
    total.domain.count[d] = stat[domains + d];
  }
  total.stop = stat[2 * domains] > 0;
  return total;
}

// Step 4. A non-finite loss ends the run before it can touch the weights or the checkpoint.
void check_losses(const Run& run, uint64_t step, const DomainLosses& losses) {
  for (size_t d = 0; d < run.domains; ++d) {
    if (losses.count[d] > 0 && !std::isfinite(losses.sum[d])) {
      fail(
          "step {}: the training loss of domain '{}' is not finite ({}); stopped, the last "
          "checkpoint ({}) is kept",
          step, run.data.names()[d], losses.sum[d] / losses.count[d], run.checkpoint_path.string());
    }
  }
}

// Step 5. Sum the gradients over the ranks, clip and update; a non-finite gradient norm skips
// the update and stops the run. Returns the norm before clipping.
double update_weights(Run& run, uint64_t step) {
  run.comm.all_reduce_gradients(run.parameters);
  const double grad_norm = update(run.optimizer, run.parameters, run.config.grad_clip);
  if (!std::isfinite(grad_norm)) {
    fail(
        "step {}: the gradient norm is not finite ({}); stopped, the last checkpoint ({}) is "
        "kept",
        step, grad_norm, run.checkpoint_path.string());
  }
  return grad_norm;
}

// Step 6. The policy's observation, the run state's running proportions, the metrics line.
void record_step(Run& run, uint64_t step, const StepBatch& batch, const DomainLosses& losses,
                 double lr, double grad_norm) {
  const std::vector<double> means = losses.means();
  const std::vector<uint64_t> counts = losses.counts();
  run.policy->observe(step, means, counts);
  RunState& state = run.state;
  state.step = step;
  state.weights_changed =
      state.weights_changed || (step > 1 && batch.weights != state.last_weights);
  state.last_weights = batch.weights;
  for (size_t d = 0; d < run.domains; ++d) state.weights_sum[d] += batch.weights[d];
  if (run.leader) {
    run.log->step({step, losses.total_sum() / losses.total_count(), lr, step * run.tokens_per_step,
                   grad_norm, batch.weights, means, counts});
  }
}

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

// Step 7. The loss of every domain on the validation split, given to the policy, and on the
// test split, which only scores; both written with the run's proportions so far (the
// observation row). At step 0, before the first update, `train` is null. Returns the test
// losses.
std::vector<double> evaluate_and_record(Run& run, uint64_t step, const DomainLosses* train) {
  // No activations are kept for a backward pass, so evaluation takes twice the batch.
  const int64_t batch = 2 * run.local_batch;
  const std::vector<double> validation = evaluate(
      run.model, run.data, Split::kValidation, run.validation_windows, run.comm, batch, run.device);
  const std::vector<double> test =
      evaluate(run.model, run.data, Split::kTest, run.test_windows, run.comm, batch, run.device);
  for (const auto* losses : {&validation, &test}) {
    for (size_t d = 0; d < run.domains; ++d) {
      if (std::isfinite((*losses)[d])) continue;
      fail(
          "step {}: the {} loss of domain '{}' is not finite ({}); stopped, the last checkpoint "
          "({}) is kept",
          step, losses == &validation ? "validation" : "test", run.data.names()[d], (*losses)[d],
          run.checkpoint_path.string());
    }
  }
  run.policy->observe_eval(step, validation);
  if (!run.leader) return test;
  // The proportions trained on: the static weights exactly, or the mean over steps 1..step of
  // weights that moved; none at step 0 (no observation row: nothing is trained on yet).
  std::vector<double> proportions;
  if (step > 0) proportions = run.state.last_weights;
  if (step > 0 && run.state.weights_changed) {
    for (size_t d = 0; d < run.domains; ++d) {
      proportions[d] = run.state.weights_sum[d] / static_cast<double>(step);
    }
  }
  run.log->eval({step, validation, test, proportions});
  if (run.options.log) {
    const std::string trained =
        train == nullptr
            ? "before training"
            : fmt::format("train loss {:.4f}", train->total_sum() / train->total_count());
    fmt::print(stderr, "step {}: {}, validation loss {:.4f}, test loss {:.4f}\n", step, trained,
               mean_of(validation), mean_of(test));
  }
  return test;
}

// Step 8. The checkpoint: model, optimizer, sampler, policy and the metrics files' sizes
// (rank 0 writes it; the ranks hold the same state).
void save(Run& run) {
  if (!run.leader) return;
  run.state.sampler = run.sampler.state();
  run.state.policy = run.policy->save_state();
  run.state.metrics_bytes = run.log->sync();
  save_checkpoint(run.checkpoint_path,
                  {run.shape, run.data.names(), run.config.to_json(), run.state}, run.model,
                  run.optimizer);
}

}  // namespace

void request_stop() {
  stop_requested.store(true);
}

TrainResult train(const TrainConfig& config, const TrainOptions& options) {
  stop_requested.store(false);
  use_caching_cpu_allocator();
  Run run(config, options);

  TrainResult result;
  result.domains = run.data.names();
  result.device = run.device.str();
  result.threads = run.threads;
  if (run.state.step == run.last) {
    result.step = run.state.step;
    return result;
  }
  std::unique_ptr<Progress> progress;
  if (run.leader && options.log) {
    progress =
        std::make_unique<Progress>(fmt::format("train {}", config.run),
                                   (run.last - run.state.step) * run.tokens_per_step, "tokens");
  }
  const uint64_t first = run.state.step + 1;
  auto start_time = std::chrono::steady_clock::now();
  // A fresh run's losses before its first update (Velocitune's ℓ_init; with --init-from, the
  // base model's). A resumed run has them in its metrics already.
  if (run.state.step == 0) evaluate_and_record(run, 0, nullptr);
  uint64_t step = first;
  try {
    for (; step <= run.last; ++step) {
      const StepBatch batch = draw_batch(run, step);
      const double lr = run.schedule.at(step);
      const torch::Tensor losses = forward_backward_at(run, batch, lr);
      crash_point();  // a kill in the middle of a step (docs/reliability.md)
      const StepLosses total = all_reduce_losses(run, batch, losses);
      check_losses(run, step, total.domain);
      const double grad_norm = update_weights(run, step);
      record_step(run, step, batch, total.domain, lr, grad_norm);
      if (step % config.eval_every == 0 || step == config.steps) {
        result.test_loss = evaluate_and_record(run, step, &total.domain);
      }
      if ((config.save_every > 0 && step % config.save_every == 0) || step == run.last ||
          total.stop) {
        save(run);
      }
      if (progress) progress->advance(run.tokens_per_step);
      result.step = step;
      if (total.stop) {
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
      static_cast<double>((result.step - first + 1) * run.tokens_per_step) / result.seconds;
  return result;
}

}  // namespace cuvee
