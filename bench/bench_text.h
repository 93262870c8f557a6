// Text for the corpus benchmarks: the JSONL file given on the command line (e.g. a localpile
// domain), or else generated English-like text of Zipf-distributed words.
#pragma once

#include <cmath>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/rng.h"

namespace cuvee::bench {

inline std::filesystem::path benchmark_jsonl(int argc, char** argv,
                                             const std::filesystem::path& scratch,
                                             size_t generated_bytes) {
  if (argc > 1) return argv[1];
  static const char* words[] = {
      "the",     "of",         "and",    "to",       "in",    "a",        "is",    "that",
      "for",     "it",         "as",     "was",      "with",  "be",       "by",    "on",
      "not",     "he",         "this",   "are",      "or",    "his",      "from",  "at",
      "which",   "but",        "have",   "an",       "had",   "they",     "you",   "were",
      "their",   "one",        "all",    "we",       "can",   "her",      "has",   "there",
      "been",    "if",         "more",   "when",     "will",  "would",    "who",   "so",
      "corpus",  "mixture",    "domain", "language", "model", "training", "token", "sample",
      "entropy", "proportion", "loss",   "scaling"};
  const size_t n = sizeof(words) / sizeof(words[0]);
  SequentialRng rng(2, Stream::kTest, 0);
  AtomicFile file(scratch / "generated.jsonl");
  std::string text;
  while (file.size() < generated_bytes) {
    text.clear();
    size_t length = 200 + rng.below(3000);
    while (text.size() < length) {
      // Zipf-like: index ~ n^u - 1.
      auto index = static_cast<size_t>(std::pow(static_cast<double>(n), rng.uniform())) - 1;
      text += words[std::min(index, n - 1)];
      text += rng.below(12) == 0 ? ". " : " ";
    }
    file.write(nlohmann::json{{"text", text}}.dump() + "\n");
  }
  file.commit();
  return scratch / "generated.jsonl";
}

}  // namespace cuvee::bench
