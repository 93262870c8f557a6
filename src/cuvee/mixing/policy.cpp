#include "cuvee/mixing/policy.h"

#include "cuvee/core/error.h"
#include "cuvee/core/nearest_name.h"
#include "cuvee/mixing/online_policies.h"
#include "cuvee/mixing/policy_params.h"
#include "cuvee/mixing/static_policies.h"

namespace cuvee {

std::vector<std::string> policy_names() {
  auto names = static_policy_names();
  const auto& online = online_policy_names();
  names.insert(names.end(), online.begin(), online.end());
  return names;
}

std::unique_ptr<Policy> make_policy(const nlohmann::json& mixing, const PolicyContext& context) {
  if (context.domains.empty()) fail("mixing: no domains");
  if (context.train_tokens.size() != context.domains.size()) {
    fail("mixing: {} domains but {} token counts", context.domains.size(),
         context.train_tokens.size());
  }
  if (!mixing.is_object()) fail("mixing: expected a table of settings, got {}", mixing.dump());
  std::string name = "natural";
  if (mixing.contains("policy")) {
    if (!mixing.at("policy").is_string()) {
      fail("mixing.policy: expected a policy name, got {}", mixing.at("policy").dump());
    }
    name = mixing.at("policy").get<std::string>();
  }
  PolicyParams params(mixing, name);
  std::unique_ptr<Policy> policy;
  if (is_static_policy(name)) {
    policy = make_static_policy(params, context);
  } else if (is_online_policy(name)) {
    policy = make_online_policy(params, context);
  } else {
    auto names = policy_names();
    fail("mixing.policy: unknown policy '{}'; did you mean '{}'?", name, nearest_name(name, names));
  }
  params.finish();
  return policy;
}

}  // namespace cuvee
