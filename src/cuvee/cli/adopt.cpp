// cuvee adopt: existing Megatron token files (.bin/.idx) → domains, one per PREFIX.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/cli/usage_error.h"
#include "cuvee/core/error.h"
#include "cuvee/corpus/adopter.h"

namespace cuvee::cli {
namespace {

struct AdoptArgs {
  std::vector<std::string> prefixes;
  AdoptOptions options;
  int64_t eos_id = -1;
};

void run(AdoptArgs& args) {
  if (!args.options.domain.empty() && args.prefixes.size() > 1) {
    usage_error("--domain names one domain; {} prefixes make {} (named by their files)",
                args.prefixes.size(), args.prefixes.size());
  }
  if (args.options.tokenizer.empty() && (args.options.vocab_size == 0 || args.eos_id < 0)) {
    usage_error(
        "give the tokenizer the files were made with: --tokenizer MODEL (SentencePiece), or "
        "--vocab-size N and --eos-id ID (recorded as external)");
  }
  if (args.eos_id >= 0) args.options.eos_id = args.eos_id;
  for (std::string prefix : args.prefixes) {
    for (const char* suffix : {".bin", ".idx"}) {
      if (prefix.size() > 4 && prefix.ends_with(suffix)) prefix.resize(prefix.size() - 4);
    }
    args.options.prefix = prefix;
    AdoptReport report = adopt_domain(args.options);
    const auto& m = report.manifest;
    const std::string tokenizer =
        m.tokenizer.kind == "external"
            ? fmt::format("external{}, vocabulary size {}",
                          m.tokenizer.model.empty() ? "" : " (" + m.tokenizer.model + ")",
                          m.tokenizer.vocab_size)
            : fmt::format("{} {}", m.tokenizer.kind, m.tokenizer.model);
    fmt::print("{}: {} ({})\n", report.dir.string(), describe_splits(m), tokenizer);
    if (report.eos_appended > 0) {
      fmt::print("{}: {} documents did not end in the end-of-document id {}; it was appended\n",
                 report.dir.string(), report.eos_appended, m.tokenizer.eos_id);
    }
  }
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<AdoptArgs>();
  auto& o = args->options;
  app.add_option("prefixes", args->prefixes,
                 "PREFIX of each PREFIX.bin and PREFIX.idx pair (Megatron-LM, GPT-NeoX); each "
                 "becomes one domain")
      ->required();
  app.add_option("--out", o.out, "Folder of domains; writes OUT/NAME/ per prefix")->required();
  app.add_option("--domain", o.domain,
                 "Name of the domain (one prefix only; default: the prefix's file name without "
                 "_text_document)");
  auto* model = app.add_option("--tokenizer", o.tokenizer,
                               "The SentencePiece model the files were made with");
  app.add_option("--vocab-size", o.vocab_size,
                 "Another tokenizer's vocabulary size (recorded as external)")
      ->excludes(model);
  app.add_option("--eos-id", args->eos_id, "Another tokenizer's end-of-document id")
      ->check(CLI::NonNegativeNumber)
      ->excludes(model);
  app.add_option("--tokenizer-name", o.tokenizer_name,
                 "What made the files with another tokenizer, e.g. gpt2 (recorded)")
      ->excludes(model);
  app.add_option("--heldout", o.heldout, "Fraction of documents held out, by a hash of their ids")
      ->capture_default_str();
  return [args] { run(*args); };
}

const Registration registration("adopt",
                                "Make domains of existing Megatron token files (.bin/.idx)", setup);

}  // namespace
}  // namespace cuvee::cli
