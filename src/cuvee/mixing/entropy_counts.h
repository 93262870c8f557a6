// Token counts of domains, from which the entropy proxies of BiMix §4 are computed (Ge et al.
// 2024, arXiv 2405.14908), and their file (docs/entropy.md). A domain's train tokens are cut
// into windows of the model's context length; unigrams count every token, bigrams every
// adjacent pair inside a window.
// `--shard i/N` counts windows [i·W/N, (i+1)·W/N) of every domain, so shards are disjoint
// and their counts add up to exactly those of one pass.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "cuvee/mixing/entropy_bigrams.h"

namespace cuvee {

struct DomainCounts {
  std::string name;
  std::string train_hash;  // xxh3 of the domain's train.bin, from its manifest
  uint64_t tokens = 0;
  uint64_t windows = 0;
  std::vector<uint64_t> unigrams;  // per token id
  std::vector<uint64_t> firsts;    // per token id: times it opens a counted bigram
  std::optional<BigramCounts> bigrams;

  // Counts one window of tokens (ids below unigrams.size()).
  void count_window(std::span<const int32_t> window);
  void merge(const DomainCounts& other);
};

struct EntropyCounts {
  std::string tokenizer_kind;
  std::string tokenizer_hash;
  uint64_t vocab_size = 0;
  uint64_t context_length = 0;
  bool with_bigrams = true;
  BigramLimits limits;
  uint64_t shard_count = 1;
  std::set<uint64_t> shards;  // which of the shard_count shards these counts hold
  std::vector<DomainCounts> domains;

  bool complete() const { return shards.size() == shard_count; }
  // Adds `other` (same settings and domains, disjoint shards); errors say what differs.
  void merge(const EntropyCounts& other, const std::string& what);
};

void write_entropy_counts(const std::filesystem::path& path, const EntropyCounts& counts);
EntropyCounts read_entropy_counts(const std::filesystem::path& path);

}  // namespace cuvee
