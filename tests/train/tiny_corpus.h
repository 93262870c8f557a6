// Small byte-level domains for trainer tests, imported through the library as `cuvee import`
// would: "prose" (English-like sentences), "sums" (arithmetic lines) and "code" (a repeated
// function with varying names). Each is a few thousand tokens with a held-out split.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/progress.h"
#include "cuvee/corpus/importer.h"
#include "cuvee/run/config.h"
#include "support/temp_dir.h"

namespace cuvee::testing {

inline std::string domain_document(const std::string& domain, int i) {
  static const char* const animals[] = {"cat", "dog", "owl", "fox", "bee", "elk"};
  static const char* const places[] = {"mat", "log", "hill", "barn", "pond", "road"};
  if (domain == "prose") {
    return fmt::format("The {} sat on the {}. The {} saw a {} near the {}.", animals[i % 6],
                       places[(i / 6) % 6], animals[(i + 1) % 6], animals[(i + 3) % 6],
                       places[(i + 2) % 6]);
  }
  if (domain == "sums") {
    int a = (i * 37) % 100, b = (i * 53) % 100;
    return fmt::format("{}+{}={}\n{}+{}={}\n", a, b, a + b, b, a, a + b);
  }
  return fmt::format("def f{0}(x):\n    return x * {0} + {1}\n", i % 50, (i * 7) % 13);
}

// Imports the domains into dir/domains and returns that folder.
inline std::filesystem::path make_tiny_corpus(const TempDir& dir,
                                              const std::vector<std::string>& domains = {
                                                  "code", "prose", "sums"}) {
  Progress::set_enabled(false);
  auto out = dir / "domains";
  for (const auto& domain : domains) {
    std::string jsonl;
    for (int i = 0; i < 300; ++i) {
      jsonl += nlohmann::json{{"text", domain_document(domain, i)}}.dump() + "\n";
    }
    ImportOptions options;
    options.domain = domain;
    options.out = out;
    options.inputs = {dir.write(domain + ".jsonl", jsonl)};
    options.heldout = 0.2;
    options.threads = 1;
    import_domain(options);
  }
  return out;
}

// A model and schedule small enough for many runs per test.
inline TrainConfig tiny_config(const std::filesystem::path& data) {
  TrainConfig config;
  config.run = "tiny";
  config.data = {data};
  config.model.context = 32;
  config.model.width = 32;
  config.model.depth = 2;
  config.model.heads = 2;
  config.steps = 12;
  config.batch_size = 8;
  config.lr = 3e-3;
  config.min_lr = 3e-4;
  config.warmup_steps = 2;
  config.eval_every = 4;
  config.eval_sequences = 4;
  config.save_every = 0;
  config.threads = 1;
  config.device = "cpu";
  return config;
}

}  // namespace cuvee::testing
