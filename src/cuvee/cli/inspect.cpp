// cuvee inspect: what a Megatron .bin/.idx pair holds (cuvee's or Megatron's own), or a domain
// folder (its manifest checked against its files, as every command that opens it checks them).
#include <filesystem>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/corpus/indexed_dataset.h"

namespace cuvee::cli {
namespace {

struct InspectArgs {
  std::string prefix;
  bool json = false;
};

void describe_domain(const std::filesystem::path& dir, bool json) {
  const Domain domain(dir);
  if (json) {
    nlohmann::json splits;
    for (Split split : kSplits) {
      const IndexedDataset& data = domain.split(split);
      splits[std::string(split_name(split))] = {{"documents", data.documents()},
                                                {"tokens", data.tokens()}};
    }
    fmt::print("{}\n", nlohmann::json{{"name", domain.name()}, {"splits", splits}}.dump());
    return;
  }
  fmt::print("{}: domain {}\n", dir.string(), domain.name());
  for (Split split : kSplits) {
    const IndexedDataset& data = domain.split(split);
    fmt::print("  {:<10}  {} documents, {} tokens\n", split_name(split), data.documents(),
               data.tokens());
  }
}

void run(const InspectArgs& args) {
  if (std::filesystem::is_directory(args.prefix)) {
    describe_domain(args.prefix, args.json);
    return;
  }
  std::string prefix = args.prefix;
  for (const char* suffix : {".bin", ".idx"}) {
    if (prefix.size() > 4 && prefix.ends_with(suffix)) prefix.resize(prefix.size() - 4);
  }
  IndexedDataset data(prefix);
  if (args.json) {
    nlohmann::json out = {{"documents", data.documents()},
                          {"sequences", data.sequences()},
                          {"tokens", data.tokens()},
                          {"dtype", dtype_name(data.dtype())}};
    fmt::print("{}\n", out.dump());
    return;
  }
  fmt::print("{}\n  documents  {}\n  sequences  {}\n  tokens     {}\n  dtype      {}\n", prefix,
             data.documents(), data.sequences(), data.tokens(), dtype_name(data.dtype()));
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  app.add_option("prefix", args->prefix,
                 "PREFIX of PREFIX.bin and PREFIX.idx, or a domain folder (with manifest.json)")
      ->required();
  app.add_flag("--json", args->json,
               "One JSON object: documents, sequences, tokens, dtype; for a domain, its name and "
               "each split's documents and tokens");
  return [args] { run(*args); };
}

const Registration registration("inspect",
                                "Describe a Megatron token file pair (.bin/.idx) or a domain",
                                setup);

}  // namespace
}  // namespace cuvee::cli
