// RACE density sketches (Coleman & Shrivastava 2020, "Sub-linear RACE Sketches for
// Approximate Kernel Density Estimation on Streaming Data"; Sachdeva et al. 2024, App. A.2): R
// rows × B buckets of counters. Row r hashes an embedding x with P concatenated p-stable L2
// LSHs, h_rj(x) = floor((a_rj·x + b_rj)/w), a_rj ~ N(0, I), b_rj ~ U[0, w), and maps the tuple
// into [0, B) with a universal hash ((β_r + Σ_j α_rj·h_rj) mod (2^61 − 1)) mod B. Adding a
// document increments S[r, bucket_r(x)] in every row; score(x) = mean_r S[r, bucket_r(x)], an
// estimate of Σ_j k(x, x_j)^P where k is one LSH's collision probability (kde.h), a kernel of
// bandwidth ~w. Concatenating raises the kernel to the power P and so cuts its heavy tail (one
// p-stable hash's k falls only like w/distance).
//
// All hash parameters derive from (seed, R, P, d, w) through CounterRng(seed, kDensityHash), so
// shards sketched anywhere with the same parameters merge exactly by adding counters. The
// hashing of a block of embeddings is one GEMM (OpenBLAS sgemm): [n × d]·[d × R·P].
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
  // P: LSHs concatenated in each row (the kernel is k^P). 4 measured best against exact-KDE
  // inverse propensity on imbalanced clusters (docs/selection.md).
  uint64_t hashes_per_row = 4;
  bool operator==(const RaceParams&) const = default;
};

// The default w: the 10% quantile of the distances between 2000 pairs of rows drawn with
// `seed` from the whole matrix, times max(1, P/2) for P hashes per row. Shards of one file all
// read the whole file, so they agree on it; the quantile is well below the typical distance,
// so the kernel stays local. Near 0, k(c)^P ≈ exp(−0.8·P·c/w), so the concatenated kernel
// narrows with P; widening each hash by P/2 keeps its bandwidth near the quantile's
// (docs/selection.md measures it).
double default_width(const Embeddings& embeddings, uint64_t seed, uint64_t hashes_per_row);

class RaceHasher {
 public:
  explicit RaceHasher(const RaceParams& params);
  const RaceParams& params() const { return params_; }
  // Buckets of rows [0, n) of `x` (n × d, row-major) into out (R × n, row-major: sketch row r's
  // buckets of every embedding together, as counting and scoring read them).
  void hash(const float* x, uint64_t n, uint32_t* out) const;

 private:
  RaceParams params_;
  std::vector<float> scaled_;    // a_rj / w, (R·P) × d row-major
  std::vector<float> offsets_;   // b_rj / w
  std::vector<uint64_t> alpha_;  // universal-hash coefficient of each hash
  std::vector<uint64_t> beta_;   // universal-hash offset of each row
  uint64_t bucket_reciprocal_;   // ⌊(2^64 − 1)/B⌋, for the bucket without a division
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

  // Binary file: "CUVRACE2", u64 rows, buckets, dim, seed, hashes per row, f64 width, u64
  // documents, then u32 counters row by row; little-endian; written atomically.
  void save(const std::filesystem::path& path) const;
  static RaceSketch load(const std::filesystem::path& path);

 private:
  RaceParams params_;
  RaceHasher hasher_;
  uint64_t documents_ = 0;
  std::vector<uint32_t> counts_;  // R × B
};

}  // namespace cuvee
