#include "cuvee/train/gpt.h"

#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>
// libtorch 2 made the fused attention public (one tensor back); 1.13 (Debian's) has it as a
// private operator returning (output, attention weights).
#if TORCH_VERSION_MAJOR >= 2
#include <ATen/ops/scaled_dot_product_attention.h>
#else
#include <ATen/ops/_scaled_dot_product_attention.h>
#endif
#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/linear.h>

namespace cuvee {

BlockImpl::BlockImpl(int64_t width, int64_t heads) : heads_(heads) {
  ln1 = register_module("ln1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
  qkv = register_module("qkv", torch::nn::Linear(width, 3 * width));
  proj = register_module("proj", torch::nn::Linear(width, width));
  ln2 = register_module("ln2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({width})));
  fc = register_module("fc", torch::nn::Linear(width, 4 * width));
  fc_out = register_module("fc_out", torch::nn::Linear(4 * width, width));
}

torch::Tensor BlockImpl::forward(const torch::Tensor& x) {
  const int64_t batch = x.size(0), time = x.size(1), width = x.size(2);
  const int64_t head_width = width / heads_;
  // Attention: q, k, v of every head from one projection, [B, heads, T, head_width] each, then
  // softmax(q·kᵀ / sqrt(head_width), causally masked) · v by libtorch's fused operator.
  auto q_k_v = qkv(ln1(x)).view({batch, time, 3, heads_, head_width}).permute({2, 0, 3, 1, 4});
#if TORCH_VERSION_MAJOR >= 2
  auto attended = at::scaled_dot_product_attention(q_k_v[0], q_k_v[1], q_k_v[2],
                                                   /*attn_mask=*/{}, /*dropout_p=*/0.0,
                                                   /*is_causal=*/true);
#else
  auto attended = std::get<0>(at::_scaled_dot_product_attention(
      q_k_v[0], q_k_v[1], q_k_v[2], /*attn_mask=*/{}, /*dropout_p=*/0.0,
      /*need_attn_weights=*/false, /*is_causal=*/true));
#endif
  auto y = attended.transpose(1, 2).reshape({batch, time, width});
  auto h = x + proj(y);
  // MLP: width → 4·width → width with GELU (tanh approximation, as GPT-2).
  return h + fc_out(torch::gelu(fc(ln2(h)), "tanh"));
}

GptImpl::GptImpl(const ModelShape& shape) : shape_(shape) {
  wte = register_module("wte", torch::nn::Embedding(shape.vocab_size, shape.width));
  wpe = register_module("wpe", torch::nn::Embedding(shape.context, shape.width));
  blocks = register_module("blocks", torch::nn::ModuleList());
  for (int64_t i = 0; i < shape.depth; ++i) blocks->push_back(Block(shape.width, shape.heads));
  ln_f = register_module("ln_f", torch::nn::LayerNorm(torch::nn::LayerNormOptions({shape.width})));
}

void GptImpl::initialize(uint64_t seed) {
  torch::NoGradGuard no_grad;
  auto generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  const double residual_std = 0.02 / std::sqrt(2.0 * static_cast<double>(shape_.depth));
  // Drawn on the CPU in a fixed order, then copied to the parameter's device, so every device
  // starts from the same weights.
  auto normal = [&](torch::Tensor& p, double std) {
    auto values = torch::empty(p.sizes(), torch::kFloat32);
    values.normal_(0.0, std, generator);
    p.copy_(values);
  };
  normal(wte->weight, 0.02);
  normal(wpe->weight, 0.02);
  for (const auto& module : *blocks) {
    auto& block = *module->as<Block>();
    for (auto* linear : {&block.qkv, &block.proj, &block.fc, &block.fc_out}) {
      bool residual = linear == &block.proj || linear == &block.fc_out;
      normal((*linear)->weight, residual ? residual_std : 0.02);
      (*linear)->bias.zero_();
    }
    for (auto* norm : {&block.ln1, &block.ln2}) {
      (*norm)->weight.fill_(1.0);
      (*norm)->bias.zero_();
    }
  }
  ln_f->weight.fill_(1.0);
  ln_f->bias.zero_();
}

torch::Tensor GptImpl::forward(const torch::Tensor& inputs) {
  return head(hidden(inputs));
}

torch::Tensor GptImpl::hidden(const torch::Tensor& inputs) {
  const int64_t time = inputs.size(1);
  auto positions = torch::arange(time, inputs.options().dtype(torch::kInt64));
  auto x = wte(inputs) + wpe(positions);
  for (const auto& module : *blocks) x = module->as<Block>()->forward(x);
  return ln_f(x);
}

torch::Tensor GptImpl::head(const torch::Tensor& hidden) {
  // The output head is the token embedding, transposed (tied weights).
  return torch::nn::functional::linear(hidden, wte->weight);
}

}  // namespace cuvee
