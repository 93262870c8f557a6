// Checks shared by the online policies: an observation's shape, order and values.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee {

// Errors unless mean_loss and count have one entry per domain, step follows last_step, and
// every present domain's loss is finite (the message names the step and the domain).
void check_observation(const std::string& policy, const std::vector<std::string>& domains,
                       uint64_t last_step, uint64_t step, std::span<const double> mean_loss,
                       std::span<const uint64_t> count);

// The policy's initial weights from its `init` parameter: "natural" or "uniform".
std::vector<double> initial_weights(const std::string& policy, const std::string& init,
                                    std::span<const uint64_t> train_tokens);

// Errors unless `state` was saved by `policy` over `domains`.
void check_state(const std::string& policy, const std::vector<std::string>& domains,
                 const nlohmann::json& state);

}  // namespace cuvee
