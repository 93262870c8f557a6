// cuvee embed tfidf: hashed unigram+bigram TF-IDF embeddings of every document, as .npy.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/selection/tfidf_embedder.h"

namespace cuvee::cli {
namespace {

struct EmbedArgs {
  std::vector<std::filesystem::path> data;
  std::filesystem::path out;
  TfidfOptions options;
};

void run(const EmbedArgs& args) {
  DocumentTable documents(args.data);
  auto e = embed_tfidf(documents, args.options);
  write_npy(args.out, e);
  std::fputs(
      fmt::format("embedded {} documents ({} dims) -> {}\n", e.rows, e.dim, args.out.string())
          .c_str(),
      stdout);
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<EmbedArgs>();
  app.add_option("--data", args->data, "Domain folders, or folders of domains")->required();
  app.add_option("--out", args->out, "Embeddings (.npy, float32, one row per document)")
      ->required();
  app.add_option("--dim", args->options.dim, "Embedding width")->capture_default_str();
  app.add_option("--features", args->options.buckets, "Hashed n-gram features before projection")
      ->capture_default_str();
  app.add_option("--seed", args->options.seed, "Seed of the projection")->capture_default_str();
  return [args] { run(*args); };
}

const Registration registration("embed tfidf", "Hashed n-gram TF-IDF embeddings (no model)", setup);

}  // namespace
}  // namespace cuvee::cli
