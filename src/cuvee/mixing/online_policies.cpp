#include "cuvee/mixing/online_policies.h"

#include <algorithm>

#include "cuvee/core/error.h"
#include "cuvee/mixing/ado_policy.h"
#include "cuvee/mixing/odm_policy.h"
#include "cuvee/mixing/velocitune_policy.h"

namespace cuvee {

const std::vector<std::string>& online_policy_names() {
  static const std::vector<std::string> names{"ado", "odm", "velocitune"};
  return names;
}

bool is_online_policy(const std::string& name) {
  const auto& names = online_policy_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::unique_ptr<Policy> make_online_policy(PolicyParams& params, const PolicyContext& context) {
  const std::string& name = params.policy();
  if (name == "odm") return make_odm_policy(params, context);
  if (name == "ado") return make_ado_policy(params, context);
  if (name == "velocitune") return make_velocitune_policy(params, context);
  fail("mixing.policy: '{}' is not an online policy", name);
}

}  // namespace cuvee
