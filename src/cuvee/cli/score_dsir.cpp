// cuvee score dsir: DSIR log importance weights of documents towards a target domain.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/selection/dsir.h"
#include "cuvee/selection/scores.h"

namespace cuvee::cli {
namespace {

struct DsirArgs {
  std::vector<std::filesystem::path> data, target;
  std::filesystem::path out;
  DsirOptions options;
};

void run(const DsirArgs& args) {
  DocumentTable target(args.target), raw(args.data);
  Scores scores;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& domain : target.domains()) names.push_back(domain->name());
  scores.meta = {{"method", "dsir"}, {"buckets", args.options.buckets}, {"target", names}};
  scores.values = dsir_scores(target, raw, args.options);
  scores.ids = raw.ids();
  write_scores(args.out, scores);
  std::fputs(
      fmt::format("scored {} documents -> {}\n", scores.values.size(), args.out.string()).c_str(),
      stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<DsirArgs>();
  app.add_option("--data", args->data, "Domains to score")->required();
  app.add_option("--target", args->target, "Domains the selection should resemble")->required();
  app.add_option("--out", args->out, "The scores file")->required();
  app.add_option("--buckets", args->options.buckets, "Hashed n-gram features")
      ->capture_default_str();
  return [args] { run(*args); };
}

const Registration registration("score dsir",
                                "DSIR importance weights towards a target (then select gumbel)",
                                setup);

}  // namespace
}  // namespace cuvee::cli
