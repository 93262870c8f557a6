// A training run's settings, from a TOML file (toml++) with `--set key=value` overrides:
//
//   run = "tiny"                 # the run's name in observations.csv (default: file stem)
//   seed = 1                     # model init and sampling
//   [data]    paths = ["data/domains"]   # domain folders or folders of domains (cwd-relative)
//   [model]   context, width, depth, heads    (vocab size comes from the data's tokenizer)
//   [train]   steps, batch_size, lr, min_lr, warmup_steps, schedule, decay_fraction,
//             weight_decay, beta1, beta2, eps, grad_clip, eval_every, eval_sequences,
//             save_every, threads, device
//   [mixing]  policy = "natural" | "uniform" | "temperature" | "fixed" | ..., and the policy's
//             parameters (validated by the policy, see mixing/policy.h)
//
// Every key outside [mixing] is known here: an unknown one is an error naming it and the
// nearest valid key. docs/training.md describes each.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee {

struct ModelShape {
  int64_t vocab_size = 0;
  int64_t context = 128;
  int64_t width = 128;
  int64_t depth = 2;
  int64_t heads = 4;
  bool operator==(const ModelShape&) const = default;
  // "vocab 257, context 128, width 128, depth 2, heads 4"
  std::string describe() const;
  nlohmann::json to_json() const;
  static ModelShape from_json(const nlohmann::json& json);
  // Parameters (the tied embedding counted once).
  int64_t parameters() const;
  // Matmul FLOPs of one training step per token (forward + backward = 3 × forward): 6 × the
  // weights of every linear layer and the tied output head, plus 12 × depth × context × width
  // for causal attention's two products computed in full.
  double flops_per_token() const;
};

// The learning rate's shape after the warm-up (train/schedule.h): cosine decay over the rest of
// the run, or warmup-stable-decay (constant, then a linear decay over the final steps).
enum class LrShape { cosine, wsd };

struct TrainConfig {
  std::filesystem::path file;  // the TOML file read ("" when built in code)
  std::string run;
  uint64_t seed = 1;
  std::vector<std::filesystem::path> data;
  ModelShape model;  // vocab_size 0 until the data is opened
  uint64_t steps = 1000;
  uint64_t batch_size = 16;  // sequences per step, over all ranks
  double lr = 1e-3;
  double min_lr = 1e-4;
  uint64_t warmup_steps = 100;
  LrShape schedule = LrShape::cosine;
  double decay_fraction = 0.2;  // wsd: the fraction of `steps` over which the rate decays
  double weight_decay = 0.1;
  double beta1 = 0.9;
  double beta2 = 0.95;
  double eps = 1e-8;
  double grad_clip = 1.0;        // max global gradient norm; 0 disables clipping
  uint64_t eval_every = 100;     // and at step `steps` (not at an early --steps stop, so a run
                                 // stopped and resumed records what an uninterrupted one does)
  uint64_t eval_sequences = 16;  // held-out sequences per domain
  uint64_t save_every = 500;     // and when the run stops; 0: only when it stops
  int threads = 0;               // intra-op threads per rank; 0: cores / local ranks
  std::string device = "auto";   // auto (CUDA if available) | cpu | cuda
  nlohmann::json mixing = nlohmann::json::object();
  // Where each dotted key's value came from: "file.toml:LINE" for the file's keys (tables too),
  // "--set key=value" for an override. Not a setting: to_json() leaves it out.
  std::map<std::string, std::string> origins;

  // Every setting, as nested JSON (the same keys as the TOML file).
  nlohmann::json to_json() const;
  // wsd: the steps of the final decay, decay_fraction of `steps` rounded, at least 1.
  uint64_t decay_steps() const;
  // Where `key` (or the nearest table holding it) was set: "file.toml:LINE", "--set ...", or the
  // file's name when the key was not set at all.
  std::string where(const std::string& key) const;
  // A message about a key, "mixing.eta: expected ..." as the policies write them, prefixed with
  // where that key was set; any other message is prefixed with the file's name.
  std::string locate(const std::string& message) const;
};

// Reads a TOML config and applies overrides "section.key=value" (value parsed as a TOML value,
// or taken as a string if it does not parse as one). Errors name the file and line, or the
// override, the key and what was expected.
TrainConfig load_train_config(const std::filesystem::path& file,
                              std::span<const std::string> overrides = {});
// The same from TOML text; `name` stands for the file in messages and gives the default run.
TrainConfig parse_train_config(std::string_view toml, const std::filesystem::path& name,
                               std::span<const std::string> overrides = {});
// From nested JSON of the to_json() shape (unknown keys are errors, as for TOML).
TrainConfig train_config_from_json(const nlohmann::json& json, const std::filesystem::path& name);

// Every key outside [mixing], dotted ("train.lr").
std::vector<std::string> train_config_keys();

}  // namespace cuvee
