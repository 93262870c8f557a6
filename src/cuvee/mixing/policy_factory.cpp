#include "cuvee/mixing/policy_factory.h"

#include "cuvee/core/error.h"
#include "cuvee/core/nearest_name.h"
#include "cuvee/mixing/ado_policy.h"
#include "cuvee/mixing/odm_policy.h"
#include "cuvee/mixing/policy_params.h"
#include "cuvee/mixing/static_policies.h"
#include "cuvee/mixing/velocitune_policy.h"

namespace cuvee {

namespace {

using PolicyMaker = std::unique_ptr<Policy> (*)(PolicyParams&, const PolicyContext&);

struct RegisteredPolicy {
  const char* name;
  PolicyMaker make;
};

// Every policy. The static recipes share one maker, which tells them apart by name.
constexpr RegisteredPolicy kPolicies[] = {
    {"fixed", make_static_policy},
    {"natural", make_static_policy},
    {"temperature", make_static_policy},
    {"uniform", make_static_policy},
    {"ado", make_ado_policy},
    {"odm", make_odm_policy},
    {"velocitune", make_velocitune_policy},
};

}  // namespace

std::vector<std::string> policy_names() {
  std::vector<std::string> names;
  for (const auto& policy : kPolicies) names.emplace_back(policy.name);
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
  for (const auto& registered : kPolicies) {
    if (name != registered.name) continue;
    PolicyParams params(mixing, name);
    auto policy = registered.make(params, context);
    params.finish();
    return policy;
  }
  auto names = policy_names();
  fail("mixing.policy: unknown policy '{}'; did you mean '{}'?", name, nearest_name(name, names));
}

}  // namespace cuvee
