// cuvee import: documents (JSONL or plain text) → a tokenised domain.
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/core/error.h"
#include "cuvee/corpus/importer.h"

namespace cuvee::cli {
namespace {

struct ImportArgs {
  ImportOptions options;
  std::vector<std::string> inputs;
  std::string split = "file";
  std::string id_key;
  CLI::Option* id_key_option = nullptr;
};

void run(ImportArgs& args) {
  if (args.id_key_option->count() > 0) args.options.id_key = args.id_key;
  for (const auto& input : args.inputs) args.options.inputs.emplace_back(input);
  args.options.reader.split = args.split == "blank-line" ? TextSplit::kBlankLine : TextSplit::kFile;
  ImportReport report = import_domain(args.options);
  const auto& m = report.manifest;
  fmt::print("{}: {} ({}{})\n", report.dir.string(), describe_splits(m), m.tokenizer.kind,
             m.id_key.empty() ? "" : fmt::format(", ids from '{}'", m.id_key));
  for (const auto& [reason, count] : report.skipped) {
    fmt::print("skipped {} documents: {}\n", count, reason);
  }
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  app.add_option("--domain", args->options.domain, "Name of the domain")->required();
  app.add_option("--out", args->options.out, "Folder of domains; writes OUT/DOMAIN/")->required();
  app.add_option(
         "inputs", args->inputs,
         "JSONL (.jsonl, .json, .ndjson) or text files, each optionally gzip or zstd (.gz, .zst)")
      ->required();
  app.add_option("--text-key", args->options.reader.text_key, "JSONL field holding the text")
      ->capture_default_str();
  args->id_key_option = app.add_option(
      "--id-key", args->id_key,
      "JSONL field of each document's id, carried into scores, keep-lists and filtered domains "
      "(default: id, when the first document has it; '' for none)");
  app.add_option("--split", args->split,
                 "Plain text: one document per 'file' or per 'blank-line' block")
      ->check(CLI::IsMember({"file", "blank-line"}))
      ->capture_default_str();
  app.add_option("--tokenizer", args->options.tokenizer,
                 "SentencePiece model (default: byte-level tokens, each UTF-8 byte one token)");
  app.add_option("--heldout", args->options.heldout, "Fraction of documents held out, by text hash")
      ->capture_default_str();
  app.add_flag("--skip-bad", args->options.skip_bad,
               "Skip bad documents and report how many, by reason");
  app.add_option("--threads", args->options.threads, "Encoding threads (default: all cores)");
  return [args] { run(*args); };
}

const Registration registration("import",
                                "Tokenise documents into a domain (Megatron .bin/.idx + manifest)",
                                setup);

}  // namespace
}  // namespace cuvee::cli
