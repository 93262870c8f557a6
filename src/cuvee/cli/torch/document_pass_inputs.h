// What `cuvee score perplexity` and `cuvee embed gpt` share: the checkpoint, the domains and how
// the model reads them (document_windows.h) — the options, declared once.
#pragma once

#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cuvee/run/run_folder.h"
#include "cuvee/train/document_windows.h"

namespace cuvee::cli {

struct DocumentPassInputs {
  std::filesystem::path checkpoint;
  std::vector<std::filesystem::path> data;
  DocumentPassOptions options;

  // `reading`: what the command does with the documents ("score", "embed").
  void add_options(CLI::App& app, const char* reading) {
    app.add_option(
           "--checkpoint", checkpoint,
           fmt::format("Run folder of `cuvee train` (or its {}): the model", kCheckpointFile))
        ->required();
    app.add_option("--data", data,
                   fmt::format("Domains to {}, tokenised as the model's training data", reading))
        ->required();
    app.add_option("--batch-size", options.batch_size,
                   "CUDA: windows per forward pass (the CPU computes one at a time)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--stride", options.stride,
                   "Long documents: a window every this many tokens (default: half the context)");
    app.add_option("--max-tokens", options.max_tokens,
                   "Read only each document's first N tokens (default: all of them)");
    app.add_option("--threads", options.threads,
                   "CPU: windows computed at once (default: the cores this process may use)");
    app.add_option("--device", options.device, "cpu, cuda or auto")->capture_default_str();
  }
};

}  // namespace cuvee::cli
