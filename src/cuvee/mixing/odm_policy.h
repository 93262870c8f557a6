// ODM (Albalak et al. 2023, arXiv 2312.02406): domain mixing as an Exp3 multi-armed bandit
// whose arms are the domains and whose reward is the training loss (SPEC §2.1).
//
// Indexing (issue 4): before any observation π is the initial weights, R̂ = 0 and ε_0 = 1/K.
// On the observation of step t (t = 1, 2, ...) every present domain i updates
//   paper:          R̂_i ← α·R̂_i + (1 − α)·L_i / π_i   (π the proportions that drew step t)
//   smoothed-mean:  R̂_i ← α·R̂_i + (1 − α)·exp(L_i)    (the released code)
// then ε_t = min(1/K, sqrt(ln K / (K·t))) and
//   paper:          π ← (1 − K·ε_t)·softmax(ε_{t−1}·R̂) + ε_t
//   smoothed-mean:  π ← (1 − K·ε_t)·R̂ / Σ_j R̂_j + ε_t   (uniform in place of R̂/ΣR̂ while R̂ = 0)
// For t ≤ warmup_steps R̂ and ε update but π stays the initial weights.
//
// Parameters: alpha (0.9), warmup_steps (1% of the run's steps), variant (paper |
// smoothed-mean), init (natural | uniform; natural by default).
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
  bool smoothed_mean = false;   // the released code's variant instead of the paper's Exp3
  std::vector<double> initial;  // π before and during warm-up
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
  double epsilon_;  // ε of the last observation (ε_0 = 1/K before any)
};

std::unique_ptr<Policy> make_odm_policy(PolicyParams& params, const PolicyContext& context);

}  // namespace cuvee
