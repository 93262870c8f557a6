// RACE density sketching (docs/selection.md): throughput at d = 768, R = 1000, B = 20000 and
// the default P = 4 hashes per row against the machine's GEMM rate for the same shapes
// ([n × d]·[d × R·P], the hashing's floor), and the speedup of sketch + score over the exact
// kernel density (of the same kernel k^P) at N = 20k.
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
  params.width = default_width(e, 1, params.hashes_per_row);
  const int hashes = static_cast<int>(kHashRows * params.hashes_per_row);

  // The same GEMMs the sketch runs: [2048 × 768]·[768 × R·P] per block, nothing else.
  std::vector<float> a(hashes * kDim, 0.01f), c(kBlock * hashes);
  double gemm = bench::best_seconds(3, [&] {
    for (uint64_t start = 0; start < kRows; start += kBlock) {
      uint64_t n = std::min(kBlock, kRows - start);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), hashes, kDim, 1.0f,
                  e.row(start), kDim, a.data(), kDim, 0.0f, c.data(), hashes);
    }
  });
  double sketch = bench::best_seconds(3, [&] {
    RaceSketch s(params);
    s.add(e, 0, kRows);
  });
  bench::report("race sketch (d768 R1000 P4)", fmt::format("{:.0f} emb/s", kRows / sketch),
                fmt::format("GEMM {:.0f} emb/s", kRows / gemm), gemm / sketch,
                fmt::format("fraction of the GEMM rate; GEMM {:.1f} GFLOP/s",
                            2.0 * kRows * kDim * hashes / gemm / 1e9)
                    .c_str());

  double race = bench::best_seconds(1, [&] {
    RaceSketch s(params);
    s.add(e, 0, kRows);
    s.score(e, 0, kRows);
  });
  double exact = bench::best_seconds(
      1, [&] { exact_kde(e, params.width, static_cast<int>(params.hashes_per_row)); });
  bench::report("race vs exact KDE (N 20k)", fmt::format("{:.2f} s", race),
                fmt::format("exact {:.2f} s", exact), exact / race, "speedup");
  return 0;
}
