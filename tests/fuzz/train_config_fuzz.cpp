// A training config (`cuvee train CONFIG.toml --set KEY=VALUE...`): the TOML file, then the
// part separator, then one override per line. A config that parses must write back to the same
// config, give a finite model size, and make a policy whose weights are proportions.
#include <cmath>

#include "cuvee/mixing/policy.h"
#include "cuvee/mixing/policy_factory.h"
#include "cuvee/run/config.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts({reinterpret_cast<const char*>(data), size}, 2);
  std::vector<std::string> overrides;
  if (parts.size() > 1) {
    std::string_view rest = parts[1];
    while (!rest.empty()) {
      size_t end = std::min(rest.find('\n'), rest.size());
      overrides.emplace_back(rest.substr(0, end));
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
  }
  fuzz::expect_clean("", [&] {
    TrainConfig config = parse_train_config(parts[0], "train.toml", overrides);
    TrainConfig again = train_config_from_json(config.to_json(), "train.toml");
    // Compared as text: a NaN (allowed in [mixing], for the policy to refuse) is never == itself.
    fuzz::require(again.to_json().dump() == config.to_json().dump(),
                  "a training config does not round-trip");
    ModelShape shape = config.model;
    shape.vocab_size = 257;
    fuzz::require(shape.parameters() > 0 && std::isfinite(shape.flops_per_token()),
                  "a model shape without a finite, positive size");
    // Files named by the mixing section are the mixture and fit harnesses' business; worker
    // threads are the machine's.
    nlohmann::json mixing = config.mixing;
    for (const char* key : {"file", "targets_fit"}) mixing.erase(key);
    if (mixing.contains("threads")) mixing["threads"] = 1;
    auto policy = make_policy(mixing, {{"code", "prose", "web"}, {100, 200, 300}, config.steps});
    double sum = 0;
    for (double w : policy->weights()) {
      fuzz::require(std::isfinite(w) && w >= 0, "a policy weight negative or not finite");
      sum += w;
    }
    fuzz::require(std::abs(sum - 1) < 1e-6, "policy weights that do not sum to 1");
  });
  return 0;
}
