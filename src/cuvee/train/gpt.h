// The GPT decoder cuvee trains (GPT-2's layout): token + learned position embeddings, `depth`
// pre-LayerNorm blocks of causal multi-head self-attention and a GELU MLP (4× width), a final
// LayerNorm, and an output head tied to the token embedding. No dropout: a step is a pure
// function of the weights and the batch, which exact resume relies on.
#pragma once

#include <cstdint>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "cuvee/run/config.h"

namespace cuvee {

class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(int64_t width, int64_t heads);
  // x: [B, T, width] → [B, T, width]
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::LayerNorm ln1{nullptr}, ln2{nullptr};
  torch::nn::Linear qkv{nullptr}, proj{nullptr}, fc{nullptr}, fc_out{nullptr};

 private:
  int64_t heads_;
};
TORCH_MODULE(Block);

class GptImpl : public torch::nn::Module {
 public:
  explicit GptImpl(const ModelShape& shape);
  // GPT-2's initialisation, drawn from a generator seeded with `seed` (not the global one, so
  // models made concurrently stay reproducible): weights N(0, 0.02), the residual output
  // projections N(0, 0.02 / sqrt(2·depth)), biases 0, LayerNorm gains 1.
  void initialize(uint64_t seed);
  // inputs: [B, T] token ids, T <= context → logits [B, T, vocab].
  torch::Tensor forward(const torch::Tensor& inputs);
  // The final hidden states (after ln_f, before the head) → [B, T, width]; forward() is
  // head(hidden(inputs)).
  torch::Tensor hidden(const torch::Tensor& inputs);
  // hidden [..., width] → logits [..., vocab]: the output head, tied to the token embedding.
  torch::Tensor head(const torch::Tensor& hidden);
  const ModelShape& shape() const { return shape_; }

  torch::nn::Embedding wte{nullptr}, wpe{nullptr};
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::LayerNorm ln_f{nullptr};

 private:
  ModelShape shape_;
};
TORCH_MODULE(Gpt);

}  // namespace cuvee
