// cuvee score perplexity: each document's mean next-token loss under a cuvee GPT checkpoint.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/torch/document_pass_inputs.h"
#include "cuvee/train/perplexity.h"

namespace cuvee::cli {
namespace {

struct PerplexityArgs {
  DocumentPassInputs inputs;
  std::filesystem::path out;
};

void run(const PerplexityArgs& args) {
  DocumentTable documents(args.inputs.data);
  Scores scores = perplexity_scores(args.inputs.checkpoint, documents, args.inputs.options);
  scores.ids = documents.ids();
  write_scores(args.out, scores);
  std::fputs(fmt::format("scored {} documents ({} tokens, {} empty) -> {}\n", scores.values.size(),
                         scores.meta.at("tokens").get<uint64_t>(),
                         scores.meta.at("empty").get<uint64_t>(), args.out.string())
                 .c_str(),
             stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<PerplexityArgs>();
  args->inputs.add_options(app, "score");
  app.add_option("--out", args->out,
                 "The scores file: mean token loss in nats per document (lower: more predictable)")
      ->required();
  return [args] { run(*args); };
}

const Registration registration("score perplexity",
                                "Mean token loss under a GPT checkpoint (then select band)", setup);

}  // namespace
}  // namespace cuvee::cli
