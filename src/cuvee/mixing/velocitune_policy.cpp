#include "cuvee/mixing/velocitune_policy.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "cuvee/core/error.h"
#include "cuvee/core/mixture.h"
#include "cuvee/core/nearest_name.h"
#include "cuvee/laws/law_fit.h"
#include "cuvee/mixing/online_check.h"

namespace cuvee {

VelocitunePolicy::VelocitunePolicy(std::vector<std::string> domains, VelocituneSettings settings)
    : domains_(std::move(domains)), settings_(std::move(settings)), weights_(settings_.initial) {
  if (domains_.size() < 2) fail("velocitune: needs at least 2 domains, got {}", domains_.size());
  if (settings_.targets.size() != domains_.size() || weights_.size() != domains_.size()) {
    fail("velocitune: {} targets and {} initial weights for {} domains", settings_.targets.size(),
         weights_.size(), domains_.size());
  }
  if (!(settings_.eta > 0) || !std::isfinite(settings_.eta)) {
    fail("mixing.eta: velocitune expects a finite eta > 0, got {}", settings_.eta);
  }
  if (settings_.every == 0) fail("mixing.every: velocitune expects every >= 1");
}

void VelocitunePolicy::observe(uint64_t step, std::span<const double> mean_loss,
                               std::span<const uint64_t> count) {
  check_observation("velocitune", domains_, last_step_, step, mean_loss, count);
  last_step_ = step;
}

void VelocitunePolicy::observe_eval(uint64_t step, std::span<const double> eval_loss) {
  if (eval_loss.size() != domains_.size()) {
    fail("velocitune: step {}: expected {} validation losses, got {}", step, domains_.size(),
         eval_loss.size());
  }
  for (size_t i = 0; i < domains_.size(); ++i) {
    if (!std::isfinite(eval_loss[i])) {
      fail("velocitune: step {}: domain '{}' has non-finite validation loss {}", step, domains_[i],
           eval_loss[i]);
    }
  }
  if (initial_loss_.empty()) {
    // ℓ_init: every V_i would be 1, which leaves the weights as they are.
    initial_loss_.assign(eval_loss.begin(), eval_loss.end());
    last_update_ = step;
    return;
  }
  if (step < last_update_ + settings_.every) return;
  std::vector<double> velocity(domains_.size());
  for (size_t i = 0; i < domains_.size(); ++i) {
    double span = initial_loss_[i] - settings_.targets[i];
    velocity[i] =
        span > 0 ? std::clamp((eval_loss[i] - settings_.targets[i]) / span, 0.0, 1.0) : 0.0;
  }
  // exp(η·(V_i − max V)): the same proportions as exp(η·V_i) once normalised, without the
  // overflow to inf/inf = NaN that a large η gives. The max is over domains still drawn, so
  // one term stays at its weight and the total above 0.
  double top = 0;
  for (size_t i = 0; i < domains_.size(); ++i) {
    if (weights_[i] > 0) top = std::max(top, velocity[i]);
  }
  std::vector<double> scaled(domains_.size());
  double total = 0;
  for (size_t i = 0; i < domains_.size(); ++i) {
    scaled[i] = weights_[i] * std::exp(settings_.eta * (velocity[i] - top));
    total += scaled[i];
  }
  for (size_t i = 0; i < domains_.size(); ++i) weights_[i] = scaled[i] / total;
  last_update_ = step;
}

nlohmann::json VelocitunePolicy::save_state() const {
  return {{"policy", "velocitune"},       {"domains", domains_},
          {"weights", weights_},          {"initial_loss", initial_loss_},
          {"targets", settings_.targets}, {"last_step", last_step_},
          {"last_update", last_update_}};
}

void VelocitunePolicy::load_state(const nlohmann::json& state) {
  check_state("velocitune", domains_, state);
  if (state.at("targets").get<std::vector<double>>() != settings_.targets) {
    fail("mixing: the checkpoint's velocitune targets {} differ from the config's {}",
         state.at("targets").dump(), nlohmann::json(settings_.targets).dump());
  }
  auto weights = state.at("weights").get<std::vector<double>>();
  auto initial = state.at("initial_loss").get<std::vector<double>>();
  if (weights.size() != domains_.size() ||
      (!initial.empty() && initial.size() != domains_.size())) {
    fail("mixing: the checkpoint's velocitune state has the wrong number of entries");
  }
  weights_ = std::move(weights);
  initial_loss_ = std::move(initial);
  last_step_ = state.at("last_step").get<uint64_t>();
  last_update_ = state.at("last_update").get<uint64_t>();
}

namespace {

// "d1=x,d2=y" (the mixture syntax) or {"d1": x, ...} as a map.
std::map<std::string, double> target_map(const nlohmann::json& value) {
  Mixture losses;
  try {
    losses = Mixture::from_value(value);
  } catch (const Error& e) {
    fail("mixing.targets: {}", e.what());
  }
  std::map<std::string, double> targets;
  for (size_t d = 0; d < losses.size(); ++d) targets[losses.domains[d]] = losses.weights[d];
  return targets;
}

}  // namespace

std::vector<double> velocitune_targets(PolicyParams& params,
                                       const std::vector<std::string>& domains) {
  auto direct = params.value("targets");
  auto fit_path = params.value("targets_fit");
  if (direct.has_value() == fit_path.has_value()) {
    fail(
        "mixing: policy 'velocitune' needs exactly one of 'targets' (\"d1=x,d2=y\" or a table) "
        "and 'targets_fit' (a chinchilla or step law fit of a proxy run)");
  }
  std::map<std::string, double> targets;
  if (direct) {
    targets = target_map(*direct);
  } else {
    if (!fit_path->is_string())
      fail("mixing.targets_fit: expected a path, got {}", fit_path->dump());
    const std::string path = fit_path->get<std::string>();
    LawFit fit = read_law_fit(path);
    if (fit.law != "chinchilla" && fit.law != "step") {
      fail(
          "mixing.targets_fit: {} is a '{}' fit; velocitune extrapolates a 'chinchilla' or a "
          "'step' fit",
          path, fit.law);
    }
    LawInput x;
    // The step law has no model-size term: a step fit needs only target_steps.
    if (fit.law == "chinchilla") x.model_size = params.number("model_size");
    x.step = params.number("target_steps");
    for (size_t d = 0; d < fit.loss_domains.size(); ++d) {
      auto target = fit.predict(d, x);
      if (!target)
        fail("mixing.targets_fit: {} has no fitted law for domain '{}'", path, fit.loss_domains[d]);
      targets[fit.loss_domains[d]] = *target;
    }
  }
  std::vector<double> result;
  for (const auto& domain : domains) {
    auto found = targets.find(domain);
    if (found == targets.end()) fail("mixing.targets: no target loss for domain '{}'", domain);
    if (!std::isfinite(found->second)) {
      fail("mixing.targets: domain '{}' has non-finite target {}", domain, found->second);
    }
    result.push_back(found->second);
    targets.erase(found);
  }
  if (!targets.empty()) {
    fail("mixing.targets: unknown domain '{}'; did you mean '{}'?", targets.begin()->first,
         nearest_name(targets.begin()->first, domains));
  }
  return result;
}

std::unique_ptr<Policy> make_velocitune_policy(PolicyParams& params, const PolicyContext& context) {
  VelocituneSettings settings;
  settings.targets = velocitune_targets(params, context.domains);
  settings.every = params.count("every", 1);
  settings.eta = params.number("eta", 1.0);
  settings.initial =
      initial_weights("velocitune", params.text("init", "natural"), context.train_tokens);
  return std::make_unique<VelocitunePolicy>(context.domains, std::move(settings));
}

}  // namespace cuvee
