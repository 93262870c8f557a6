// The static recipes every comparison includes as its baselines, as policies whose weights
// never change (docs/training.md, "Mixing: the Policy seam"):
//
//   natural      r_i ∝ n_i, the training tokens of domain i
//   uniform      r_i = 1/K
//   temperature  r_i ∝ n_i^(1/T)  (T = 1 is natural, T → ∞ uniform); `temperature` required
//   fixed        given weights: `weights` as a table {domain = w, ...} or a string
//                "a=0.5,b=0.5", or `file`, a JSON mixture {"domain": w, ...} (or an object whose
//                "mixture" member is one); every domain must be named, weights are normalised
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_params.h"

namespace cuvee {

std::vector<double> natural_weights(std::span<const uint64_t> tokens);
std::vector<double> uniform_weights(size_t domains);
std::vector<double> temperature_weights(std::span<const uint64_t> tokens, double temperature);

class StaticPolicy final : public Policy {
 public:
  StaticPolicy(std::string name, std::vector<double> weights);
  std::string name() const override { return name_; }
  std::vector<double> weights() const override { return weights_; }
  // Static weights ignore observations.
  void observe(uint64_t, std::span<const double>, std::span<const uint64_t>) override {}
  // {"policy": name, "weights": [...]}.
  nlohmann::json save_state() const override;
  // Refuses a state whose policy or weights differ from this one's (a resumed run must draw
  // with the proportions it started with).
  void load_state(const nlohmann::json& state) override;

 private:
  std::string name_;
  std::vector<double> weights_;
};

// The static policy `params.policy()` for `context`, reading its parameters from `params`.
std::unique_ptr<Policy> make_static_policy(PolicyParams& params, const PolicyContext& context);

}  // namespace cuvee
