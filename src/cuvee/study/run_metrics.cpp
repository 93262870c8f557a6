#include "cuvee/study/run_metrics.h"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"

namespace cuvee::study {
namespace {

double number(const nlohmann::json& object, const std::string& key,
              const std::filesystem::path& source, size_t line) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) {
    fail("{}:{}: expected a number in '{}'", source.string(), line, key);
  }
  return it->get<double>();
}

// Domains from the keys with `prefix`, sorted.
std::vector<std::string> domains_of(const nlohmann::json& object, const std::string& prefix) {
  std::vector<std::string> domains;
  for (const auto& [key, _] : object.items()) {
    if (key.rfind(prefix, 0) == 0) domains.push_back(key.substr(prefix.size()));
  }
  std::sort(domains.begin(), domains.end());
  return domains;
}

}  // namespace

RunCurves parse_run_metrics(std::string_view text, const std::filesystem::path& source,
                            size_t max_weight_points) {
  RunCurves curves;
  std::vector<WeightPoint> weights;
  std::istringstream in{std::string(text)};
  size_t line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    nlohmann::json object;
    try {
      object = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
      fail("{}:{}: not JSON: {}", source.string(), line_number, e.what());
    }
    std::string kind = object.value("kind", "");
    std::string prefix = kind == "eval" ? "eval_loss." : "weights.";
    if (kind != "eval" && kind != "step") continue;
    auto domains = domains_of(object, prefix);
    if (curves.domains.empty()) curves.domains = domains;
    if (domains != curves.domains) {
      fail("{}:{}: the domains differ from the earlier lines'", source.string(), line_number);
    }
    auto step = static_cast<uint64_t>(number(object, "step", source, line_number));
    std::vector<double> values;
    for (const auto& domain : domains) {
      values.push_back(number(object, prefix + domain, source, line_number));
    }
    if (kind == "eval") {
      curves.evals.push_back({step, number(object, "eval_loss", source, line_number), values});
    } else {
      weights.push_back({step, values});
    }
  }
  if (curves.evals.empty()) fail("{}: no evaluation recorded", source.string());
  if (max_weight_points < 2 || weights.size() <= max_weight_points) {
    curves.weights = std::move(weights);
  } else {
    double stride = static_cast<double>(weights.size() - 1) / (max_weight_points - 1);
    for (size_t i = 0; i < max_weight_points; ++i) {
      curves.weights.push_back(weights[static_cast<size_t>(i * stride + 0.5)]);
    }
  }
  return curves;
}

RunCurves read_run_metrics(const std::filesystem::path& path, size_t max_weight_points) {
  return parse_run_metrics(read_file(path), path, max_weight_points);
}

}  // namespace cuvee::study
