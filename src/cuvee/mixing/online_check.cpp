#include "cuvee/mixing/online_check.h"

#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/mixing/static_policies.h"

namespace cuvee {

void check_observation(const std::string& policy, const std::vector<std::string>& domains,
                       uint64_t last_step, uint64_t step, std::span<const double> mean_loss,
                       std::span<const uint64_t> count) {
  if (mean_loss.size() != domains.size() || count.size() != domains.size()) {
    fail("{}: step {}: expected {} losses and counts, got {} and {}", policy, step, domains.size(),
         mean_loss.size(), count.size());
  }
  if (step <= last_step) {
    fail("{}: step {} observed after step {}; steps must increase", policy, step, last_step);
  }
  for (size_t i = 0; i < domains.size(); ++i) {
    if (count[i] > 0 && !std::isfinite(mean_loss[i])) {
      fail("{}: step {}: domain '{}' has non-finite loss {}", policy, step, domains[i],
           mean_loss[i]);
    }
  }
}

std::vector<double> initial_weights(const std::string& policy, const std::string& init,
                                    std::span<const uint64_t> train_tokens) {
  if (init == "natural") return natural_weights(train_tokens);
  if (init == "uniform") return uniform_weights(train_tokens.size());
  fail("mixing.init: policy '{}' starts from 'natural' or 'uniform', got '{}'", policy, init);
}

void check_state(const std::string& policy, const std::vector<std::string>& domains,
                 const nlohmann::json& state) {
  std::string saved = state.is_object() ? state.value("policy", "") : "";
  if (saved != policy) {
    fail("mixing: the checkpoint was trained with policy '{}', the config asks for '{}'", saved,
         policy);
  }
  auto saved_domains = state.at("domains").get<std::vector<std::string>>();
  if (saved_domains != domains) {
    fail("mixing: the checkpoint's {} state is over domains {}, this run has {}", policy,
         nlohmann::json(saved_domains).dump(), nlohmann::json(domains).dump());
  }
}

}  // namespace cuvee
