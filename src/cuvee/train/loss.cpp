#include "cuvee/train/loss.h"

#include <torch/nn/functional/loss.h>

#include "cuvee/core/error.h"

namespace cuvee {

torch::Tensor sequence_losses(const torch::Tensor& logits, const torch::Tensor& targets) {
  const int64_t batch = logits.size(0), time = logits.size(1), vocab = logits.size(2);
  auto per_token = torch::nn::functional::cross_entropy(
      logits.to(torch::kFloat32).reshape({batch * time, vocab}), targets.reshape({batch * time}),
      torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone));
  return per_token.view({batch, time}).mean(1);
}

void DomainLosses::add(const torch::Tensor& losses, std::span<const uint32_t> domain) {
  auto values = losses.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  if (static_cast<size_t>(values.numel()) != domain.size()) {
    fail("{} sequence losses for {} domain labels", values.numel(), domain.size());
  }
  const double* data = values.data_ptr<double>();
  for (size_t i = 0; i < domain.size(); ++i) {
    sum.at(domain[i]) += data[i];
    count.at(domain[i]) += 1;
  }
}

std::vector<double> DomainLosses::means() const {
  std::vector<double> result(sum.size(), 0.0);
  for (size_t i = 0; i < sum.size(); ++i) {
    if (count[i] > 0) result[i] = sum[i] / count[i];
  }
  return result;
}

std::vector<uint64_t> DomainLosses::counts() const {
  return std::vector<uint64_t>(count.begin(), count.end());
}

double DomainLosses::total_count() const {
  double total = 0;
  for (double c : count) total += c;
  return total;
}

double DomainLosses::total_sum() const {
  double total = 0;
  for (double s : sum) total += s;
  return total;
}

}  // namespace cuvee
