#include "cuvee/core/mixture.h"

#include <charconv>
#include <cmath>

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"

namespace cuvee {

Mixture Mixture::parse(std::string_view spec) {
  Mixture mixture;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view item = spec.substr(start, comma - start);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      fail("mixture '{}': item '{}' is not name=weight", spec, item);
    }
    std::string_view value_text = item.substr(eq + 1);
    double value = 0;
    auto [ptr, ec] =
        std::from_chars(value_text.data(), value_text.data() + value_text.size(), value);
    if (ec != std::errc() || ptr != value_text.data() + value_text.size()) {
      fail("mixture '{}': weight of '{}' is not a number: '{}'", spec, item.substr(0, eq),
           value_text);
    }
    std::string name(item.substr(0, eq));
    for (const auto& existing : mixture.domains) {
      if (existing == name) fail("mixture '{}': domain '{}' given twice", spec, name);
    }
    mixture.domains.push_back(std::move(name));
    mixture.weights.push_back(value);
    start = comma + 1;
  }
  return mixture;
}

Mixture Mixture::from_json(const nlohmann::json& json) {
  if (!json.is_object()) fail("mixture: expected a JSON object of domain: weight");
  Mixture mixture;
  for (const auto& [name, value] : json.items()) {
    if (!value.is_number()) fail("mixture: weight of '{}' is not a number", name);
    mixture.domains.push_back(name);
    mixture.weights.push_back(value.get<double>());
  }
  return mixture;
}

Mixture Mixture::from_value(const nlohmann::json& value) {
  if (value.is_string()) return parse(value.get<std::string>());
  if (value.is_object()) return from_json(value);
  fail("mixture: expected \"a=0.5,b=0.5\" or a table of domain = weight, got {}", value.dump());
}

nlohmann::json Mixture::to_json() const {
  nlohmann::json json = nlohmann::json::object();
  for (size_t i = 0; i < domains.size(); ++i) json[domains[i]] = weights[i];
  return json;
}

double Mixture::weight(std::string_view domain) const {
  for (size_t i = 0; i < domains.size(); ++i) {
    if (domains[i] == domain) return weights[i];
  }
  fail("mixture {} has no domain '{}'", to_string(), domain);
}

Mixture Mixture::normalised() const {
  if (domains.empty()) fail("mixture is empty");
  double total = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      fail("mixture: weight of '{}' must be finite and non-negative, got {}", domains[i],
           weights[i]);
    }
    total += weights[i];
  }
  if (total <= 0) fail("mixture {}: weights sum to zero", to_string());
  Mixture result = *this;
  for (double& w : result.weights) w /= total;
  return result;
}

std::vector<double> Mixture::weights_for(const std::vector<std::string>& order) const {
  // A name the data lacks first: it usually is the misspelling behind a missing one.
  for (const auto& name : domains) {
    bool known = false;
    for (const auto& other : order) known = known || other == name;
    if (!known) {
      fail("mixture names domain '{}', which is not among the data's domains ({})", name,
           fmt::join(order, ", "));
    }
  }
  std::vector<double> result;
  result.reserve(order.size());
  for (const auto& name : order) result.push_back(weight(name));
  return result;
}

std::string Mixture::to_string() const {
  std::string text;
  for (size_t i = 0; i < domains.size(); ++i) {
    if (i > 0) text += ',';
    text += domains[i] + "=" + format_number(weights[i]);
  }
  return text;
}

}  // namespace cuvee
