// cuvee domain shuffle | cap: a new domain derived from another's tokens (corpus/derived_domain.h):
// its documents' tokens shuffled within each document, or its training split capped to a token
// budget. The study builds its scenarios with them (docs/study.md).
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/corpus/derived_domain.h"
#include "cuvee/corpus/domain.h"

namespace cuvee::cli {
namespace {

struct DeriveArgs {
  std::filesystem::path data, out;
  std::string name;
  uint64_t train_tokens = 0;
  uint64_t seed = 1;
};

void describe(const std::filesystem::path& out) {
  Domain made(out);
  std::fputs(fmt::format("{}: domain {}, {}\n", out.string(), made.name(),
                         describe_splits(made.manifest()))
                 .c_str(),
             stdout);
}

std::shared_ptr<DeriveArgs> common_options(CLI::App& app) {
  auto args = std::make_shared<DeriveArgs>();
  app.add_option("--data", args->data, "The input domain's folder (with manifest.json)")
      ->required();
  app.add_option("--out", args->out, "The new domain's folder")->required();
  app.add_option("--seed", args->seed, "Seed of the random draws")->capture_default_str();
  return args;
}

Action setup_shuffle(CLI::App& app) {
  auto args = common_options(app);
  app.add_option("--name", args->name, "The new domain's name")->required();
  return [args] {
    write_shuffled_domain(Domain(args->data), args->out, args->name, args->seed);
    describe(args->out);
  };
}

Action setup_cap(CLI::App& app) {
  auto args = common_options(app);
  app.add_option("--train-tokens", args->train_tokens,
                 "Training tokens kept (the held-out split is kept whole)")
      ->required()
      ->check(CLI::PositiveNumber);
  return [args] {
    write_capped_domain(Domain(args->data), args->out, args->train_tokens, args->seed);
    describe(args->out);
  };
}

const Registration shuffle("domain shuffle",
                           "A domain whose documents' tokens are shuffled within each document",
                           setup_shuffle);
const Registration cap("domain cap", "A domain whose training split is capped to a token budget",
                       setup_cap);

}  // namespace
}  // namespace cuvee::cli
