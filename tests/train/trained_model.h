// A tiny model trained on tiny_corpus.h's domains, for the tests of what reads documents with a
// trained model (perplexity, GPT embeddings). Each test file keeps one in a function-local static.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "cuvee/corpus/domain.h"
#include "cuvee/train/trainer.h"
#include "tiny_corpus.h"

namespace cuvee::testing {

struct TrainedModel {
  TempDir dir;
  std::filesystem::path data;
  std::filesystem::path run = dir / "run";
  TokenizerInfo tokenizer;

  TrainedModel(const std::vector<std::string>& domains, uint64_t steps, double lr = 3e-3)
      : data(make_tiny_corpus(dir, domains)) {
    auto config = tiny_config(data);
    config.steps = steps;
    config.lr = lr;
    config.warmup_steps = std::min<uint64_t>(5, steps / 4);
    config.eval_every = steps;
    TrainOptions options;
    options.out = run;
    options.log = false;
    train(config, options);
    tokenizer = Domain(data / domains.front()).manifest().tokenizer;
  }
};

}  // namespace cuvee::testing
