#include "cuvee/train/gpt.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace cuvee {
namespace {

const ModelShape kShape{50, 16, 32, 2, 4};

TEST(Gpt, ShapesAndParameterCount) {
  Gpt model(kShape);
  model->initialize(1);
  auto inputs = torch::randint(0, kShape.vocab_size, {3, 10}, torch::kInt64);
  auto logits = model->forward(inputs);
  EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{3, 10, kShape.vocab_size}));
  int64_t count = 0;
  for (const auto& p : model->parameters()) count += p.numel();
  EXPECT_EQ(count, kShape.parameters());
}

TEST(Gpt, InitialisationIsDeterministicBySeed) {
  Gpt a(kShape), b(kShape), c(kShape);
  a->initialize(42);
  b->initialize(42);
  c->initialize(43);
  auto pa = a->parameters(), pb = b->parameters(), pc = c->parameters();
  for (size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i]));
  EXPECT_FALSE(torch::equal(a->wte->weight, c->wte->weight));
  // GPT-2's scales: 0.02 for most weights, less for the residual projections, unit LayerNorms.
  EXPECT_NEAR(a->wte->weight.std().item<double>(), 0.02, 0.002);
  auto& block = *a->blocks[0]->as<Block>();
  EXPECT_NEAR(block.proj->weight.std().item<double>(), 0.02 / std::sqrt(4.0), 0.002);
  EXPECT_TRUE(torch::equal(block.ln1->weight, torch::ones({kShape.width})));
  EXPECT_EQ(block.qkv->bias.abs().sum().item<double>(), 0.0);
}

TEST(Gpt, AttentionIsCausal) {
  Gpt model(kShape);
  model->initialize(3);
  auto inputs = torch::randint(0, kShape.vocab_size, {1, 12}, torch::kInt64);
  auto changed = inputs.clone();
  changed[0][8] = (changed[0][8].item<int64_t>() + 1) % kShape.vocab_size;
  auto a = model->forward(inputs), b = model->forward(changed);
  // Positions before the change see the same prefix; position 8 and later do not.
  EXPECT_TRUE(torch::allclose(a.slice(1, 0, 8), b.slice(1, 0, 8)));
  EXPECT_FALSE(torch::allclose(a.slice(1, 8, 9), b.slice(1, 8, 9)));
}

TEST(Gpt, OutputHeadIsTheTokenEmbedding) {
  Gpt model(kShape);
  model->initialize(5);
  auto inputs = torch::randint(0, kShape.vocab_size, {2, 6}, torch::kInt64);
  auto logits = model->forward(inputs);
  logits.sum().backward();
  // The embedding gets gradient from the head at every vocabulary row, not only the inputs'.
  auto grad = model->wte->weight.grad();
  EXPECT_GT(grad.abs().sum(1).gt(0).sum().item<int64_t>(), 12);
}

}  // namespace
}  // namespace cuvee
