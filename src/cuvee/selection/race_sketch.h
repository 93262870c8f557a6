// RACE density sketches (Coleman & Shrivastava 2020; SPEC.md §3.2): R rows × B buckets of
// counters. Row r hashes an embedding x with a p-stable L2 LSH, h_r(x) = floor((a_r·x + b_r)/w),
// a_r ~ N(0, I), b_r ~ U[0, w), and maps h_r into [0, B) with a universal hash
// ((α_r·h + β_r) mod (2^61 − 1)) mod B. Adding a document increments S[r, bucket_r(x)] in
// every row; score(x) = mean_r S[r, bucket_r(x)], an estimate of Σ_j k(x, x_j) where k is the
// LSH collision probability (kde.h), a kernel of bandwidth ~w.
//
// All hash parameters derive from (seed, R, d, w) through CounterRng(seed, kDensityHash), so
// shards sketched anywhere with the same parameters merge exactly by adding counters. The
// hashing of a block of embeddings is one GEMM (OpenBLAS sgemm): [n × d]·[d × R].
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "cuvee/selection/embeddings.h"

namespace cuvee {

struct RaceParams {
  uint64_t rows = 1000;
  uint64_t buckets = 20000;
  uint64_t dim = 0;
  double width = 0;  // w; > 0
  uint64_t seed = 0;
  bool operator==(const RaceParams&) const = default;
};

// The default w: the 10% quantile of the distances between 2000 pairs of rows drawn with
// `seed` from the whole matrix. Shards of one file all read the whole file, so they agree on
// it; the quantile is well below the typical distance, so the kernel stays local.
double default_width(const Embeddings& embeddings, uint64_t seed);

class RaceHasher {
 public:
  explicit RaceHasher(const RaceParams& params);
  const RaceParams& params() const { return params_; }
  // Buckets of rows [0, n) of `x` (n × d, row-major) into out (n × R, row-major).
  void hash(const float* x, uint64_t n, uint32_t* out) const;

 private:
  RaceParams params_;
  std::vector<float> scaled_;           // a_r / w, R × d row-major
  std::vector<float> offsets_;          // b_r / w
  std::vector<uint64_t> alpha_, beta_;  // universal-hash coefficients per row
  mutable std::vector<float> projections_;
};

class RaceSketch {
 public:
  explicit RaceSketch(const RaceParams& params);
  const RaceParams& params() const { return params_; }
  uint64_t documents() const { return documents_; }
  const std::vector<uint32_t>& counts() const { return counts_; }

  // Adds rows [begin, end) of `embeddings`.
  void add(const Embeddings& embeddings, uint64_t begin, uint64_t end);
  // Adds another sketch's counters; errors unless it has the same parameters.
  void merge(const RaceSketch& other);
  // mean_r S[r, bucket_r(x)] for rows [begin, end).
  std::vector<double> score(const Embeddings& embeddings, uint64_t begin, uint64_t end) const;

  // Binary file: "CUVRACE1", u64 rows, buckets, dim, seed, f64 width, u64 documents, then
  // u32 counters row by row; little-endian; written atomically.
  void save(const std::filesystem::path& path) const;
  static RaceSketch load(const std::filesystem::path& path);

 private:
  RaceParams params_;
  RaceHasher hasher_;
  uint64_t documents_ = 0;
  std::vector<uint32_t> counts_;  // R × B
};

}  // namespace cuvee
