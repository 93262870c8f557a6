#include "cuvee/mixing/odm_policy.h"

#include <algorithm>
#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/mixing/online_check.h"

namespace cuvee {

OdmPolicy::OdmPolicy(std::vector<std::string> domains, OdmSettings settings)
    : domains_(std::move(domains)),
      settings_(std::move(settings)),
      weights_(settings_.initial),
      reward_(domains_.size(), 0.0),
      epsilon_(1.0 / static_cast<double>(domains_.size())) {
  if (domains_.size() < 2) fail("odm: needs at least 2 domains, got {}", domains_.size());
  if (!(settings_.alpha >= 0 && settings_.alpha < 1)) {
    fail("mixing.alpha: odm expects 0 <= alpha < 1, got {}", settings_.alpha);
  }
  if (settings_.initial.size() != domains_.size()) {
    fail("odm: {} initial weights for {} domains", settings_.initial.size(), domains_.size());
  }
}

void OdmPolicy::observe(uint64_t step, std::span<const double> mean_loss,
                        std::span<const uint64_t> count) {
  check_observation("odm", domains_, last_step_, step, mean_loss, count);
  last_step_ = step;
  if (step <= settings_.warmup_steps) return;  // warm-up: R̂, ε and π stay as they are
  const size_t k = domains_.size();
  const double kd = static_cast<double>(k);
  const double previous_epsilon = epsilon_;
  epsilon_ = std::min(1.0 / kd, std::sqrt(std::log(kd) / (kd * settings_.epsilon_time_scale *
                                                          static_cast<double>(step))));
  const double alpha = settings_.alpha;
  for (size_t i = 0; i < k; ++i) {
    if (count[i] == 0) continue;
    if (settings_.smoothed_mean) {
      reward_[i] = alpha * reward_[i] + (1 - alpha) * std::exp(mean_loss[i]);
    } else {
      if (weights_[i] <= 0) {
        fail("odm: step {}: domain '{}' was drawn with proportion 0", step, domains_[i]);
      }
      reward_[i] = alpha * reward_[i] + (1 - alpha) * mean_loss[i] / weights_[i];
    }
  }
  std::vector<double> share(k);
  if (settings_.smoothed_mean) {
    double total = 0;
    for (double r : reward_) total += r;
    for (size_t i = 0; i < k; ++i) share[i] = total > 0 ? reward_[i] / total : 1.0 / kd;
  } else {
    // softmax(ε_prev·R̂), shifted by the largest exponent so that large rewards (L/π can reach
    // L·K/ε) cannot overflow.
    double top = *std::max_element(reward_.begin(), reward_.end());
    double total = 0;
    for (size_t i = 0; i < k; ++i) {
      share[i] = std::exp(previous_epsilon * (reward_[i] - top));
      total += share[i];
    }
    for (double& s : share) s /= total;
  }
  for (size_t i = 0; i < k; ++i) weights_[i] = (1 - kd * epsilon_) * share[i] + epsilon_;
}

nlohmann::json OdmPolicy::save_state() const {
  return {{"policy", "odm"},    {"domains", domains_}, {"weights", weights_},
          {"rewards", reward_}, {"epsilon", epsilon_}, {"last_step", last_step_}};
}

void OdmPolicy::load_state(const nlohmann::json& state) {
  check_state("odm", domains_, state);
  weights_ = state.at("weights").get<std::vector<double>>();
  reward_ = state.at("rewards").get<std::vector<double>>();
  epsilon_ = state.at("epsilon").get<double>();
  last_step_ = state.at("last_step").get<uint64_t>();
  if (weights_.size() != domains_.size() || reward_.size() != domains_.size()) {
    fail("mixing: the checkpoint's odm state has the wrong number of entries");
  }
}

std::unique_ptr<Policy> make_odm_policy(PolicyParams& params, const PolicyContext& context) {
  OdmSettings settings;
  settings.alpha = params.number("alpha", settings.alpha);
  // The released scripts warm up for 2000 of their 100k steps.
  settings.warmup_steps = params.count("warmup_steps", context.total_steps / 50);
  std::string variant = params.text("variant", "smoothed-mean");
  if (variant != "paper" && variant != "smoothed-mean") {
    fail("mixing.variant: odm knows 'smoothed-mean' and 'paper', got '{}'", variant);
  }
  settings.smoothed_mean = variant == "smoothed-mean";
  settings.epsilon_time_scale = params.number("epsilon_time_scale", settings.epsilon_time_scale);
  if (!(settings.epsilon_time_scale > 0)) {
    fail("mixing.epsilon_time_scale: odm expects a number > 0, got {}",
         settings.epsilon_time_scale);
  }
  settings.initial = initial_weights("odm", params.text("init", "natural"), context.train_tokens);
  return std::make_unique<OdmPolicy>(context.domains, std::move(settings));
}

}  // namespace cuvee
