// Entropy counting throughput (cuvee mix entropy's streaming pass) against reading the same
// token file: a synthetic domain of Zipf-distributed, first-order dependent tokens over a
// 32k vocabulary, written as Megatron .bin/.idx. Prints tokens/s of reading alone, of unigram
// counting (shannon), of unigram + exact bigram counting (joint, conditional) and of the same
// with bigrams hashed into 2^26 buckets (the mode past the exact limit), and each counting
// rate as a fraction of the reading rate, for input sizes from 1M tokens up.
//
// Exact counting needs a table of every distinct bigram, several times the size of the token
// file once most bigrams are new, and that memory has to be obtained from the kernel (page
// faults and zeroing) as the table grows. The "table memory" row is that floor measured on its
// own: mapping and writing once as many fresh bytes as the counting's table ends up with (its
// final size plus the smaller sizes it grew through).
//
// Times are thread CPU seconds (kernel time included), the median of --rounds, so that other
// work on the shared machine does not count.
//
// Usage: bench_mixing_entropy [--tokens N] [--rounds R]
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "bench_common.h"
#include "cuvee/core/huge_array.h"
#include "cuvee/core/progress.h"
#include "cuvee/core/rng.h"
#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/mixing/entropy.h"

namespace fs = std::filesystem;
using namespace cuvee;

namespace {

constexpr uint32_t kVocab = 32000;
constexpr uint64_t kContext = 2048;

void write_tokens(const fs::path& prefix, uint64_t tokens) {
  IndexedDatasetWriter writer(prefix, DType::kUInt16);
  SequentialRng rng(1, Stream::kTest, 0);
  std::vector<int32_t> document;
  int32_t previous = 0;
  for (uint64_t i = 0; i < tokens; ++i) {
    double u = rng.uniform();
    auto rank = static_cast<uint32_t>(std::pow(static_cast<double>(kVocab), u)) - 1;
    // A third of the tokens depend on the previous one, so bigrams are not independent.
    auto token = static_cast<int32_t>(
        (rank + (u < 0.33 ? static_cast<uint32_t>(previous) * 7 : 0)) % kVocab);
    document.push_back(token);
    previous = token;
    if (document.size() == 1000) {
      writer.add_document(document);
      document.clear();
    }
  }
  if (!document.empty()) writer.add_document(document);
  writer.commit();
}

double median_cpu_seconds(int rounds, const std::function<void()>& fn) {
  std::vector<double> times;
  for (int r = 0; r < rounds; ++r) times.push_back(bench::thread_cpu_seconds(fn));
  return bench::median(times);
}

struct Row {
  uint64_t tokens = 0, distinct = 0, table_bytes = 0;
  double read_s = 0, unigram_s = 0, bigram_s = 0, hashed_s = 0, memory_s = 0;
  double shannon = 0, exact = 0, hashed = 0;
};

Row measure(const fs::path& dir, uint64_t tokens, int rounds) {
  Row row;
  row.tokens = tokens;
  auto prefix = dir / fmt::format("train-{}", tokens);
  write_tokens(prefix, tokens);
  IndexedDataset data(prefix);
  TokenReader read = [&data](uint64_t start, uint64_t count, int32_t* out) {
    data.read(start, count, out);
  };
  // Reading: the same chunked pass over the file, summing the tokens so nothing is skipped.
  uint64_t checksum = 0;
  row.read_s = median_cpu_seconds(rounds, [&] {
    std::vector<int32_t> buffer;
    const uint64_t chunk = (uint64_t{1} << 20) / kContext * kContext;
    for (uint64_t start = 0; start < tokens; start += chunk) {
      uint64_t count = std::min(chunk, tokens - start);
      buffer.resize(count);
      read(start, count, buffer.data());
      for (int32_t t : buffer) checksum += static_cast<uint32_t>(t);
    }
  });
  auto count = [&](bool bigrams, BigramLimits limits, double& seconds) {
    EntropyCountOptions options;
    options.context_length = kContext;
    options.bigrams = bigrams;
    options.limits = limits;
    std::optional<DomainCounts> counts;
    seconds = median_cpu_seconds(rounds, [&] {
      counts.reset();
      counts = empty_domain_counts("bench", "", kVocab, options);
      count_token_stream(*counts, tokens, read, options);
    });
    return std::move(*counts);
  };
  auto unigrams = count(false, {}, row.unigram_s);
  auto bigrams = count(true, {}, row.bigram_s);
  // Past the exact limit: every bigram into 2^26 hashed buckets.
  auto hashed = count(true, {1, uint64_t{1} << 26}, row.hashed_s);
  row.distinct = bigrams.bigrams->entries();
  row.table_bytes = bigrams.bigrams->table_bytes();
  // The table memory's floor: the bytes of every size the table grew through (each doubling
  // maps a fresh table twice the last), touched once.
  row.memory_s = median_cpu_seconds(rounds, [&] {
    for (uint64_t bytes = row.table_bytes; bytes >= 4096 * 16; bytes /= 2) {
      HugeArray<uint64_t> fresh(bytes / sizeof(uint64_t), 1);
      if (fresh[bytes / sizeof(uint64_t) / 2] != 1) std::abort();
    }
  });
  row.shannon = domain_entropy(unigrams, EntropyMeasure::kShannon);
  row.exact = domain_entropy(bigrams, EntropyMeasure::kConditional);
  row.hashed = domain_entropy(hashed, EntropyMeasure::kConditional);
  if (checksum == 1) std::abort();
  fs::remove(prefix.string() + ".bin");
  fs::remove(prefix.string() + ".idx");
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t max_tokens = uint64_t{1} << 25;
  int rounds = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--tokens") max_tokens = std::strtoull(argv[i + 1], nullptr, 10);
    if (std::string(argv[i]) == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  Progress::set_enabled(false);
  bench::Scratch scratch("entropy");
  std::printf(
      "Entropy counting of a 32k vocabulary, windows of %lu, thread CPU time (median of %d); "
      "rates in tokens/s, ratios to reading the token file\n",
      kContext, rounds);
  std::printf("%10s %10s %9s | %9s %6s | %9s %6s | %9s %6s | %9s %6s\n", "tokens", "distinct",
              "read", "unigrams", "ratio", "exact", "ratio", "hashed", "ratio", "table mem",
              "ratio");
  std::vector<uint64_t> sizes;
  for (uint64_t n = uint64_t{1} << 20; n < max_tokens; n *= 4) sizes.push_back(n);
  sizes.push_back(max_tokens);
  Row last;
  for (uint64_t n : sizes) {
    last = measure(scratch.path(), n, rounds);
    const double t = static_cast<double>(n);
    auto rate = [&](double s) { return human_count(t / s); };
    std::printf(
        "%10s %10s %9s | %9s %6.3f | %9s %6.3f | %9s %6.3f | %9s %6.3f\n", human_count(t).c_str(),
        human_count(static_cast<double>(last.distinct)).c_str(), rate(last.read_s).c_str(),
        rate(last.unigram_s).c_str(), last.read_s / last.unigram_s, rate(last.bigram_s).c_str(),
        last.read_s / last.bigram_s, rate(last.hashed_s).c_str(), last.read_s / last.hashed_s,
        rate(last.memory_s).c_str(), last.read_s / last.memory_s);
  }
  std::printf(
      "  at %s tokens: shannon %.4f nats; conditional %.4f exact, %.4f hashed; exact table %.0f "
      "MiB\n",
      human_count(static_cast<double>(last.tokens)).c_str(), last.shannon, last.exact, last.hashed,
      static_cast<double>(last.table_bytes) / (1 << 20));
  bench::goal(
      "exact bigrams / reading", last.read_s / last.bigram_s, 0.25,
      fmt::format("{} tokens, {} distinct bigrams; the table memory alone: {:.3f}",
                  human_count(static_cast<double>(last.tokens)),
                  human_count(static_cast<double>(last.distinct)), last.read_s / last.memory_s));
  bench::goal("unigrams / reading", last.read_s / last.unigram_s, 0.5,
              "unigram counting (shannon) vs reading the same file");
  return 0;
}
