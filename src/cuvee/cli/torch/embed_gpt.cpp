// cuvee embed gpt: mean-pooled final hidden states of a cuvee GPT checkpoint, as .npy.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/train/gpt_embedder.h"

namespace cuvee::cli {
namespace {

struct EmbedGptArgs {
  std::filesystem::path checkpoint;
  std::vector<std::filesystem::path> data;
  std::filesystem::path out;
  DocumentPassOptions options;
};

void run(const EmbedGptArgs& args) {
  DocumentTable documents(args.data);
  auto e = embed_gpt(args.checkpoint, documents, args.options);
  write_npy(args.out, e);
  std::fputs(
      fmt::format("embedded {} documents ({} dims) -> {}\n", e.rows, e.dim, args.out.string())
          .c_str(),
      stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<EmbedGptArgs>();
  app.add_option("--checkpoint", args->checkpoint,
                 "Run folder of `cuvee train` (or its checkpoint.pt)")
      ->required();
  app.add_option("--data", args->data, "Domains to embed, tokenised as the model's training data")
      ->required();
  app.add_option("--out", args->out,
                 "Embeddings (.npy, float32, one L2-normalised row of model width per document)")
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

const Registration registration("embed gpt",
                                "Mean-pooled hidden states of a GPT checkpoint (for density)",
                                setup);

}  // namespace
}  // namespace cuvee::cli
