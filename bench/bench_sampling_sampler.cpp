// Sampler throughput: tokens/s of drawing mixed batches (domain choice, epoch permutations,
// window reads converted to int64 as training consumes them), against a plain memcpy of the
// same windows' bytes — the physical floor of moving that data.
#include <cstring>
#include <numeric>

#include "bench_common.h"
#include "cuvee/core/rng.h"
#include "cuvee/corpus/indexed_dataset.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/sampling/token_windows.h"

using namespace cuvee;

int main() {
  bench::Scratch scratch("sampler");
  const int domains = 4;
  const uint64_t tokens_per_domain = 16 << 20;
  const uint64_t seq = 512, batch = 32, steps = 400;
  std::vector<std::unique_ptr<IndexedDataset>> data;
  std::vector<TokenWindows> windows;
  std::vector<uint64_t> sequences;
  SequentialRng rng(1, Stream::kTest, 0);
  for (int d = 0; d < domains; ++d) {
    auto prefix = scratch.path() / fmt::format("d{}", d);
    IndexedDatasetWriter writer(prefix, DType::kUInt16);
    std::vector<int32_t> doc(4096);
    for (uint64_t written = 0; written < tokens_per_domain; written += doc.size()) {
      for (auto& t : doc) t = static_cast<int32_t>(rng.below(8192));
      writer.add_document(doc);
    }
    writer.commit();
    data.push_back(std::make_unique<IndexedDataset>(prefix));
    windows.emplace_back(*data.back(), seq);
    sequences.push_back(windows.back().count());
  }
  std::vector<double> weights = {0.4, 0.3, 0.2, 0.1};
  std::vector<int64_t> out(batch * (seq + 1));
  std::vector<std::vector<Draw>> all_draws;

  double sampler_s = bench::best_seconds(3, [&] {
    MixedSampler sampler(sequences, 7);
    all_draws.clear();
    for (uint64_t s = 0; s < steps; ++s) {
      auto draws = sampler.next(weights, batch);
      for (size_t j = 0; j < draws.size(); ++j) {
        windows[draws[j].domain].read(draws[j].sequence, out.data() + j * (seq + 1));
      }
      all_draws.push_back(std::move(draws));
    }
  });
  // The peer moves the same windows' bytes (uint16 on disk) with memcpy, no sampling or widening.
  std::vector<uint8_t> raw(batch * (seq + 1) * 2);
  double memcpy_s = bench::best_seconds(3, [&] {
    for (const auto& draws : all_draws) {
      for (size_t j = 0; j < draws.size(); ++j) {
        const auto* base = data[draws[j].domain]->bin().data() + draws[j].sequence * seq * 2;
        std::memcpy(raw.data() + j * (seq + 1) * 2, base, (seq + 1) * 2);
      }
    }
  });
  double tokens = static_cast<double>(steps * batch * seq);
  bench::report("sampler tokens/s", fmt::format("{:.1f} Mtok/s", tokens / sampler_s / 1e6),
                fmt::format("{:.1f} Mtok/s memcpy", tokens / memcpy_s / 1e6), memcpy_s / sampler_s,
                "sampler speed / memcpy speed; 1 = as fast as copying the bytes");
  return 0;
}
