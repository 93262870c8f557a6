// cuvee mix entropy: a mixture from each domain's token entropy, with no training; or, with
// --shard, one shard's counts to merge later (cuvee mix entropy-merge).
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

struct EntropyArgs {
  std::vector<std::filesystem::path> data;
  std::string measure, shard, out, estimator = "plug-in";
  EntropyCountOptions options;
};

void run_entropy(EntropyArgs& args) {
  auto measure = parse_entropy_measure(args.measure);
  auto estimator = parse_entropy_estimator(args.estimator);  // refused before counting
  args.options.bigrams = needs_bigrams(measure);
  bool sharded = !args.shard.empty();
  if (sharded) {
    char tail = 0;
    if (std::sscanf(args.shard.c_str(), "%lu/%lu%c", &args.options.shard, &args.options.shard_count,
                    &tail) != 2 ||
        args.options.shard_count == 0 || args.options.shard >= args.options.shard_count) {
      fail("--shard '{}': expected i/N with 0 <= i < N, e.g. 0/8", args.shard);
    }
    if (args.out.empty()) fail("--shard needs --out, the counts file to merge later");
  }
  auto domains = open_domains(args.data);
  auto counts = count_domains(domains, args.options);
  if (sharded) {
    write_entropy_counts(args.out, counts);
    std::fputs(fmt::format("shard {}/{} of {} domain(s) counted -> {}\n", args.options.shard,
                           args.options.shard_count, counts.domains.size(), args.out)
                   .c_str(),
               stdout);
    return;
  }
  auto mixture = entropy_mixture(counts, measure, estimator);
  if (!args.out.empty()) write_mixture_file(args.out, entropy_mixture_file(mixture, counts));
  std::fputs(format_entropy_mixture(mixture, counts).c_str(), stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<EntropyArgs>();
  app.add_option("--data", args->data, "Domain folders, or folders of domains")->required();
  app.add_option("--measure", args->measure, "shannon, joint or conditional")->required();
  app.add_option("--estimator", args->estimator,
                 "plug-in, or miller-madow (adds (m − 1)/(2N) for m events seen in N)")
      ->capture_default_str();
  app.add_option("--shard", args->shard,
                 "Count shard i of N (i/N) and write its counts to --out for entropy-merge");
  app.add_option("--out", args->out,
                 "The mixture (JSON); with --shard, the shard's counts (binary)");
  app.add_option("--context-length", args->options.context_length,
                 "Window length: bigrams are counted inside windows of this many tokens")
      ->capture_default_str();
  app.add_option("--max-exact-bigrams", args->options.limits.max_exact,
                 "Distinct bigrams counted exactly; beyond them counts are hashed")
      ->capture_default_str();
  app.add_option("--hash-buckets", args->options.limits.buckets,
                 "Buckets of the hashed bigram counts (a power of 2)")
      ->capture_default_str();
  return [args] { run_entropy(*args); };
}

const Registration registration("mix entropy",
                                "Mixture from each domain's token entropy (no training)", setup);

}  // namespace
}  // namespace cuvee::cli
