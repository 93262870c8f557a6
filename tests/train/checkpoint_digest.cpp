// checkpoint_digest CHECKPOINT: one JSON object that two checkpoints share exactly when they
// hold the same run state: the header's step, sampler position, policy state and metrics
// offsets, an XXH3 of every model parameter, and of every AdamW state tensor in parameter order.
// The archive's own bytes cannot be compared: libtorch keys the optimizer state by tensor
// addresses, which differ from process to process. The crash-safety tests (tests/cli/
// train_kill.sh) compare a killed and resumed run with an uninterrupted one this way, and
// check after each kill that the checkpoint left behind loads.
#include <cstdio>
#include <exception>

#include <torch/optim/adamw.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/hash.h"
#include "cuvee/run/config.h"
#include "cuvee/train/checkpoint.h"
#include "cuvee/train/step.h"

namespace {

std::string digest(const torch::Tensor& tensor) {
  torch::Tensor bytes = tensor.detach().to(torch::kCPU).contiguous();
  const auto size = static_cast<size_t>(bytes.numel()) * bytes.element_size();
  return cuvee::hex64(cuvee::hash64({static_cast<const char*>(bytes.data_ptr()), size}));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: checkpoint_digest CHECKPOINT\n");
    return 2;
  }
  try {
    auto loaded = cuvee::load_checkpoint_model(argv[1], torch::kCPU);
    cuvee::TrainConfig config = cuvee::train_config_from_json(loaded.header.config, loaded.file);
    cuvee::Gpt model(loaded.header.shape);
    auto optimizer = cuvee::make_optimizer(model, config);
    auto header = cuvee::load_checkpoint(loaded.file, config, loaded.header.domains, model,
                                         optimizer, torch::kCPU);
    const auto& state = header.state;
    nlohmann::json out = {
        {"step", state.step},
        {"sampler", {{"step", state.sampler.step}, {"consumed", state.sampler.consumed}}},
        {"policy", state.policy},
        {"weights_sum", state.weights_sum},
        {"last_weights", state.last_weights},
        {"metrics_bytes", {state.metrics_bytes.first, state.metrics_bytes.second}}};
    for (const auto& parameter : model->named_parameters()) {
      out["model"][parameter.key()] = digest(parameter.value());
    }
    nlohmann::json moments = nlohmann::json::array();
    for (const auto& group : optimizer.param_groups()) {
      for (const auto& parameter : group.params()) {
        auto found = optimizer.state().find(c10::guts::to_string(parameter.unsafeGetTensorImpl()));
        if (found == optimizer.state().end()) {
          moments.push_back(nullptr);
          continue;
        }
        const auto& adam = static_cast<const torch::optim::AdamWParamState&>(*found->second);
        moments.push_back(nlohmann::json{{"step", adam.step()},
                                         {"exp_avg", digest(adam.exp_avg())},
                                         {"exp_avg_sq", digest(adam.exp_avg_sq())}});
      }
    }
    out["optimizer"] = moments;
    std::printf("%s\n", out.dump(1).c_str());
  } catch (const std::exception& error) {
    std::fprintf(stderr, "checkpoint_digest: %s\n", error.what());
    return 1;
  }
  return 0;
}
