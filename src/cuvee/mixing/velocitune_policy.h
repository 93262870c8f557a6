// Velocitune (Luo et al. 2024, arXiv 2411.14318): proportions steered by each domain's
// learning velocity towards a target loss (docs/online_mixing.md, "Velocitune").
//
// The first evaluation (observe_eval) gives ℓ_init; every later evaluation at least `every`
// steps after the last update computes
//   V_i = clamp((ℓ_t,i − ℓ_target,i) / (ℓ_init,i − ℓ_target,i), 0, 1)
// (0 where ℓ_init,i ≤ ℓ_target,i: the domain started at its target) and updates
//   w_i ← w_i · exp(η·V_i) / Σ_j w_j · exp(η·V_j).
// Training losses (observe) are ignored: velocity is measured on held-out data, so the trainer
// must call observe_eval after each evaluation, starting with one before the first step.
//
// Parameters: targets (a table {domain = loss} or "d1=x,d2=y"), or targets_fit (a law fit file
// of a proxy run's evaluations, `cuvee law fit`: a chinchilla fit with model_size (N) and
// target_steps (D, in the fit's step unit) at which to extrapolate it, or a step fit, with
// target_steps only); every (1), eta (1), init (natural | uniform; natural).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_params.h"

namespace cuvee {

struct VelocituneSettings {
  std::vector<double> targets;  // ℓ_target per domain
  uint64_t every = 1;
  double eta = 1;
  std::vector<double> initial;
};

class VelocitunePolicy final : public Policy {
 public:
  VelocitunePolicy(std::vector<std::string> domains, VelocituneSettings settings);

  std::string name() const override { return "velocitune"; }
  std::vector<double> weights() const override { return weights_; }
  void observe(uint64_t step, std::span<const double> mean_loss,
               std::span<const uint64_t> count) override;
  void observe_eval(uint64_t step, std::span<const double> eval_loss) override;
  nlohmann::json save_state() const override;
  void load_state(const nlohmann::json& state) override;

 private:
  std::vector<std::string> domains_;
  VelocituneSettings settings_;
  std::vector<double> weights_;
  std::vector<double> initial_loss_;  // ℓ_init; empty until the first evaluation
  uint64_t last_step_ = 0;
  uint64_t last_update_ = 0;  // step of the last evaluation that set or updated the weights
};

// ℓ_target per domain from `targets` or `targets_fit` (see above).
std::vector<double> velocitune_targets(PolicyParams& params,
                                       const std::vector<std::string>& domains);

std::unique_ptr<Policy> make_velocitune_policy(PolicyParams& params, const PolicyContext& context);

}  // namespace cuvee
