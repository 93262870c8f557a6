// cuvee density merge: one sketch from the shards' sketches, by adding their counters.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/selection/race_sketch.h"

namespace cuvee::cli {
namespace {

struct MergeArgs {
  std::vector<std::filesystem::path> inputs;
  std::filesystem::path out;
};

void run(const MergeArgs& args) {
  auto merged = RaceSketch::load(args.inputs.front());
  for (size_t i = 1; i < args.inputs.size(); ++i) {
    try {
      merged.merge(RaceSketch::load(args.inputs[i]));
    } catch (const Error& error) {
      fail("{} and {}: {}", args.inputs.front().string(), args.inputs[i].string(), error.what());
    }
  }
  merged.save(args.out);
  std::fputs(fmt::format("merged {} sketches ({} documents) -> {}\n", args.inputs.size(),
                         merged.documents(), args.out.string())
                 .c_str(),
             stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  app.add_option("sketches", args->inputs, "The shards' sketch files")->required();
  app.add_option("--out", args->out, "The merged sketch")->required();
  return [args] { run(*args); };
}

const Registration registration("density merge", "Merge RACE sketches by adding counters", setup);

}  // namespace
}  // namespace cuvee::cli
