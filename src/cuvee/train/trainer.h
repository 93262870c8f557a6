// The training loop. Each step, plainly (trainer.cpp has one function per line):
//
//   1. draw_batch: w ← policy.weights(); the sampler draws the step's global batch under w
//      (every rank draws the same batch and takes its contiguous slice of slots)
//   2. forward_backward_at: forward (bf16 autocast on CUDA), per-sequence losses, backward of
//      Σ losses / B, at the scheduled learning rate
//   3. all_reduce_losses: the per-domain loss sums and counts of every rank, and the stop flag
//   4. check_losses: a non-finite domain loss stops the run here, naming step and domain; the
//      last checkpoint on disk stays as it was
//   5. update_weights: all-reduce the gradients, clip their global norm, AdamW step (a
//      non-finite norm stops the run as in 4)
//   6. record_step: policy.observe(step, per-domain mean losses, counts); metrics line
//   7. evaluate_and_record, before step 1 (step 0), every eval_every steps and at step
//      train.steps: the loss of every domain on the validation split, also given to the policy
//      (policy.observe_eval), and on the test split, which only scores; observation row
//   8. save, every save_every steps and when the run stops (its last step, or Ctrl-C):
//      checkpoint
//
// No libtorch types here: the study and the CLI drive training through this header.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "cuvee/run/config.h"
#include "cuvee/run/run_folder.h"  // kCheckpointFile etc., for the callers
#include "cuvee/train/launch.h"

namespace cuvee {

struct TrainOptions {
  std::filesystem::path out;  // the run folder (run/run_folder.h)
  uint64_t stop_step = 0;     // stop after this step (0: config.steps); the schedule still
                              // spans config.steps, so a run stopped early resumes exactly
  bool resume = false;        // continue from the folder's checkpoint
  // A base run (its folder or checkpoint file) whose model weights a fresh run starts from, for
  // continual pretraining; the optimizer's moments and the learning-rate schedule start afresh
  // (docs/training.md says why). Ignored when resuming: the run's own checkpoint has the weights.
  std::filesystem::path init_from;
  GroupOptions group;   // this process's rank (world 1: no data parallelism)
  int local_ranks = 1;  // ranks sharing this machine (they split its cores)
  bool log = true;      // progress and evaluation lines on stderr (rank 0)
};

struct TrainResult {
  uint64_t step = 0;         // steps completed
  bool interrupted = false;  // stopped by request_stop() (checkpoint written)
  std::vector<std::string> domains;
  std::vector<double> test_loss;  // the last evaluation's test loss per domain (empty if
                                  // this call evaluated nothing after a step)
  double seconds = 0;             // wall time of the steps run by this call
  double tokens_per_second = 0;   // training tokens over those steps' wall time
  std::string device;             // "cpu" or "cuda:N"
  int threads = 0;                // intra-op threads used
};

TrainResult train(const TrainConfig& config, const TrainOptions& options);

// Asks running train() calls to stop after their current step and write a checkpoint.
// Async-signal-safe (the CLI calls it from its SIGINT handler).
void request_stop();

}  // namespace cuvee
