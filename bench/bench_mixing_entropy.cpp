// Entropy counting throughput (cuvee mix entropy's streaming pass) against reading the same
// token file: a synthetic domain of Zipf-distributed, first-order dependent tokens over a
// 32k vocabulary, written as Megatron .bin/.idx. Prints tokens/s of reading alone, of unigram
// counting (shannon), of unigram + exact bigram counting (joint, conditional) and of the same
// with bigrams hashed into 2^26 buckets (the mode past the exact limit), and each counting
// rate as a fraction of the reading rate.
//
// Usage: bench_mixing_entropy [--tokens N]
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <fmt/format.h>

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

template <typename Body>
double seconds(Body&& body) {
  auto begin = std::chrono::steady_clock::now();
  body();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t tokens = uint64_t{1} << 25;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--tokens") tokens = std::strtoull(argv[i + 1], nullptr, 10);
  }
  Progress::set_enabled(false);
  fs::path dir = fs::temp_directory_path() / fmt::format("cuvee-bench-entropy-{}", ::getpid());
  fs::create_directories(dir);
  try {
    write_tokens(dir / "train", tokens);
    IndexedDataset data(dir / "train");
    TokenReader read = [&data](uint64_t start, uint64_t count, int32_t* out) {
      data.read(start, count, out);
    };
    // Reading: the same chunked pass over the file, summing the tokens so nothing is skipped.
    uint64_t checksum = 0;
    double read_seconds = seconds([&] {
      std::vector<int32_t> buffer;
      const uint64_t chunk = (uint64_t{1} << 20) / kContext * kContext;
      for (uint64_t start = 0; start < tokens; start += chunk) {
        uint64_t count = std::min(chunk, tokens - start);
        buffer.resize(count);
        read(start, count, buffer.data());
        for (int32_t t : buffer) checksum += static_cast<uint32_t>(t);
      }
    });
    auto count = [&](bool bigrams, BigramLimits limits = {}) {
      EntropyCountOptions options;
      options.context_length = kContext;
      options.bigrams = bigrams;
      options.limits = limits;
      auto counts = empty_domain_counts("bench", "", kVocab, options);
      double s = seconds([&] { count_token_stream(counts, tokens, read, options); });
      return std::make_pair(s, std::move(counts));
    };
    auto [unigram_seconds, unigrams] = count(false);
    auto [bigram_seconds, bigrams] = count(true);
    // Past the exact limit: every bigram into 2^26 hashed buckets.
    auto [hashed_seconds, hashed] = count(true, {1, uint64_t{1} << 26});
    double read_rate = static_cast<double>(tokens) / read_seconds;
    std::printf("Entropy counting, %s tokens of a 32k vocabulary, windows of %lu (checksum %lu)\n",
                human_count(static_cast<double>(tokens)).c_str(), kContext, checksum % 1000);
    std::printf("  %-34s %10s tokens/s\n", "read the token file (peer)",
                human_count(read_rate).c_str());
    for (auto [label, s] :
         {std::pair<const char*, double>{"count unigrams (shannon)", unigram_seconds},
          {"count unigrams + bigrams (joint)", bigram_seconds},
          {"count unigrams + hashed bigrams", hashed_seconds}}) {
      double rate = static_cast<double>(tokens) / s;
      std::printf("  %-34s %10s tokens/s  ratio to reading %.3f\n", label,
                  human_count(rate).c_str(), rate / read_rate);
    }
    std::printf("  shannon %.4f nats; conditional %.4f exact, %.4f hashed (%lu distinct bigrams)\n",
                domain_entropy(unigrams, EntropyMeasure::kShannon),
                domain_entropy(bigrams, EntropyMeasure::kConditional),
                domain_entropy(hashed, EntropyMeasure::kConditional), bigrams.bigrams->entries());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_mixing_entropy: %s\n", e.what());
    fs::remove_all(dir);
    return 2;
  }
  fs::remove_all(dir);
  return 0;
}
