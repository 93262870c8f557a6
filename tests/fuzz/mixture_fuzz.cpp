// Mixtures: the "a=0.5,b=0.5" spec of --weights and `weights = "..."`, the JSON object of
// `weights = {...}`, and a mixture file (`mixing.file`, as `cuvee mix entropy` and
// `cuvee law optimize` write it) read by the fixed policy. The input is the spec, the part
// separator, then the file.
#include <cmath>

#include <nlohmann/json.hpp>

#include "cuvee/core/mixture.h"
#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_factory.h"
#include "fuzz_support.h"

using namespace cuvee;

namespace {

void check_weights(const std::vector<double>& weights) {
  double sum = 0;
  for (double w : weights) {
    fuzz::require(std::isfinite(w) && w >= 0, "a normalised weight negative or not finite");
    sum += w;
  }
  fuzz::require(std::abs(sum - 1) < 1e-9, "normalised weights that do not sum to 1");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts({reinterpret_cast<const char*>(data), size}, 2);
  fuzz::expect_clean("", [&] {
    Mixture mixture = Mixture::parse(parts[0]);
    Mixture again = Mixture::parse(mixture.to_string());
    fuzz::require(again.domains == mixture.domains, "a mixture spec does not round-trip");
    for (size_t i = 0; i < mixture.size(); ++i) {
      fuzz::require(again.weights[i] == mixture.weights[i] ||
                        (std::isnan(again.weights[i]) && std::isnan(mixture.weights[i])),
                    "a mixture weight does not round-trip");
    }
    check_weights(mixture.normalised().weights);
  });
  if (parts.size() < 2) return 0;
  auto file = fuzz::scratch_file("mixture.json", parts[1]);
  PolicyContext context{{"code", "prose", "web"}, {10, 20, 30}, 100};
  fuzz::expect_clean("mixture.json", [&] {
    auto policy = make_policy({{"policy", "fixed"}, {"file", file.string()}}, context);
    check_weights(policy->weights());
  });
  // The same JSON given inline, as `weights = {...}` in a config.
  nlohmann::json inline_weights = nlohmann::json::parse(parts[1], nullptr, false);
  if (inline_weights.is_discarded()) return 0;
  fuzz::expect_clean("", [&] {
    auto policy = make_policy({{"policy", "fixed"}, {"weights", inline_weights}}, context);
    check_weights(policy->weights());
  });
  return 0;
}
