// The online policies' schedules, scaled with the run's length (docs/study.md): the papers set
// them for runs of ~100k steps; the study's runs are a few hundred to a few thousand steps.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cuvee::study {

// `mixing.*` overrides (KEY=VALUE) for policy `policy` ("odm", "ado", "velocitune") on a run of
// `steps` steps evaluated every `eval_every` steps. Velocitune's targets are added by the
// caller.
std::vector<std::string> policy_settings(const std::string& policy, uint64_t steps,
                                         uint64_t eval_every);

}  // namespace cuvee::study
