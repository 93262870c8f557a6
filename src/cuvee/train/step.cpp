#include "cuvee/train/step.h"

#include <cmath>

#include <ATen/autocast_mode.h>
#include <torch/nn/utils.h>
#include <torch/version.h>

#include "cuvee/train/loss.h"

namespace cuvee {

torch::optim::AdamW make_optimizer(Gpt& model, const TrainConfig& config) {
  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : model->parameters()) (p.dim() >= 2 ? decay : no_decay).push_back(p);
  auto options = [&](double weight_decay) {
    return std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(config.lr)
                                                            .betas({config.beta1, config.beta2})
                                                            .eps(config.eps)
                                                            .weight_decay(weight_decay));
  };
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, options(config.weight_decay));
  groups.emplace_back(no_decay, options(0.0));
  return torch::optim::AdamW(groups, torch::optim::AdamWOptions(config.lr));
}

void set_lr(torch::optim::AdamW& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) {
    static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  }
}

torch::Tensor forward_backward(Gpt& model, const torch::Tensor& inputs,
                               const torch::Tensor& targets, int64_t global_batch) {
  torch::Tensor logits;
  {
    AutocastGuard autocast(inputs.is_cuda());
    logits = model->forward(inputs);
  }
  torch::Tensor losses = sequence_losses(logits, targets);
  (losses.sum() / static_cast<double>(global_batch)).backward();
  return losses.detach();
}

double update(torch::optim::Optimizer& optimizer, const std::vector<torch::Tensor>& parameters,
              double max_norm) {
  const double norm =
      torch::nn::utils::clip_grad_norm_(parameters, max_norm > 0 ? max_norm : INFINITY);
  if (std::isfinite(norm)) optimizer.step();
  return norm;
}

AutocastGuard::AutocastGuard(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
// libtorch 2.4 replaced the CUDA-only autocast calls with ones taking the device type.
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_dtype(at::kCUDA, at::kBFloat16);
  at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
  at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
  at::autocast::set_enabled(true);
#endif
}

AutocastGuard::~AutocastGuard() {
  if (!enabled_) return;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  at::autocast::set_autocast_enabled(at::kCUDA, false);
#else
  at::autocast::set_enabled(false);
#endif
  at::autocast::clear_cache();
}

}  // namespace cuvee
