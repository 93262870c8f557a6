// cuvee embed gpt: mean-pooled final hidden states of a cuvee GPT checkpoint, as .npy.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/torch/document_pass_inputs.h"
#include "cuvee/train/gpt_embedder.h"

namespace cuvee::cli {
namespace {

struct EmbedGptArgs {
  DocumentPassInputs inputs;
  std::filesystem::path out;
};

void run(const EmbedGptArgs& args) {
  DocumentTable documents(args.inputs.data);
  auto e = embed_gpt(args.inputs.checkpoint, documents, args.inputs.options);
  write_npy(args.out, e);
  std::fputs(
      fmt::format("embedded {} documents ({} dims) -> {}\n", e.rows, e.dim, args.out.string())
          .c_str(),
      stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<EmbedGptArgs>();
  args->inputs.add_options(app, "embed");
  app.add_option("--out", args->out,
                 "Embeddings (.npy, float32, one L2-normalised row of model width per document)")
      ->required();
  return [args] { run(*args); };
}

const Registration registration("embed gpt",
                                "Mean-pooled hidden states of a GPT checkpoint (for density)",
                                setup);

}  // namespace
}  // namespace cuvee::cli
