// Sampler throughput: tokens/s of drawing mixed batches (domain choice, epoch permutations,
// window reads widened to int64 as training consumes them), against a plain memcpy of the
// same windows' bytes — the physical floor of moving that data — replayed from the same draws
// in the same round. Each round times both back to back; the ratio is the median over rounds.
//
// The headline row is a fresh sampler over 4 domains drawing 400 steps of 32 × 512 tokens (a
// tenth of a 64M-token corpus), so every domain's first epoch permutation is built inside the
// timing. The sweep then varies the number of domains (2–256, the corpus split evenly), the
// batch size (the same tokens drawn in fewer or more steps) and how much of the corpus is
// drawn (a whole epoch, where each permutation is paid for by as many draws as it has
// entries).
//
// Usage: bench_sampling_sampler [--tokens N] [--rounds R]
#include <cstring>
#include <numeric>

#include "bench_common.h"
#include "cuvee/core/rng.h"
#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/sampling/token_windows.h"

using namespace cuvee;

namespace {

constexpr uint64_t kSeq = 512;

struct Corpus {
  std::vector<std::unique_ptr<IndexedDataset>> data;
  std::vector<TokenWindows> windows;
  std::vector<uint64_t> sequences;
};

Corpus write_corpus(const std::filesystem::path& dir, int domains, uint64_t total_tokens) {
  Corpus corpus;
  const uint64_t per_domain = total_tokens / static_cast<uint64_t>(domains);
  std::vector<int32_t> doc(4096);
  for (int d = 0; d < domains; ++d) {
    auto prefix = dir / fmt::format("k{}-d{}", domains, d);
    IndexedDatasetWriter writer(prefix, DType::kUInt16);
    for (uint64_t written = 0; written < per_domain; written += doc.size()) {
      for (size_t i = 0; i < doc.size(); ++i)
        doc[i] = static_cast<int32_t>(mix64(written + i + (uint64_t{1} << 40) * d) % 8192);
      writer.add_document(doc);
    }
    writer.commit();
    corpus.data.push_back(std::make_unique<IndexedDataset>(prefix));
  }
  for (const auto& data : corpus.data) {
    corpus.windows.emplace_back(*data, kSeq);
    corpus.sequences.push_back(corpus.windows.back().count());
  }
  return corpus;
}

// Reads and writes a buffer twice the last-level cache, so that each timed part starts with
// the corpus in memory, not in cache (the draws of a round repeat the previous round's).
void evict_caches() {
  static std::vector<uint64_t> buffer((64 << 20) / sizeof(uint64_t));
  for (auto& v : buffer) v += 1;
}

struct Row {
  double ratio, sampler_rate, memcpy_rate;
};

// Draws `draws` windows in steps of `batch` from a fresh sampler, and the memcpy of the same.
Row measure(const Corpus& corpus, uint64_t batch, uint64_t draws, int rounds) {
  const size_t k = corpus.sequences.size();
  // Skewed weights (as mixtures are): w_i ∝ 1 / (i + 1).
  std::vector<double> weights(k);
  double total = 0;
  for (size_t i = 0; i < k; ++i) total += weights[i] = 1.0 / static_cast<double>(i + 1);
  for (double& w : weights) w /= total;
  const uint64_t steps = std::max<uint64_t>(1, draws / batch);
  std::vector<int64_t> out(batch * (kSeq + 1));
  std::vector<std::vector<Draw>> all_draws;
  std::vector<uint8_t> raw(batch * (kSeq + 1) * 2);
  int64_t sink = 0;
  auto timing = bench::paired(
      rounds,
      [&] {
        MixedSampler sampler(corpus.sequences, 7);
        all_draws.clear();
        for (uint64_t s = 0; s < steps; ++s) {
          auto step_draws = sampler.next(weights, batch);
          read_draws(corpus.windows, step_draws, out.data());
          sink += out[batch * kSeq];
          all_draws.push_back(std::move(step_draws));
        }
      },
      [&] {
        // The same windows' bytes (uint16 on disk), no sampling or widening.
        for (const auto& step_draws : all_draws) {
          for (size_t j = 0; j < step_draws.size(); ++j) {
            const auto* base =
                corpus.data[step_draws[j].domain]->bin().data() + step_draws[j].sequence * kSeq * 2;
            std::memcpy(raw.data() + j * (kSeq + 1) * 2, base, (kSeq + 1) * 2);
          }
          sink += raw[0];
        }
      },
      evict_caches);
  if (sink == -1) std::abort();
  const double tokens = static_cast<double>(steps * batch * kSeq);
  return {timing.ratio, tokens / timing.ours, tokens / timing.peer};
}

void print_row(const std::string& label, const Row& row) {
  fmt::print("  {:<34} {:>9.0f} Mtok/s  memcpy {:>9.0f} Mtok/s  ratio {:5.3f}\n", label,
             row.sampler_rate / 1e6, row.memcpy_rate / 1e6, row.ratio);
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t total_tokens = uint64_t{1} << 26;
  int rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--tokens") total_tokens = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  bench::Scratch scratch("sampler");
  const uint64_t corpus_windows = total_tokens / kSeq;
  fmt::print(
      "Mixed sampler: windows of {} tokens (uint16 on disk, read as int64), {}M-token corpus "
      "split evenly over the domains, weights 1/(i+1); median of {} rounds\n",
      kSeq, total_tokens >> 20, rounds);

  Row headline{};
  fmt::print("domains (batch 32, a tenth of the corpus drawn, fresh sampler):\n");
  for (int k : {2, 4, 16, 64, 256}) {
    auto corpus = write_corpus(scratch.path(), k, total_tokens);
    auto row = measure(corpus, 32, corpus_windows / 10, rounds);
    print_row(fmt::format("{} domains", k), row);
    if (k == 4) {
      headline = row;
      fmt::print("batch size (4 domains, a tenth of the corpus drawn):\n");
      for (uint64_t batch : {8, 128, 512}) {
        print_row(fmt::format("batch {}", batch),
                  measure(corpus, batch, corpus_windows / 10, rounds));
      }
      fmt::print("corpus drawn (4 domains, batch 32):\n");
      for (double fraction : {0.01, 1.0}) {
        print_row(fmt::format("{:g} of an epoch", fraction),
                  measure(corpus, 32, static_cast<uint64_t>(corpus_windows * fraction), rounds));
      }
      fmt::print("domains, continued:\n");
    }
    for (int d = 0; d < k; ++d) {
      std::filesystem::remove(scratch.path() / fmt::format("k{}-d{}.bin", k, d));
      std::filesystem::remove(scratch.path() / fmt::format("k{}-d{}.idx", k, d));
    }
  }
  bench::report("sampler tokens/s", fmt::format("{:.1f} Mtok/s", headline.sampler_rate / 1e6),
                fmt::format("{:.1f} Mtok/s memcpy", headline.memcpy_rate / 1e6), headline.ratio,
                "sampler speed / memcpy speed; 1 = as fast as copying the bytes");
  bench::goal("sampler / memcpy (4 domains)", headline.ratio, 0.5,
              "mixed batches drawn and widened vs memcpy of the same windows");
  return 0;
}
