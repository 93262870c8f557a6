#include "cuvee/mixing/policy_params.h"

#include <algorithm>
#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/core/nearest_name.h"

namespace cuvee {

PolicyParams::PolicyParams(const nlohmann::json& mixing, std::string policy)
    : mixing_(mixing), policy_(std::move(policy)) {
  if (!mixing_.is_object()) fail("mixing: expected a table of settings, got {}", mixing_.dump());
  known_.push_back("policy");
}

const nlohmann::json* PolicyParams::find(const std::string& key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.push_back(key);
  auto it = mixing_.find(key);
  return it == mixing_.end() ? nullptr : &*it;
}

double PolicyParams::number(const std::string& key, double fallback) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return fallback;
  if (!value->is_number()) {
    fail("mixing.{}: expected a number for policy '{}', got {}", key, policy_, value->dump());
  }
  double number = value->get<double>();
  if (!std::isfinite(number)) fail("mixing.{}: expected a finite number, got {}", key, number);
  return number;
}

double PolicyParams::number(const std::string& key) {
  if (!mixing_.contains(key)) fail("mixing.{}: required by policy '{}'", key, policy_);
  return number(key, 0.0);
}

uint64_t PolicyParams::count(const std::string& key, uint64_t fallback) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return fallback;
  if (!value->is_number_integer() || value->get<int64_t>() < 0) {
    fail("mixing.{}: expected a non-negative integer for policy '{}', got {}", key, policy_,
         value->dump());
  }
  return value->get<uint64_t>();
}

std::string PolicyParams::text(const std::string& key, const std::string& fallback) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return fallback;
  if (!value->is_string()) {
    fail("mixing.{}: expected a string for policy '{}', got {}", key, policy_, value->dump());
  }
  return value->get<std::string>();
}

std::optional<nlohmann::json> PolicyParams::value(const std::string& key) {
  const nlohmann::json* value = find(key);
  if (value == nullptr) return std::nullopt;
  return *value;
}

void PolicyParams::finish() const {
  for (const auto& [key, value] : mixing_.items()) {
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    fail("mixing.{}: unknown setting for policy '{}'; did you mean 'mixing.{}'?", key, policy_,
         nearest_name(key, known_));
  }
}

}  // namespace cuvee
