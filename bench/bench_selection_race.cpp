// RACE density sketching (docs/selection.md): throughput at d = 768, R = 1000, B = 20000 and
// the default P = 4 hashes per row against the machine's GEMM rate for the same shapes
// ([n × d]·[d × R·P], the hashing's floor), swept over N and d; and the speedup of sketch +
// score over the exact kernel density (of the same kernel k^P) at N = 20k. Drawing the
// parameters, once per sketch, is timed apart from adding.
#include <fmt/format.h>

#include <vector>

#include "bench_common.h"
#include "cuvee/core/rng.h"
#include "cuvee/selection/cblas.h"
#include "cuvee/selection/kde.h"
#include "cuvee/selection/race_sketch.h"

using namespace cuvee;

namespace {

constexpr uint64_t kHashRows = 1000, kBlock = 2040;  // the sketch's block

Embeddings gaussian(uint64_t rows, uint64_t dim) {
  Embeddings e;
  e.rows = rows;
  e.dim = dim;
  e.values.resize(rows * dim);
  SequentialRng rng(1, Stream::kTest, 0);
  for (auto& v : e.values) v = static_cast<float>(rng.normal());
  return e;
}

RaceParams params_for(const Embeddings& e) {
  RaceParams params;
  params.rows = kHashRows;
  params.dim = e.dim;
  params.width = default_width(e, 1, params.hashes_per_row);
  return params;
}

struct Rates {
  double sketch = 0, gemm = 0;  // seconds
  double draw = 0;              // seconds to draw the hash parameters, once per sketch
  double ratio() const { return gemm / sketch; }
};

// Adding every row of `e` to a sketch against the GEMMs it runs, [2048 × d]·[d × R·P] per block
// and nothing else; best of 3 each. Drawing the sketch's R·P·d projection coefficients is timed
// apart: it is paid once per sketch whatever N is, and would otherwise make the ratio depend on N.
Rates measure(const Embeddings& e, const RaceParams& params) {
  const int hashes = static_cast<int>(params.rows * params.hashes_per_row);
  const int dim = static_cast<int>(e.dim);
  std::vector<float> a(static_cast<size_t>(hashes) * e.dim, 0.01f), c(kBlock * hashes);
  Rates rates;
  rates.gemm = bench::best_seconds(3, [&] {
    for (uint64_t start = 0; start < e.rows; start += kBlock) {
      const auto n = static_cast<int>(std::min(kBlock, e.rows - start));
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, hashes, dim, 1.0f, e.row(start), dim,
                  a.data(), dim, 0.0f, c.data(), hashes);
    }
  });
  rates.draw = bench::best_seconds(1, [&] { RaceSketch{params}; });
  RaceSketch sketch(params);
  rates.sketch = bench::best_seconds(3, [&] { sketch.add(e, 0, e.rows); });
  return rates;
}

}  // namespace

int main() {
  constexpr uint64_t kRows = 20000, kDim = 768;
  const Embeddings e = gaussian(kRows, kDim);
  const RaceParams params = params_for(e);
  const Rates headline = measure(e, params);
  const double hashes = static_cast<double>(params.rows * params.hashes_per_row);
  bench::report("race sketch (d768 R1000 P4)", fmt::format("{:.0f} emb/s", kRows / headline.sketch),
                fmt::format("GEMM {:.0f} emb/s", kRows / headline.gemm), headline.ratio(),
                fmt::format("fraction of the GEMM rate; GEMM {:.1f} GFLOP/s",
                            2.0 * kRows * kDim * hashes / headline.gemm / 1e9)
                    .c_str());
  bench::goal("race sketch / its GEMMs", headline.ratio(), 0.8,
              "d 768, R 1000, P 4, N 20k: hashing and counting beside the projections' GEMMs");
  std::printf(
      "drawing the sketch's parameters (once per sketch): %.3f s, as long as adding %.0f "
      "embeddings\n",
      headline.draw, headline.draw / headline.sketch * kRows);

  // How the cost grows: linear in N (a block at a time) and in d (the GEMM's depth); the
  // hashing and counting after the GEMM do not depend on d, so their share falls as d grows.
  // The parameter draw grows with d, not N.
  std::printf("\nsweep (sketch / its GEMMs; emb/s):\n");
  auto sweep_line = [](uint64_t rows, uint64_t dim, const Rates& r) {
    std::printf("  N %6llu  d %4llu  ratio %.3f  %8.0f emb/s  draw %.3f s\n",
                static_cast<unsigned long long>(rows), static_cast<unsigned long long>(dim),
                r.ratio(), static_cast<double>(rows) / r.sketch, r.draw);
  };
  for (uint64_t rows : {5000, 20000, 80000}) {
    if (rows == kRows) {
      sweep_line(rows, kDim, headline);  // measured above
      continue;
    }
    const Embeddings x = gaussian(rows, kDim);
    sweep_line(rows, kDim, measure(x, params_for(x)));
  }
  for (uint64_t dim : {128, 384, 1536}) {
    const Embeddings x = gaussian(kRows, dim);
    sweep_line(kRows, dim, measure(x, params_for(x)));
  }

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
