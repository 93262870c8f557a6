// cuvee mix entropy-merge: adds the shard counts of cuvee mix entropy --shard and, once every
// shard is in, computes the entropy mixture.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/core/mixture_file.h"
#include "cuvee/mixing/entropy.h"

namespace cuvee::cli {
namespace {

struct MergeArgs {
  std::vector<std::filesystem::path> counts;
  std::string measure, out, counts_out, estimator = "plug-in";
};

void run_merge(const MergeArgs& args) {
  auto merged = read_entropy_counts(args.counts.front());
  for (size_t i = 1; i < args.counts.size(); ++i) {
    merged.merge(read_entropy_counts(args.counts[i]), args.counts[i].string());
  }
  if (!args.counts_out.empty()) write_entropy_counts(args.counts_out, merged);
  if (args.measure.empty()) {
    if (args.counts_out.empty()) fail("give --measure for the mixture, or --counts-out");
    std::fputs(fmt::format("{} of {} shards merged -> {}\n", merged.shards.size(),
                           merged.shard_count, args.counts_out)
                   .c_str(),
               stdout);
    return;
  }
  auto mixture = entropy_mixture(merged, parse_entropy_measure(args.measure),
                                 parse_entropy_estimator(args.estimator));
  if (!args.out.empty()) write_mixture_file(args.out, entropy_mixture_file(mixture, merged));
  std::fputs(format_entropy_mixture(mixture, merged).c_str(), stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<MergeArgs>();
  app.add_option("counts", args->counts, "Counts files of cuvee mix entropy --shard")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--measure", args->measure, "shannon, joint or conditional: compute the mixture");
  app.add_option("--estimator", args->estimator,
                 "plug-in, or miller-madow (adds (m − 1)/(2N) for m events seen in N)")
      ->capture_default_str();
  app.add_option("--out", args->out, "The mixture (JSON)");
  app.add_option("--counts-out", args->counts_out,
                 "Write the merged counts (to merge further, e.g. in a tree)");
  return [args] { run_merge(*args); };
}

const Registration registration("mix entropy-merge",
                                "Merge shard counts of mix entropy and compute the mixture", setup);

}  // namespace
}  // namespace cuvee::cli
