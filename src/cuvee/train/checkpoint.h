// Checkpoints: one file, DIR/checkpoint.pt, a torch archive holding the model's parameters,
// the optimizer's state and a JSON header (model shape, domains, the training settings, step,
// sampler position, mixing state, metrics offsets). Written to a temporary file and renamed,
// so a crash leaves the previous checkpoint whole.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <torch/optim/optimizer.h>
#include <nlohmann/json.hpp>

#include "cuvee/run/config.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/train/gpt.h"

namespace cuvee {

// Where a run stands after `step` steps: everything besides the tensors that exact resume needs.
struct RunState {
  uint64_t step = 0;
  SamplerState sampler;
  nlohmann::json policy;             // Policy::save_state()
  std::vector<double> weights_sum;   // Σ over steps 1..step of the proportions drawn with
  std::vector<double> last_weights;  // the proportions step `step` was drawn with
  bool weights_changed = false;      // whether the proportions ever changed
  std::pair<uint64_t, uint64_t> metrics_bytes{0, 0};  // metrics.jsonl, observations.csv
};

struct CheckpointHeader {
  ModelShape shape;
  std::vector<std::string> domains;
  nlohmann::json config;  // TrainConfig::to_json()
  RunState state;
};

void save_checkpoint(const std::filesystem::path& path, const CheckpointHeader& header, Gpt& model,
                     torch::optim::Optimizer& optimizer);

// Loads a checkpoint into `model` and `optimizer` (tensors placed on `device`) after checking
// that it fits: the same model shape (else an error naming both shapes), the same domains and
// the same training settings (else an error naming the first key that differs). Settings that
// do not change the arithmetic (evaluation, saving, threads, device, paths, run name) may differ.
CheckpointHeader load_checkpoint(const std::filesystem::path& path, const TrainConfig& config,
                                 const std::vector<std::string>& domains, Gpt& model,
                                 torch::optim::Optimizer& optimizer, torch::Device device);

// A checkpoint's model alone, for scoring and embedding: no config or optimizer needed.
struct CheckpointModel {
  std::filesystem::path file;  // the checkpoint file read
  CheckpointHeader header;
  Gpt model{nullptr};  // on `device`, in eval mode
};

// `path` is a run folder (its checkpoint.pt is read) or a checkpoint file. Errors name the
// option that gave the path (`option`), the path and what was expected: a missing path or
// file, a file that is not a cuvee checkpoint, weights that do not fit the model shape of the
// header.
CheckpointModel load_checkpoint_model(const std::filesystem::path& path, torch::Device device,
                                      std::string_view option = "--checkpoint");

}  // namespace cuvee
