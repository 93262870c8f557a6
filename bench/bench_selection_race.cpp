// RACE density sketching (SPEC.md §3.2): throughput at d = 768, R = 1000, B = 20000 against
// the machine's GEMM rate for the same shapes (the hashing's floor), and the speedup of
// sketch + score over the exact kernel density at N = 20k.
#include <fmt/format.h>

#include <vector>

#include "bench_common.h"
#include "cuvee/core/rng.h"
#include "cuvee/selection/cblas.h"
#include "cuvee/selection/kde.h"
#include "cuvee/selection/race_sketch.h"

using namespace cuvee;

int main() {
  constexpr uint64_t kRows = 20000, kDim = 768, kHashRows = 1000, kBlock = 2048;
  Embeddings e;
  e.rows = kRows;
  e.dim = kDim;
  e.values.resize(kRows * kDim);
  SequentialRng rng(1, Stream::kTest, 0);
  for (auto& v : e.values) v = static_cast<float>(rng.normal());
  RaceParams params;
  params.rows = kHashRows;
  params.dim = kDim;
  params.width = default_width(e, 1);

  // The same GEMMs the sketch runs: [2048 × 768]·[768 × 1000] per block, nothing else.
  std::vector<float> a(kHashRows * kDim, 0.01f), c(kBlock * kHashRows);
  double gemm = bench::best_seconds(3, [&] {
    for (uint64_t start = 0; start < kRows; start += kBlock) {
      uint64_t n = std::min(kBlock, kRows - start);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), kHashRows, kDim,
                  1.0f, e.row(start), kDim, a.data(), kDim, 0.0f, c.data(), kHashRows);
    }
  });
  double sketch = bench::best_seconds(3, [&] {
    RaceSketch s(params);
    s.add(e, 0, kRows);
  });
  bench::report("race sketch (d768 R1000)", fmt::format("{:.0f} emb/s", kRows / sketch),
                fmt::format("GEMM {:.0f} emb/s", kRows / gemm), gemm / sketch,
                fmt::format("fraction of the GEMM rate; GEMM {:.1f} GFLOP/s",
                            2.0 * kRows * kDim * kHashRows / gemm / 1e9)
                    .c_str());

  double race = bench::best_seconds(1, [&] {
    RaceSketch s(params);
    s.add(e, 0, kRows);
    s.score(e, 0, kRows);
  });
  double exact = bench::best_seconds(1, [&] { exact_kde(e, params.width); });
  bench::report("race vs exact KDE (N 20k)", fmt::format("{:.2f} s", race),
                fmt::format("exact {:.2f} s", exact), exact / race, "speedup");
  return 0;
}
