// ADO (Jiang et al. 2024, "Adaptive Data Optimization: Dynamic Sample Selection with Scaling
// Laws", arXiv 2410.11820): per-domain scaling laws fitted online to the training losses,
// proportions steered to the domains forecast to learn fastest. docs/online_mixing.md states the
// rule as the released code (src/data_selectors/ado.py) runs it and the source of every default.
//
// Each step t (1-based; the released code's itr = t − 1): n (examples seen) grows by the whole
// batch; the credit h_k ← γ1·(share of domain k in the step) + (1 − γ1)·h_k (h starts at μ, the
// natural proportions). After step t with t − 1 >= start_step and t − 1 a multiple of
// refit_every, each domain's step law L̂_k(n) = ε_k + β_k·n^(−α_k) is refitted (ado_fit.h) to
// its loss history: missing values carried forward, Savitzky–Golay smoothed (window
// `smooth_window`, order 3), the first `ignore_steps` steps dropped, every 10th step kept;
// log-space residuals, Huber δ = 1e-3, log ε ≥ min_log_epsilon, β ≤ e^6.5, α ∈ [0, 0.8]. Once
// fitted, every step:
//   forecast  f_k = max(α_k, 0.05)·(L̂_k(n) − ε_k)/n          (−dL̂_k/dn, α floored as the code)
//   ρ_k ∝ μ_k·h_k^s·f_k, clipped below at min_prob and renormalised
//   π = γ2·ρ + (1 − γ2)·π̄, then π̄ ← (1 − 1/t)·π̄ + ρ/t
// with π̄ = μ before the first ρ. Before the first laws π = μ. A domain whose history holds
// fewer than 4 points after dropping and subsampling has no law and f_k = 0 (it keeps min_prob).
//
// A refit runs on a background thread, on a copy of the history up to the step that started
// it, and its laws take effect at the observation `refit_lag` steps later (waiting for it there
// if it has not finished). The delay is counted in steps, not time, so the weights do not depend
// on how fast the machine is, and training does not stall while the laws are fitted. With
// refit_lag = 0 the refit runs inside observe(), as in the released code.
//
// Parameters: gamma1 (0.1), gamma2 (0.1), s (0.5), min_prob (0.01), refit_every (1000),
// start_step (500), ignore_steps (1000), smooth_window (101), min_log_epsilon (0.5), refit_lag
// (10, or refit_every − 1 if smaller), threads (the cores available: domains are refitted in
// parallel; the result does not depend on it).
#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_params.h"

namespace cuvee {

struct AdoSettings {
  double gamma1 = 0.1;
  double gamma2 = 0.1;
  double s = 0.5;
  double min_prob = 0.01;
  uint64_t refit_every = 1000;
  uint64_t start_step = 500;
  uint64_t ignore_steps = 1000;
  uint64_t smooth_window = 101;
  double min_log_epsilon = 0.5;  // the fits' floor on log ε (ε in nats per token)
  uint64_t refit_lag = 0;        // steps from a refit's start to its laws taking effect
  int threads = 1;               // domains refitted at once
  std::vector<double> natural;   // μ
};

// One domain's fitted law; `fitted` false while its history is too short.
struct AdoLaw {
  bool fitted = false;
  double epsilon = 0, beta = 0, alpha = 0;
};

// What the laws are fitted to: one entry per observed step.
struct AdoHistory {
  std::vector<double> seen;                 // n after each observed step
  std::vector<uint64_t> first;              // index of each domain's first observation
  std::vector<std::vector<double>> series;  // carried-forward losses from the first observation

  // The history of the first `steps` observed steps.
  AdoHistory prefix(size_t steps) const;
};

// Fits every domain's law to `history` (domains in parallel on settings.threads threads).
std::vector<AdoLaw> fit_ado_laws(const AdoHistory& history, const AdoSettings& settings);

class AdoPolicy final : public Policy {
 public:
  AdoPolicy(std::vector<std::string> domains, AdoSettings settings);

  std::string name() const override { return "ado"; }
  std::vector<double> weights() const override { return weights_; }
  void observe(uint64_t step, std::span<const double> mean_loss,
               std::span<const uint64_t> count) override;
  nlohmann::json save_state() const override;
  void load_state(const nlohmann::json& state) override;

  // Refits every domain's law to the history so far, now, on this thread (observe() refits on
  // schedule by itself; this is for measuring a refit).
  void refit();
  const std::vector<AdoLaw>& laws() const { return laws_; }
  // Replaces the laws as a refit taking effect now would (for tests of the update on given laws).
  void use_laws(std::vector<AdoLaw> laws);
  // The preference ρ of the last update (empty before the first fit).
  const std::vector<double>& preference() const { return rho_; }

 private:
  void start_refit(uint64_t step, size_t history_steps);
  void finish_refit();
  void update_weights(uint64_t step);

  std::vector<std::string> domains_;
  AdoSettings settings_;
  std::vector<double> weights_;
  std::vector<double> credit_;    // h
  std::vector<double> mean_rho_;  // π̄
  std::vector<double> rho_;
  std::vector<AdoLaw> laws_;
  bool have_laws_ = false;  // a refit has taken effect: π follows ρ from then on
  AdoHistory history_;
  uint64_t last_step_ = 0;
  uint64_t last_refit_ = 0;  // step that started the last refit; 0: none yet
  // The refit in flight (last_refit_ started it on the first pending_steps_ observed steps).
  std::future<std::vector<AdoLaw>> pending_;
  size_t pending_steps_ = 0;
};

std::unique_ptr<Policy> make_ado_policy(PolicyParams& params, const PolicyContext& context);

}  // namespace cuvee
