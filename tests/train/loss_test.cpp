#include "cuvee/train/loss.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "cuvee/train/gpt.h"

namespace cuvee {
namespace {

TEST(SequenceLosses, IsTheMeanTokenCrossEntropyOfEachSequence) {
  auto logits = torch::randn({2, 3, 5});
  auto targets = torch::tensor({{0, 1, 2}, {4, 4, 3}}, torch::kInt64);
  auto losses = sequence_losses(logits, targets);
  ASSERT_EQ(losses.sizes(), (std::vector<int64_t>{2}));
  auto log_p = logits.log_softmax(-1);
  for (int64_t b = 0; b < 2; ++b) {
    double expected = 0;
    for (int64_t t = 0; t < 3; ++t) {
      expected -= log_p[b][t][targets[b][t].item<int64_t>()].item<double>() / 3;
    }
    EXPECT_NEAR(losses[b].item<double>(), expected, 1e-6);
  }
}

// A batch built by hand: sequences of domains 2, 0, 2, 0, 0 (domain 1 absent). Each domain's
// mean must be the mean of its own sequences' losses, each computed alone.
TEST(DomainLosses, AttributesEachSequenceToItsDomain) {
  ModelShape shape{40, 8, 16, 1, 2};
  Gpt model(shape);
  model->initialize(9);
  auto tokens = torch::randint(0, shape.vocab_size, {5, 9}, torch::kInt64);
  std::vector<uint32_t> domain{2, 0, 2, 0, 0};
  auto inputs = tokens.slice(1, 0, 8), targets = tokens.slice(1, 1, 9);
  DomainLosses sums(3);
  sums.add(sequence_losses(model->forward(inputs), targets), domain);

  std::vector<double> alone(5);
  for (int64_t i = 0; i < 5; ++i) {
    alone[i] =
        sequence_losses(model->forward(inputs.slice(0, i, i + 1)), targets.slice(0, i, i + 1))
            .item<double>();
  }
  auto means = sums.means();
  auto counts = sums.counts();
  EXPECT_EQ(counts, (std::vector<uint64_t>{3, 0, 2}));
  EXPECT_NEAR(means[0], (alone[1] + alone[3] + alone[4]) / 3, 1e-5);
  EXPECT_EQ(means[1], 0.0);
  EXPECT_NEAR(means[2], (alone[0] + alone[2]) / 2, 1e-5);
  EXPECT_EQ(sums.total_count(), 5.0);
  EXPECT_NEAR(sums.total_sum() / 5, (alone[0] + alone[1] + alone[2] + alone[3] + alone[4]) / 5,
              1e-5);
}

TEST(DomainLosses, RejectsMismatchedLabels) {
  DomainLosses sums(2);
  std::vector<uint32_t> one{0};
  EXPECT_ANY_THROW(sums.add(torch::zeros({2}), one));
  std::vector<uint32_t> out_of_range{0, 5};
  EXPECT_ANY_THROW(sums.add(torch::zeros({2}), out_of_range));
}

}  // namespace
}  // namespace cuvee
