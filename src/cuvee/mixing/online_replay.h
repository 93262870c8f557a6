// Replaying a policy on a recorded loss trace: what `cuvee policy replay` does.
//
// A trace is a CSV table `step,loss.<domain>...,count.<domain>...` with optional
// `eval.<domain>...` columns (held-out losses, for Velocitune); other columns are ignored. A
// domain is present in a row when its count cell is non-empty and above 0 (an empty cell is
// absent); its loss must then be a finite number. Each row with a present domain is one
// observe(); a row whose eval cells are all filled is then one observe_eval() (a step-0 row
// with only eval cells gives Velocitune its ℓ_init). Domains are taken in sorted order, as the
// trainer orders them; their training tokens are unknown, so natural proportions are uniform.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cuvee/mixing/policy.h"

namespace cuvee {

struct LossTrace {
  std::vector<std::string> domains;  // sorted
  std::vector<uint64_t> steps;
  std::vector<std::vector<double>> loss;     // rows × domains (NaN where absent)
  std::vector<std::vector<uint64_t>> count;  // rows × domains (0 where absent)
  std::vector<std::vector<double>> eval;     // rows × domains, or an empty row without eval
  std::vector<std::string> where;            // "file:line" of each row
};

LossTrace read_loss_trace(const std::filesystem::path& path);

// The proportions in force after each row's observations.
std::vector<std::vector<double>> replay(Policy& policy, const LossTrace& trace);

// `cuvee policy replay`: the policy of `mixing` (a `mixing` section: "policy" and its
// parameters) driven by the trace at `trace_path`, its weights written atomically to `out` as
// `step,w.<domain>...`.
void replay_policy(const nlohmann::json& mixing, const std::filesystem::path& trace_path,
                   const std::filesystem::path& out);

}  // namespace cuvee
