// One optimisation step, in the two halves the trainer runs around its all-reduce:
//
//   forward_backward  logits (bf16 autocast on CUDA), per-sequence losses, backward of
//                     Σ losses / global_batch, so that the ranks' gradients sum to the batch's
//   update            clip the global gradient norm, then the AdamW step
//
// make_optimizer builds AdamW as GPT-2 and nanoGPT train it: decoupled weight decay on the
// matrices (embeddings, linear weights), none on biases and LayerNorm parameters.
#pragma once

#include <vector>

#include <torch/optim/adamw.h>
#include <torch/types.h>

#include "cuvee/run/config.h"
#include "cuvee/train/gpt.h"

namespace cuvee {

torch::optim::AdamW make_optimizer(Gpt& model, const TrainConfig& config);
void set_lr(torch::optim::AdamW& optimizer, double lr);

// inputs, targets: [b, T] token ids on the model's device. Returns the b sequence losses.
torch::Tensor forward_backward(Gpt& model, const torch::Tensor& inputs,
                               const torch::Tensor& targets, int64_t global_batch);

// The gradient norm before clipping (max_norm 0: no clipping). Does not step when the norm is
// not finite, so the caller can stop with the weights untouched.
double update(torch::optim::Optimizer& optimizer, const std::vector<torch::Tensor>& parameters,
              double max_norm);

// bf16 autocast for the forward pass on CUDA; nothing on CPU (float32 throughout).
class AutocastGuard {
 public:
  explicit AutocastGuard(bool enabled);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool enabled_;
};

}  // namespace cuvee
