#include "cuvee/mixing/static_policies.h"

#include <algorithm>
#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/mixture.h"
#include "cuvee/core/mixture_file.h"

namespace cuvee {

std::vector<double> natural_weights(std::span<const uint64_t> tokens) {
  return temperature_weights(tokens, 1.0);
}

std::vector<double> uniform_weights(size_t domains) {
  if (domains == 0) fail("uniform weights: no domains");
  return std::vector<double>(domains, 1.0 / static_cast<double>(domains));
}

std::vector<double> temperature_weights(std::span<const uint64_t> tokens, double temperature) {
  if (tokens.empty()) fail("mixing: no domains");
  if (!(temperature > 0) || !std::isfinite(temperature)) {
    fail("mixing.temperature: expected a finite number > 0, got {}", temperature);
  }
  // n_i^(1/T) / Σ_j n_j^(1/T), computed as exp((log n_i − log n_max) / T) so that large counts
  // and small temperatures do not overflow. Empty domains get 0.
  uint64_t largest = *std::max_element(tokens.begin(), tokens.end());
  if (largest == 0) fail("mixing: every domain has 0 training tokens");
  std::vector<double> weights(tokens.size(), 0.0);
  double total = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i] == 0) continue;
    double log_ratio =
        std::log(static_cast<double>(tokens[i])) - std::log(static_cast<double>(largest));
    weights[i] = std::exp(log_ratio / temperature);
    total += weights[i];
  }
  for (double& w : weights) w /= total;
  return weights;
}

StaticPolicy::StaticPolicy(std::string name, std::vector<double> weights)
    : name_(std::move(name)), weights_(std::move(weights)) {}

nlohmann::json StaticPolicy::save_state() const {
  return {{"policy", name_}, {"weights", weights_}};
}

void StaticPolicy::load_state(const nlohmann::json& state) {
  std::string policy = state.value("policy", "");
  if (policy != name_) {
    fail("mixing: the checkpoint was trained with policy '{}', the config asks for '{}'", policy,
         name_);
  }
  auto saved = state.at("weights").get<std::vector<double>>();
  if (saved != weights_) {
    fail("mixing: the checkpoint was trained with {} weights {}, the config gives {}", name_,
         nlohmann::json(saved).dump(), nlohmann::json(weights_).dump());
  }
}

namespace {

std::vector<double> fixed_weights(PolicyParams& params, const PolicyContext& context) {
  auto weights = params.value("weights");
  auto file = params.value("file");
  if (weights.has_value() == file.has_value()) {
    fail(
        "mixing: policy 'fixed' needs exactly one of 'weights' (a table or \"a=0.5,b=0.5\") "
        "and 'file' (a JSON mixture)");
  }
  Mixture mixture;
  if (weights.has_value()) {
    mixture = Mixture::from_value(*weights);
  } else {
    if (!file->is_string()) fail("mixing.file: expected a path, got {}", file->dump());
    auto path = file->get<std::string>();
    mixture = read_mixture_file(path);
    try {
      return mixture.normalised().weights_for(context.domains);
    } catch (const Error& e) {
      fail("{}: {}", path, e.what());
    }
  }
  return mixture.normalised().weights_for(context.domains);
}

}  // namespace

std::unique_ptr<Policy> make_static_policy(PolicyParams& params, const PolicyContext& context) {
  const std::string& name = params.policy();
  std::vector<double> weights;
  if (name == "natural") {
    weights = natural_weights(context.train_tokens);
  } else if (name == "uniform") {
    weights = uniform_weights(context.domains.size());
  } else if (name == "temperature") {
    weights = temperature_weights(context.train_tokens, params.number("temperature"));
  } else if (name == "fixed") {
    weights = fixed_weights(params, context);
  } else {
    fail("mixing.policy: '{}' is not a static policy", name);
  }
  return std::make_unique<StaticPolicy>(name, std::move(weights));
}

}  // namespace cuvee
