// cuvee inspect: what a Megatron .bin/.idx pair holds (cuvee's or Megatron's own).
#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/corpus/indexed_dataset.h"

namespace cuvee::cli {
namespace {

struct InspectArgs {
  std::string prefix;
  bool json = false;
};

void run(const InspectArgs& args) {
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
  app.add_option("prefix", args->prefix, "PREFIX of PREFIX.bin and PREFIX.idx")->required();
  app.add_flag("--json", args->json, "One JSON object: documents, sequences, tokens, dtype");
  return [args] { run(*args); };
}

const Registration registration("inspect", "Describe a Megatron token file pair (.bin/.idx)",
                                setup);

}  // namespace
}  // namespace cuvee::cli
