#include "cuvee/mixing/policy_params.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "cuvee/core/error.h"

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

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string nearest_name(std::string_view name, std::span<const std::string> candidates) {
  // Candidates whose last dotted part contains the name's, or is contained in it ("warmup" for
  // "warmup_steps"), come first; edit distance decides among equals.
  auto leaf = [](std::string_view key) { return key.substr(key.rfind('.') + 1); };
  std::string best;
  std::pair<bool, size_t> best_score{true, SIZE_MAX};
  for (const auto& candidate : candidates) {
    std::string_view a = leaf(name), b = leaf(candidate);
    bool related = !a.empty() && !b.empty() &&
                   (b.find(a) != std::string_view::npos || a.find(b) != std::string_view::npos);
    std::pair<bool, size_t> score{!related, edit_distance(name, candidate)};
    if (score < best_score) {
      best = candidate;
      best_score = score;
    }
  }
  return best;
}

}  // namespace cuvee
