// cuvee policy replay: drives a mixing policy from a recorded loss trace and writes the
// proportions it would have chosen after each step.
#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/usage_error.h"
#include "cuvee/core/error.h"
#include "cuvee/mixing/online_replay.h"

namespace cuvee::cli {
namespace {

struct ReplayArgs {
  std::string policy, trace, out;
  std::vector<std::string> sets;
};

// "key=value": the value as JSON when it parses as such (numbers, true, tables), else a string.
void apply_set(nlohmann::json& mixing, const std::string& set) {
  size_t eq = set.find('=');
  if (eq == std::string::npos || eq == 0) usage_error("--set '{}': expected key=value", set);
  std::string key = set.substr(0, eq), text = set.substr(eq + 1);
  if (key == "policy") usage_error("--set '{}': give the policy with --policy", set);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  mixing[key] = value.is_discarded() ? nlohmann::json(text) : value;
}

void run_replay(const ReplayArgs& args) {
  nlohmann::json mixing{{"policy", args.policy}};
  for (const auto& set : args.sets) apply_set(mixing, set);
  replay_policy(mixing, args.trace, args.out);
  std::fputs(fmt::format("{} on {} -> {}\n", args.policy, args.trace, args.out).c_str(), stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<ReplayArgs>();
  app.add_option("--policy", args->policy, "odm, ado, velocitune or a static policy")->required();
  app.add_option("--trace", args->trace,
                 "Loss trace (step,loss.<domain>...,count.<domain>...[,eval.<domain>...])")
      ->required();
  app.add_option("--out", args->out, "Weights to write (step,w.<domain>...)")->required();
  app.add_option("--set", args->sets, "A policy parameter, e.g. --set alpha=0.8; repeatable");
  return [args] { run_replay(*args); };
}

const Registration registration("policy replay", "Replay a mixing policy on a loss trace", setup);

}  // namespace
}  // namespace cuvee::cli
