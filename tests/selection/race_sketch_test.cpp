#include "cuvee/selection/race_sketch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "cuvee/core/error.h"
#include "cuvee/selection/kde.h"
#include "cuvee/selection/samplers.h"
#include "selection/synthetic.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

double pearson(const std::vector<double>& a, const std::vector<double>& b) {
  double ma = std::accumulate(a.begin(), a.end(), 0.0) / a.size();
  double mb = std::accumulate(b.begin(), b.end(), 0.0) / b.size();
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

RaceParams params_for(const Embeddings& e, uint64_t seed) {
  RaceParams p;
  p.rows = 400;
  p.buckets = 5000;
  p.dim = e.dim;
  p.seed = seed;
  p.width = default_width(e, seed);
  return p;
}

TEST(RaceSketch, ScoresCorrelateWithExactKde) {
  auto e = testing::clusters({300, 120, 50, 20, 10}, 16, 4.0, 1);
  auto p = params_for(e, 7);
  RaceSketch sketch(p);
  sketch.add(e, 0, e.rows);
  auto race = sketch.score(e, 0, e.rows);
  auto exact = exact_kde(e, p.width);
  EXPECT_GT(pearson(race, exact), 0.95);
  // The sketch is unbiased up to bucket collisions, which only add.
  double mean_race = std::accumulate(race.begin(), race.end(), 0.0) / race.size();
  double mean_exact = std::accumulate(exact.begin(), exact.end(), 0.0) / exact.size();
  // Each row adds about (N − density)/B from bucket collisions.
  double n = static_cast<double>(e.rows), b = static_cast<double>(p.buckets);
  EXPECT_NEAR(mean_race / (mean_exact + (n - mean_exact) / b), 1.0, 0.03);
}

TEST(RaceSketch, MergeOfShardsEqualsSketchOfUnion) {
  auto e = testing::clusters({3000, 1500, 700}, 24, 3.0, 2);
  auto p = params_for(e, 11);
  RaceSketch whole(p), first(p), second(p);
  whole.add(e, 0, e.rows);
  first.add(e, 0, 2345);
  second.add(e, 2345, e.rows);
  first.merge(second);
  EXPECT_EQ(first.documents(), whole.documents());
  EXPECT_TRUE(first.counts() == whole.counts());
}

TEST(RaceSketch, SaveLoadRoundTripsAndMergeRefusesOtherParameters) {
  auto e = testing::clusters({100, 50}, 8, 3.0, 3);
  auto p = params_for(e, 5);
  RaceSketch sketch(p);
  sketch.add(e, 0, e.rows);
  testing::TempDir dir;
  sketch.save(dir / "a.race");
  auto loaded = RaceSketch::load(dir / "a.race");
  EXPECT_EQ(loaded.params(), p);
  EXPECT_EQ(loaded.documents(), 150u);
  EXPECT_TRUE(loaded.counts() == sketch.counts());

  auto other_seed = p;
  other_seed.seed = 6;
  RaceSketch other(other_seed);
  EXPECT_THROW(loaded.merge(other), Error);
  auto other_shape = p;
  other_shape.buckets = 4999;
  EXPECT_THROW(loaded.merge(RaceSketch(other_shape)), Error);
  dir.write("bad.race", "CUVRACE1 truncated");
  EXPECT_THROW(RaceSketch::load(dir / "bad.race"), Error);
}

// Normalised entropy of the kept documents' cluster shares: 1 when every cluster is equally
// represented.
double share_entropy(const std::vector<uint64_t>& kept, const std::vector<int>& cluster_of,
                     int clusters) {
  std::vector<double> counts(clusters, 0);
  for (auto i : kept) counts[cluster_of[i]] += 1;
  double h = 0;
  for (double c : counts) {
    if (c > 0) h -= c / kept.size() * std::log(c / kept.size());
  }
  return h / std::log(clusters);
}

TEST(RaceSketch, InversePropensityFlattensImbalancedClusters) {
  std::vector<int> cluster_of;
  auto e = testing::clusters({4000, 1500, 500, 200, 100}, 32, 12.0, 4, &cluster_of);
  auto p = params_for(e, 9);
  RaceSketch sketch(p);
  sketch.add(e, 0, e.rows);
  auto scores = sketch.score(e, 0, e.rows);
  SelectOptions options;
  options.keep = 800;
  options.seed = 3;
  options.method = SelectMethod::kInverse;
  auto inverse = select_documents(scores, options);
  options.method = SelectMethod::kRandom;
  auto random = select_documents(scores, options);
  ASSERT_EQ(inverse.size(), 800u);
  double h_inverse = share_entropy(inverse, cluster_of, 5);
  double h_random = share_entropy(random, cluster_of, 5);
  // The p-stable kernel's tail falls only as w/distance, so the big clusters still lift the
  // small ones' density and the shares do not become uniform; random keeps 0.64.
  EXPECT_GT(h_inverse, h_random + 0.12) << "inverse " << h_inverse << " random " << h_random;
}

TEST(RaceSketch, RejectsBadParameters) {
  RaceParams p;
  p.dim = 4;
  p.width = 0;
  EXPECT_THROW(RaceSketch{p}, Error);
  p.width = 1;
  p.rows = 0;
  EXPECT_THROW(RaceSketch{p}, Error);
}

}  // namespace
}  // namespace cuvee
