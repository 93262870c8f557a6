// cuvee tokenizer train: a SentencePiece BPE model from a sample across the inputs.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/cli/command.h"
#include "cuvee/corpus/tokenizer_trainer.h"

namespace cuvee::cli {
namespace {

struct TrainArgs {
  TokenizerTrainOptions options;
  std::vector<std::string> inputs;
  double sample_mb = 24;
};

void run(TrainArgs& args) {
  for (const auto& input : args.inputs) args.options.inputs.emplace_back(input);
  args.options.sample_bytes = static_cast<uint64_t>(args.sample_mb * (1 << 20));
  auto report = train_tokenizer(args.options);
  fmt::print("{}: vocabulary {}, trained on {} lines ({:.1f} MB) sampled from {} files",
             args.options.out.string(), args.options.vocab_size, report.sample_lines,
             report.sample_bytes / 1048576.0, args.options.inputs.size());
  if (report.skipped_bad > 0) fmt::print(", {} bad documents skipped", report.skipped_bad);
  fmt::print("\n");
}

Action setup(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  app.add_option("--out", args->options.out, "Where to write the .model file")->required();
  app.add_option("inputs", args->inputs, "JSONL or text files, one or more per domain")->required();
  app.add_option("--vocab-size", args->options.vocab_size, "Vocabulary size")
      ->capture_default_str();
  app.add_option("--sample-mb", args->sample_mb,
                 "Text sampled for training, split evenly across inputs")
      ->capture_default_str();
  app.add_option("--text-key", args->options.reader.text_key, "JSONL field holding the text")
      ->capture_default_str();
  app.add_option("--threads", args->options.threads, "Training threads (default: all cores)");
  return [args] { run(*args); };
}

const Registration registration("tokenizer train",
                                "Train a SentencePiece BPE tokenizer on a sample across domains",
                                setup);

}  // namespace
}  // namespace cuvee::cli
