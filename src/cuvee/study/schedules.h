// The online policies' schedules, scaled with the run's length (docs/study.md): the papers set
// them for runs of ~100k steps; the study's runs are a few hundred to a few thousand steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cuvee::study {

// `mixing.*` overrides (KEY=VALUE) for policy `policy` ("odm", "ado", "velocitune") on a run of
// `steps` steps evaluated every `eval_every` steps. With odm_epsilon_reference_steps > 0, ODM's
// ε schedule is stretched to what a run of that many steps has at the same fraction of training
// (epsilon_time_scale = reference / steps); 0 keeps the released one. Velocitune's targets are
// added by the caller.
std::vector<std::string> policy_settings(const std::string& policy, uint64_t steps,
                                         uint64_t eval_every,
                                         double odm_epsilon_reference_steps = 0);

}  // namespace cuvee::study
