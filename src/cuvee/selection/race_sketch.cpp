#include "cuvee/selection/race_sketch.h"

#include "cuvee/selection/cblas.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <thread>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/mapped_file.h"
#include "cuvee/core/rng.h"
#include "cuvee/core/threads.h"

namespace cuvee {
namespace {

constexpr uint64_t kMersenne61 = (uint64_t{1} << 61) - 1;
// Embeddings hashed per GEMM; not a power of two, so that a tile's R stores into the R × n
// buckets, n·4 bytes apart, do not all land in one L1 set.
constexpr uint64_t kBlock = 2040;
constexpr uint64_t kTile = 16;
// Added to each hash value h so that the key is in [0, 2^61) for |h| < 2^60: distinct values stay
// distinct modulo 2^61 − 1 (a negative h cast to u64 would alias a small positive one).
constexpr int64_t kKeyShift = int64_t{1}
                              << 60;  // embeddings whose buckets are gathered before storing
constexpr char kMagic[8] = {'C', 'U', 'V', 'R', 'A', 'C', 'E', '2'};
constexpr char kMagicOne[8] = {'C', 'U', 'V', 'R', 'A', 'C', 'E', '1'};

// x mod (2^61 − 1) for x < 2^124: the two folds keep every partial sum under 2^64.
uint64_t mod_mersenne61(unsigned __int128 x) {
  uint64_t r = static_cast<uint64_t>(x & kMersenne61) + static_cast<uint64_t>(x >> 61);
  r = (r & kMersenne61) + (r >> 61);
  return r >= kMersenne61 ? r - kMersenne61 : r;
}

// floor(v) for finite |v| < 2^63, without the libm call that baseline x86-64 makes for floorf:
// truncation, then one down for a negative non-integer.
int64_t floor_to_int(float v) {
  auto t = static_cast<int64_t>(v);
  return t - static_cast<int64_t>(static_cast<float>(t) > v);
}

// 2^60 + h_k, the key of h_k = floor(projection[k] + offset[k]) (see RaceHasher::hash), for all
// k, in two loops that the compiler vectorizes (a range check, then truncation and one down
// below a non-integer); false, with keys untouched, when some value lies outside ±2^30 (or is
// NaN), beyond the int32 lanes.
bool keys_of_small_floors(const float* projection, const float* offset, uint64_t n,
                          uint64_t* keys) {
  constexpr float kLimit = 0x1p30f;
  int outside = 0;
  for (uint64_t k = 0; k < n; ++k) {
    outside |= std::abs(projection[k] + offset[k]) < kLimit ? 0 : 1;
  }
  if (outside != 0) return false;
  for (uint64_t k = 0; k < n; ++k) {
    const float v = projection[k] + offset[k];
    auto h = static_cast<int32_t>(v);
    h -= static_cast<float>(h) > v ? 1 : 0;
    keys[k] = static_cast<uint64_t>(int64_t{h} + kKeyShift);
  }
  return true;
}

// Runs fn(first, last) over [0, n) split across the default thread count.
template <typename Fn>
void parallel_ranges(uint64_t n, Fn fn) {
  uint64_t threads = std::min<uint64_t>(default_threads(), std::max<uint64_t>(n / 64, 1));
  if (threads <= 1) {
    fn(uint64_t{0}, n);
    return;
  }
  std::vector<std::thread> workers;
  for (uint64_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] { fn(n * t / threads, n * (t + 1) / threads); });
  }
  for (auto& worker : workers) worker.join();
}

}  // namespace

double default_width(const Embeddings& e, uint64_t seed, uint64_t hashes_per_row) {
  if (e.rows < 2) fail("need at least 2 embeddings to choose a width; give --width");
  SequentialRng rng(seed, Stream::kDensityHash, uint64_t{1} << 32);
  std::vector<double> distances;
  for (int p = 0; p < 2000; ++p) {
    uint64_t i = rng.below(e.rows), j = rng.below(e.rows - 1);
    if (j >= i) ++j;
    double sum = 0;
    for (uint64_t c = 0; c < e.dim; ++c) {
      double diff = e.row(i)[c] - e.row(j)[c];
      sum += diff * diff;
    }
    distances.push_back(std::sqrt(sum));
  }
  auto q = distances.begin() + distances.size() / 10;
  std::nth_element(distances.begin(), q, distances.end());
  if (!(*q > 0)) {
    fail(
        "the 10% quantile of sampled embedding distances is 0 (many duplicate rows); give --width");
  }
  return *q * std::max(1.0, static_cast<double>(hashes_per_row) / 2);
}

RaceHasher::RaceHasher(const RaceParams& p) : params_(p) {
  if (p.rows == 0 || p.buckets == 0 || p.dim == 0 || p.hashes_per_row == 0) {
    fail(
        "RACE sketch: rows ({}), buckets ({}), dimension ({}) and hashes per row ({}) must be "
        "positive",
        p.rows, p.buckets, p.dim, p.hashes_per_row);
  }
  if (p.buckets > UINT32_MAX) fail("RACE sketch: at most 2^32 − 1 buckets, got {}", p.buckets);
  if (p.hashes_per_row > 64)
    fail("RACE sketch: at most 64 hashes per row, got {}", p.hashes_per_row);
  if (!(p.width > 0) || !std::isfinite(p.width)) fail("RACE sketch: width {} must be > 0", p.width);
  const uint64_t hashes = p.rows * p.hashes_per_row;
  scaled_.resize(hashes * p.dim);
  offsets_.resize(hashes);
  alpha_.resize(hashes);
  beta_.resize(p.rows);
  // Each row draws from its own stream, so rows are drawn in parallel with the same values.
  parallel_ranges(p.rows, [&](uint64_t first, uint64_t last) {
    for (uint64_t r = first; r < last; ++r) {
      // Row r's draws in order: for each of its hashes a_j, b_j and α_j, then β (with one hash
      // per row, the order of sketches before hashes_per_row existed).
      SequentialRng rng(p.seed, Stream::kDensityHash, r);
      for (uint64_t j = r * p.hashes_per_row; j < (r + 1) * p.hashes_per_row; ++j) {
        for (uint64_t c = 0; c < p.dim; ++c)
          scaled_[j * p.dim + c] = static_cast<float>(rng.normal() / p.width);
        offsets_[j] = static_cast<float>(rng.uniform());
        alpha_[j] = 1 + rng.below(kMersenne61 - 1);
      }
      beta_[r] = rng.below(kMersenne61);
    }
  });
  bucket_reciprocal_ = UINT64_MAX / p.buckets;
}

void RaceHasher::hash(const float* x, uint64_t n, uint32_t* out) const {
  const auto R = params_.rows, d = params_.dim, B = params_.buckets, P = params_.hashes_per_row;
  const uint64_t H = R * P;
  projections_.resize(n * H);
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n), static_cast<int>(H),
              static_cast<int>(d), 1.0f, x, static_cast<int>(d), scaled_.data(),
              static_cast<int>(d), 0.0f, projections_.data(), static_cast<int>(H));
  parallel_ranges(n, [&](uint64_t first, uint64_t last) {
    std::vector<uint64_t> keys(H);
    // A tile's buckets, R × kTile, copied to out a tile row at a time: storing straight into
    // out would touch R lines n·4 bytes apart for each embedding, all in one L1 set.
    std::vector<uint32_t> tile(R * kTile);
    for (uint64_t i = first; i < last; ++i) {
      const uint64_t tile_start = i - (i - first) % kTile;
      const float* projection = projections_.data() + i * H;
      // The row's buckets from the keys of h_j, the floor of hash j's shifted projection.
      auto bucket_rows = [&](auto&& key_of) {
        for (uint64_t r = 0; r < R; ++r) {
          // The row's P hashes as one key: (β + Σ_j α_j·h_j) mod (2^61 − 1), a universal hash
          // of the tuple (Carter–Wegman), then mod B. Four products (each under 2^122) are
          // summed before one reduction; the residue is the same as reducing after each.
          const uint64_t* alpha = alpha_.data() + r * P;
          const uint64_t first_hash = r * P;
          auto product = [&](uint64_t j) {
            return static_cast<unsigned __int128>(alpha[j]) * key_of(first_hash + j);
          };
          uint64_t mixed = beta_[r];
          uint64_t j = 0;
          for (; j + 4 <= P; j += 4) {
            mixed = mod_mersenne61(mixed + product(j) + product(j + 1) + product(j + 2) +
                                   product(j + 3));
          }
          if (j < P) {
            unsigned __int128 sum = mixed;
            for (; j < P; ++j) sum += product(j);
            mixed = mod_mersenne61(sum);
          }
          // mixed mod B by the reciprocal ⌊(2^64 − 1)/B⌋: since mixed < 2^61 the estimated
          // quotient is short by at most one, and one subtraction makes it exact.
          const auto quotient = static_cast<uint64_t>(
              (static_cast<unsigned __int128>(mixed) * bucket_reciprocal_) >> 64);
          uint64_t bucket = mixed - quotient * B;
          if (bucket >= B) bucket -= B;
          tile[r * kTile + (i - tile_start)] = static_cast<uint32_t>(bucket);
        }
      };
      if (keys_of_small_floors(projection, offsets_.data(), H, keys.data())) {
        bucket_rows([&](uint64_t j) { return keys[j]; });
      } else {
        for (uint64_t j = 0; j < H; ++j) {
          if (!std::isfinite(projection[j] + offsets_[j])) {
            fail("RACE sketch: embedding {} of the block projects to {} (too large for width {})",
                 i, projection[j], params_.width);
          }
        }
        bucket_rows([&](uint64_t j) {
          return static_cast<uint64_t>(floor_to_int(projection[j] + offsets_[j]) + kKeyShift);
        });
      }
      if (i + 1 == last || i + 1 - tile_start == kTile) {
        const uint64_t count = i + 1 - tile_start;
        for (uint64_t r = 0; r < R; ++r) {
          std::memcpy(out + r * n + tile_start, tile.data() + r * kTile, count * sizeof(uint32_t));
        }
      }
    }
  });
}

RaceSketch::RaceSketch(const RaceParams& params)
    : params_(params), hasher_(params), counts_(params.rows * params.buckets, 0) {}

void RaceSketch::add(const Embeddings& e, uint64_t begin, uint64_t end) {
  if (e.dim != params_.dim) fail("embeddings have {} columns, the sketch {}", e.dim, params_.dim);
  const auto R = params_.rows, B = params_.buckets;
  std::vector<uint32_t> buckets;
  for (uint64_t start = begin; start < end; start += kBlock) {
    uint64_t n = std::min(kBlock, end - start);
    buckets.resize(n * R);
    hasher_.hash(e.row(start), n, buckets.data());
    // Each thread owns a range of sketch rows, so no counter is shared; a row's B counters stay
    // in cache while the block's n increments land in them.
    parallel_ranges(R, [&](uint64_t first, uint64_t last) {
      for (uint64_t r = first; r < last; ++r) {
        uint32_t* row = counts_.data() + r * B;
        const uint32_t* bucket = buckets.data() + r * n;
        for (uint64_t i = 0; i < n; ++i) ++row[bucket[i]];
      }
    });
  }
  documents_ += end - begin;
}

void RaceSketch::merge(const RaceSketch& other) {
  const auto& a = params_;
  const auto& b = other.params_;
  if (!(a == b)) {
    fail(
        "cannot merge RACE sketches with different parameters: rows {} vs {}, buckets {} vs {}, "
        "dim {} vs {}, width {} vs {}, seed {} vs {}, hashes per row {} vs {}",
        a.rows, b.rows, a.buckets, b.buckets, a.dim, b.dim, a.width, b.width, a.seed, b.seed,
        a.hashes_per_row, b.hashes_per_row);
  }
  for (size_t i = 0; i < counts_.size(); ++i) {
    uint64_t sum = uint64_t{counts_[i]} + other.counts_[i];
    if (sum > UINT32_MAX) fail("RACE sketch merge: a counter overflows 2^32 − 1");
    counts_[i] = static_cast<uint32_t>(sum);
  }
  documents_ += other.documents_;
}

std::vector<double> RaceSketch::score(const Embeddings& e, uint64_t begin, uint64_t end) const {
  if (e.dim != params_.dim) fail("embeddings have {} columns, the sketch {}", e.dim, params_.dim);
  const auto R = params_.rows, B = params_.buckets;
  std::vector<double> scores(end - begin);
  std::vector<uint32_t> buckets;
  for (uint64_t start = begin; start < end; start += kBlock) {
    uint64_t n = std::min(kBlock, end - start);
    buckets.resize(n * R);
    hasher_.hash(e.row(start), n, buckets.data());
    // Row by row, so that each row's counters stay in cache for the block's lookups.
    parallel_ranges(n, [&](uint64_t first, uint64_t last) {
      std::vector<uint64_t> sums(last - first, 0);
      for (uint64_t r = 0; r < R; ++r) {
        const uint32_t* row = counts_.data() + r * B;
        const uint32_t* bucket = buckets.data() + r * n;
        for (uint64_t i = first; i < last; ++i) sums[i - first] += row[bucket[i]];
      }
      for (uint64_t i = first; i < last; ++i) {
        scores[start - begin + i] = static_cast<double>(sums[i - first]) / static_cast<double>(R);
      }
    });
  }
  return scores;
}

void RaceSketch::save(const std::filesystem::path& path) const {
  AtomicFile out(path);
  out.write(kMagic, sizeof kMagic);
  uint64_t header[5] = {params_.rows, params_.buckets, params_.dim, params_.seed,
                        params_.hashes_per_row};
  out.write(header, sizeof header);
  out.write(&params_.width, sizeof params_.width);
  out.write(&documents_, sizeof documents_);
  out.write(counts_.data(), counts_.size() * sizeof(uint32_t));
  out.commit();
}

RaceSketch RaceSketch::load(const std::filesystem::path& path) {
  MappedFile file(path);
  constexpr size_t kHeader = 8 + 5 * 8 + 8 + 8;
  if (file.size() >= 8 && std::memcmp(file.data(), kMagicOne, 8) == 0) {
    fail(
        "{}: a RACE sketch of an older format (CUVRACE1, before --hashes-per-row); sketch the "
        "embeddings again with cuvee density sketch",
        path.string());
  }
  if (file.size() < kHeader || std::memcmp(file.data(), kMagic, 8) != 0) {
    fail("{}: not a RACE sketch (expected the CUVRACE2 header)", path.string());
  }
  uint64_t header[5];
  RaceParams params;
  std::memcpy(header, file.data() + 8, sizeof header);
  params.rows = header[0];
  params.buckets = header[1];
  params.dim = header[2];
  params.seed = header[3];
  params.hashes_per_row = header[4];
  std::memcpy(&params.width, file.data() + 48, 8);
  uint64_t documents;
  std::memcpy(&documents, file.data() + 56, 8);
  if (params.rows == 0 || params.buckets == 0 ||
      params.rows > (file.size() - kHeader) / 4 / params.buckets ||
      file.size() != kHeader + params.rows * params.buckets * 4) {
    fail("{}: {} bytes, but {} × {} counters need {} (truncated?)", path.string(), file.size(),
         params.rows, params.buckets, kHeader + params.rows * params.buckets * 4);
  }
  RaceSketch sketch(params);
  sketch.documents_ = documents;
  std::memcpy(sketch.counts_.data(), file.data() + kHeader, sketch.counts_.size() * 4);
  return sketch;
}

}  // namespace cuvee
