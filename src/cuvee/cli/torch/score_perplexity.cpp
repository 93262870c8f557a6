// cuvee score perplexity: each document's mean next-token loss under a cuvee GPT checkpoint.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/train/perplexity.h"

namespace cuvee::cli {
namespace {

struct PerplexityArgs {
  std::filesystem::path checkpoint;
  std::vector<std::filesystem::path> data;
  std::filesystem::path out;
  DocumentPassOptions options;
};

void run(const PerplexityArgs& args) {
  DocumentTable documents(args.data);
  Scores scores = perplexity_scores(args.checkpoint, documents, args.options);
  write_scores(args.out, scores);
  std::fputs(fmt::format("scored {} documents ({} tokens, {} empty) -> {}\n", scores.values.size(),
                         scores.meta.at("tokens").get<uint64_t>(),
                         scores.meta.at("empty").get<uint64_t>(), args.out.string())
                 .c_str(),
             stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<PerplexityArgs>();
  app.add_option("--checkpoint", args->checkpoint,
                 "Run folder of `cuvee train` (or its checkpoint.pt): the reference model")
      ->required();
  app.add_option("--data", args->data, "Domains to score, tokenised as the model's training data")
      ->required();
  app.add_option("--out", args->out,
                 "The scores file: mean token loss in nats per document (lower: more predictable)")
      ->required();
  app.add_option("--batch-size", args->options.batch_size,
                 "CUDA: windows per forward pass (the CPU computes one at a time)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--stride", args->options.stride,
                 "Long documents: a window every this many tokens (default: half the context)");
  app.add_option("--max-tokens", args->options.max_tokens,
                 "Read only each document's first N tokens (default: all of them)");
  app.add_option("--threads", args->options.threads,
                 "CPU: windows computed at once (default: the cores this process may use)");
  app.add_option("--device", args->options.device, "cpu, cuda or auto")->capture_default_str();
  return [args] { run(*args); };
}

const Registration registration("score perplexity",
                                "Mean token loss under a GPT checkpoint (then select band)", setup);

}  // namespace
}  // namespace cuvee::cli
