// ODM (Albalak et al. 2023, "Efficient Online Data Mixing For Language Model Pre-Training",
// arXiv 2312.02406): domain mixing as a multi-armed bandit whose arms are the domains and whose
// reward is the training loss (docs/online_mixing.md states the rule and the source of every
// default).
//
// Indexing, as the released code's `UpdateScheduler.requires_update` (iteration > warmup_steps):
// before any update π is the initial weights, R̂ = 0 and ε = 1/K. The observation of a step
// t ≤ warmup_steps changes nothing. The observation of a later step t updates, in this order,
//   ε_prev ← ε,  ε ← min(1/K, sqrt(ln K / (K·τ·t)))          (τ = epsilon_time_scale)
//   every present domain i:
//     smoothed-mean: R̂_i ← α·R̂_i + (1 − α)·exp(L_i)        (the released `group_update`)
//     paper:         R̂_i ← α·R̂_i + (1 − α)·L_i / π_i       (Exp3; π the proportions that drew t)
//   smoothed-mean:   π ← (1 − K·ε)·R̂ / Σ_j R̂_j + ε          (uniform in place of R̂/ΣR̂ while R̂ = 0)
//   paper:           π ← (1 − K·ε)·softmax(ε_prev·R̂) + ε
//
// Parameters: variant (smoothed-mean | paper; smoothed-mean), alpha (0.9), warmup_steps (2% of
// the run's steps), epsilon_time_scale (1), init (natural | uniform; natural).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_params.h"

namespace cuvee {

struct OdmSettings {
  double alpha = 0.9;
  uint64_t warmup_steps = 0;
  bool smoothed_mean = true;      // the released code's rule; false: the paper's Exp3
  double epsilon_time_scale = 1;  // τ: each step counts as τ steps of the ε schedule
  std::vector<double> initial;    // π before and during warm-up
};

class OdmPolicy final : public Policy {
 public:
  OdmPolicy(std::vector<std::string> domains, OdmSettings settings);

  std::string name() const override { return "odm"; }
  std::vector<double> weights() const override { return weights_; }
  void observe(uint64_t step, std::span<const double> mean_loss,
               std::span<const uint64_t> count) override;
  nlohmann::json save_state() const override;
  void load_state(const nlohmann::json& state) override;

  const std::vector<double>& rewards() const { return reward_; }

 private:
  std::vector<std::string> domains_;
  OdmSettings settings_;
  std::vector<double> weights_;
  std::vector<double> reward_;
  uint64_t last_step_ = 0;
  double epsilon_;  // ε of the last update (1/K before any)
};

std::unique_ptr<Policy> make_odm_policy(PolicyParams& params, const PolicyContext& context);

}  // namespace cuvee
