// The online policies of SPEC §2 (odm, ado, velocitune): proportions that follow the model's
// losses while it trains. make_policy() dispatches here for these names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_params.h"

namespace cuvee {

bool is_online_policy(const std::string& name);
const std::vector<std::string>& online_policy_names();
// The online policy `params.policy()` for `context`, reading its parameters from `params`.
std::unique_ptr<Policy> make_online_policy(PolicyParams& params, const PolicyContext& context);

}  // namespace cuvee
