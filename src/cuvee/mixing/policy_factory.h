// The policy registry: every policy by name, and make_policy(), which builds the one a config's
// `mixing` section names. Kept apart from the interface (policy.h) as SentencePiece keeps
// model_factory apart from model_interface: adding a policy touches this registry and the
// policy's own files, and code that only drives a policy never sees the others.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cuvee/mixing/policy.h"

namespace cuvee {

// The policy named by a config's `mixing` section: a JSON object whose "policy" member names
// the policy ("natural" when absent) and whose other members are its parameters. Unknown
// policies and unknown parameters are errors naming the nearest valid name.
std::unique_ptr<Policy> make_policy(const nlohmann::json& mixing, const PolicyContext& context);

// Names make_policy() accepts: the static recipes, then the online policies.
std::vector<std::string> policy_names();

}  // namespace cuvee
