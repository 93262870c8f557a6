// Mixture: named proportions over domains, a point on the simplex. Parsed from
// "name=value,name=value" (values need not sum to 1; normalised() rescales) or JSON.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace cuvee {

struct Mixture {
  std::vector<std::string> domains;
  std::vector<double> weights;

  // Parses "a=0.5,b=0.5". Errors name the offending item.
  static Mixture parse(std::string_view spec);
  static Mixture from_json(const nlohmann::json& json);
  // A setting that is a mixture: the text "a=0.5,b=0.5" or a table {"a": 0.5, "b": 0.5}.
  static Mixture from_value(const nlohmann::json& value);
  nlohmann::json to_json() const;

  size_t size() const { return domains.size(); }
  // Weight of a domain; an error naming it if absent.
  double weight(std::string_view domain) const;
  // The same mixture scaled to sum 1. Errors if weights are negative, non-finite or all zero.
  Mixture normalised() const;
  // The weights reordered to follow `order` (every name must be present; extra names are an
  // error naming them).
  std::vector<double> weights_for(const std::vector<std::string>& order) const;
  std::string to_string() const;
};

}  // namespace cuvee
