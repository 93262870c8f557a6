// The parameters of a policy, read from its `mixing` JSON object. Each accessor names a key the
// policy knows; finish() then rejects every member that no accessor asked for, naming the
// nearest known key, so a misspelt parameter is an error rather than a silent default.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee {

class PolicyParams {
 public:
  // `mixing`: the whole section (its "policy" member is the policy's name, not a parameter).
  PolicyParams(const nlohmann::json& mixing, std::string policy);

  const std::string& policy() const { return policy_; }
  double number(const std::string& key, double fallback);
  // A number the policy cannot do without: an error naming the key if absent.
  double number(const std::string& key);
  uint64_t count(const std::string& key, uint64_t fallback);
  std::string text(const std::string& key, const std::string& fallback);
  // The raw value, or nullopt when absent (for parameters of several shapes).
  std::optional<nlohmann::json> value(const std::string& key);

  // Errors on the first member no accessor asked for.
  void finish() const;

 private:
  const nlohmann::json* find(const std::string& key);
  nlohmann::json mixing_;
  std::string policy_;
  std::vector<std::string> known_;
};

}  // namespace cuvee
