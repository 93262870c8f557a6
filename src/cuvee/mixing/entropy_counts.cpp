#include "cuvee/mixing/entropy_counts.h"

#include <cstring>

#include <fmt/format.h>
#include <xxhash.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/json_file.h"
#include "cuvee/core/mapped_file.h"

namespace cuvee {
namespace {

constexpr char kMagic[8] = {'C', 'U', 'V', 'E', 'E', 'N', 'T', 'C'};
constexpr const char* kFormat = "cuvee-entropy-counts/1";

// Writes through an AtomicFile while hashing what it writes.
class HashedWriter {
 public:
  explicit HashedWriter(AtomicFile& file) : file_(file), state_(XXH3_createState()) {
    XXH3_64bits_reset(state_);
  }
  ~HashedWriter() { XXH3_freeState(state_); }
  void write(const void* data, size_t size) {
    file_.write(data, size);
    XXH3_64bits_update(state_, data, size);
  }
  void write_u64(uint64_t value) { write(&value, sizeof value); }
  uint64_t digest() const { return XXH3_64bits_digest(state_); }

 private:
  AtomicFile& file_;
  XXH3_state_t* state_;
};

// Reads a mapped file front to back; running past the end is an error naming the file.
class Reader {
 public:
  Reader(const MappedFile& file, size_t end) : file_(file), end_(end) {}
  const std::byte* take(size_t size, const char* what) {
    if (size > end_ - offset_) {
      fail("{}: truncated: {} needs {} bytes at offset {}, {} remain", file_.path().string(), what,
           size, offset_, end_ - offset_);
    }
    const std::byte* p = file_.data() + offset_;
    offset_ += size;
    return p;
  }
  uint64_t u64(const char* what) {
    uint64_t value;
    std::memcpy(&value, take(8, what), 8);
    return value;
  }
  void u64s(std::vector<uint64_t>& out, size_t count, const char* what) {
    out.resize(count);
    if (count > 0) std::memcpy(out.data(), take(count * 8, what), count * 8);
  }
  size_t offset() const { return offset_; }

 private:
  const MappedFile& file_;
  size_t end_;
  size_t offset_ = 0;
};

const char* bigram_mode(const DomainCounts& d) {
  if (!d.bigrams) return "none";
  return d.bigrams->hashed() ? "hashed" : "exact";
}

}  // namespace

void DomainCounts::count_window(std::span<const int32_t> window) {
  const uint64_t vocab = unigrams.size();
  for (size_t i = 0; i < window.size(); ++i) {
    auto token = static_cast<uint64_t>(static_cast<uint32_t>(window[i]));
    if (token >= vocab) {
      fail("domain '{}': token id {} is outside the tokenizer's vocabulary of {}", name, window[i],
           vocab);
    }
    ++unigrams[token];
  }
  tokens += window.size();
  ++windows;
  if (!bigrams || window.size() < 2) return;
  thread_local std::vector<uint64_t> keys;
  keys.resize(window.size() - 1);
  for (size_t i = 0; i + 1 < window.size(); ++i) {
    auto first = static_cast<uint32_t>(window[i]);
    ++firsts[first];
    keys[i] = BigramCounts::key(first, static_cast<uint32_t>(window[i + 1]));
  }
  bigrams->add_each(keys);
}

void DomainCounts::merge(const DomainCounts& other) {
  tokens += other.tokens;
  windows += other.windows;
  for (size_t i = 0; i < unigrams.size(); ++i) unigrams[i] += other.unigrams[i];
  for (size_t i = 0; i < firsts.size(); ++i) firsts[i] += other.firsts[i];
  if (bigrams) bigrams->merge(*other.bigrams);
}

void EntropyCounts::merge(const EntropyCounts& other, const std::string& what) {
  auto differs = [&](const char* setting, const std::string& mine, const std::string& theirs) {
    if (mine != theirs) {
      fail(
          "{}: {} is {}, but the counts merged so far have {}; only counts of the same data "
          "and settings merge",
          what, setting, theirs, mine);
    }
  };
  differs("the tokenizer", tokenizer_kind + " " + tokenizer_hash,
          other.tokenizer_kind + " " + other.tokenizer_hash);
  differs("the vocabulary size", std::to_string(vocab_size), std::to_string(other.vocab_size));
  differs("the context length", std::to_string(context_length),
          std::to_string(other.context_length));
  differs("bigram counting", with_bigrams ? "on" : "off", other.with_bigrams ? "on" : "off");
  differs("the bigram limits",
          fmt::format("{} exact / {} buckets", limits.max_exact, limits.buckets),
          fmt::format("{} exact / {} buckets", other.limits.max_exact, other.limits.buckets));
  differs("the shard count", std::to_string(shard_count), std::to_string(other.shard_count));
  std::string mine, theirs;
  for (const auto& d : domains) mine += d.name + " ";
  for (const auto& d : other.domains) theirs += d.name + " ";
  differs("the domains", mine, theirs);
  for (size_t i = 0; i < domains.size(); ++i) {
    differs(fmt::format("the train data of '{}'", domains[i].name).c_str(), domains[i].train_hash,
            other.domains[i].train_hash);
  }
  for (uint64_t shard : other.shards) {
    if (shards.contains(shard)) {
      fail(
          "{}: shard {}/{} is already in the counts merged so far; merging it twice would count "
          "its tokens twice",
          what, shard, shard_count);
    }
  }
  shards.insert(other.shards.begin(), other.shards.end());
  for (size_t i = 0; i < domains.size(); ++i) domains[i].merge(other.domains[i]);
}

void write_entropy_counts(const std::filesystem::path& path, const EntropyCounts& counts) {
  nlohmann::json domains = nlohmann::json::array();
  std::vector<std::vector<std::pair<uint64_t, uint64_t>>> entries;
  for (const auto& d : counts.domains) {
    entries.push_back(d.bigrams ? d.bigrams->sorted_entries()
                                : std::vector<std::pair<uint64_t, uint64_t>>{});
    domains.push_back({{"name", d.name},
                       {"train_xxh3", d.train_hash},
                       {"tokens", d.tokens},
                       {"windows", d.windows},
                       {"bigrams", bigram_mode(d)},
                       {"bigram_entries", entries.back().size()}});
  }
  nlohmann::json header = {
      {"format", kFormat},
      {"tokenizer", {{"kind", counts.tokenizer_kind}, {"model_xxh3", counts.tokenizer_hash}}},
      {"vocab_size", counts.vocab_size},
      {"context_length", counts.context_length},
      {"with_bigrams", counts.with_bigrams},
      {"max_exact_bigrams", counts.limits.max_exact},
      {"hash_buckets", counts.limits.buckets},
      {"shard_count", counts.shard_count},
      {"shards", counts.shards},
      {"domains", domains}};
  std::string text = header.dump();
  AtomicFile file(path);
  HashedWriter out(file);
  out.write(kMagic, sizeof kMagic);
  out.write_u64(text.size());
  out.write(text.data(), text.size());
  for (size_t i = 0; i < counts.domains.size(); ++i) {
    const auto& d = counts.domains[i];
    out.write(d.unigrams.data(), d.unigrams.size() * 8);
    if (!counts.with_bigrams) continue;
    out.write(d.firsts.data(), d.firsts.size() * 8);
    out.write_u64(entries[i].size());
    for (const auto& [key, count] : entries[i]) {
      out.write_u64(key);
      out.write_u64(count);
    }
  }
  uint64_t digest = out.digest();
  file.write(&digest, sizeof digest);
  file.commit();
}

EntropyCounts read_entropy_counts(const std::filesystem::path& path) {
  MappedFile file(path);
  const std::string name = path.string();
  if (file.size() < sizeof kMagic + 16 || std::memcmp(file.data(), kMagic, sizeof kMagic) != 0) {
    fail("{}: not an entropy counts file (from cuvee mix entropy --shard)", name);
  }
  size_t body = file.size() - 8;
  uint64_t stored;
  std::memcpy(&stored, file.data() + body, 8);
  if (XXH3_64bits(file.data(), body) != stored) {
    fail("{}: checksum mismatch: the file is damaged or truncated", name);
  }
  Reader in(file, body);
  in.take(sizeof kMagic, "the magic");
  uint64_t header_size = in.u64("the header size");
  const std::byte* header_bytes = in.take(header_size, "the header");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(reinterpret_cast<const char*>(header_bytes),
                                   reinterpret_cast<const char*>(header_bytes) + header_size);
  } catch (const nlohmann::json::exception& e) {
    fail("{}: header is not JSON: {}", name, e.what());
  }
  auto format = json_field<std::string>(header, "format", path);
  if (format != kFormat) fail("{}: format '{}', expected '{}'", name, format, kFormat);
  EntropyCounts counts;
  auto tokenizer = json_field<nlohmann::json>(header, "tokenizer", path);
  counts.tokenizer_kind = json_field<std::string>(tokenizer, "kind", path);
  counts.tokenizer_hash = json_field<std::string>(tokenizer, "model_xxh3", path);
  counts.vocab_size = json_field<uint64_t>(header, "vocab_size", path);
  counts.context_length = json_field<uint64_t>(header, "context_length", path);
  counts.with_bigrams = json_field<bool>(header, "with_bigrams", path);
  counts.limits.max_exact = json_field<uint64_t>(header, "max_exact_bigrams", path);
  counts.limits.buckets = json_field<uint64_t>(header, "hash_buckets", path);
  counts.shard_count = json_field<uint64_t>(header, "shard_count", path);
  for (uint64_t shard : json_field<std::vector<uint64_t>>(header, "shards", path)) {
    if (shard >= counts.shard_count) fail("{}: shard {} of {}", name, shard, counts.shard_count);
    counts.shards.insert(shard);
  }
  for (const auto& entry : json_field<nlohmann::json>(header, "domains", path)) {
    DomainCounts d;
    d.name = json_field<std::string>(entry, "name", path);
    d.train_hash = json_field<std::string>(entry, "train_xxh3", path);
    d.tokens = json_field<uint64_t>(entry, "tokens", path);
    d.windows = json_field<uint64_t>(entry, "windows", path);
    auto mode = json_field<std::string>(entry, "bigrams", path);
    in.u64s(d.unigrams, counts.vocab_size, "unigram counts");
    if (counts.with_bigrams) {
      if (mode != "exact" && mode != "hashed")
        fail("{}: domain '{}': bigrams '{}'", name, d.name, mode);
      in.u64s(d.firsts, counts.vocab_size, "bigram first-token counts");
      uint64_t entries = in.u64("the bigram entry count");
      std::vector<uint64_t> flat;
      in.u64s(flat, 2 * entries, "bigram entries");
      std::vector<std::pair<uint64_t, uint64_t>> pairs(entries);
      for (uint64_t i = 0; i < entries; ++i) pairs[i] = {flat[2 * i], flat[2 * i + 1]};
      d.bigrams = BigramCounts::from_entries(counts.limits, mode == "hashed", pairs);
    }
    counts.domains.push_back(std::move(d));
  }
  if (in.offset() != body)
    fail("{}: {} unexpected bytes after the counts", name, body - in.offset());
  return counts;
}

}  // namespace cuvee
