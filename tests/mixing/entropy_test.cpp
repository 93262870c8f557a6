// Entropy proxies: the measures on hand-counted streams, windows, shards, proportions.
#include "cuvee/mixing/entropy.h"

#include <bit>
#include <cmath>
#include <map>

#include <gtest/gtest.h>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"

namespace cuvee {
namespace {

DomainCounts count(const std::vector<int32_t>& tokens, uint64_t vocab,
                   EntropyCountOptions options) {
  auto counts = empty_domain_counts("d", "h", vocab, options);
  count_token_stream(
      counts, tokens.size(),
      [&](uint64_t start, uint64_t n, int32_t* out) {
        std::copy(tokens.begin() + static_cast<ptrdiff_t>(start),
                  tokens.begin() + static_cast<ptrdiff_t>(start + n), out);
      },
      options);
  return counts;
}

TEST(Entropy, MeasuresOfAHandCountedStream) {
  // Windows of 4: [0 1 2 0] [1 1]. Unigrams 0:2 1:3 2:1; bigrams (0,1) (1,2) (2,0) (1,1).
  EntropyCountOptions options;
  options.context_length = 4;
  auto counts = count({0, 1, 2, 0, 1, 1}, 3, options);
  EXPECT_EQ(counts.tokens, 6u);
  EXPECT_EQ(counts.windows, 2u);
  double shannon =
      -(2.0 / 6 * std::log(2.0 / 6) + 0.5 * std::log(0.5) + 1.0 / 6 * std::log(1.0 / 6));
  EXPECT_NEAR(domain_entropy(counts, EntropyMeasure::kShannon), shannon, 1e-15);
  EXPECT_NEAR(domain_entropy(counts, EntropyMeasure::kJoint), std::log(4.0), 1e-15);
  // −Σ P(x,x′) log P(x′|x): P(2|1) = P(1|1) = 1/2, the others 1.
  EXPECT_NEAR(domain_entropy(counts, EntropyMeasure::kConditional), 0.5 * std::log(2.0), 1e-15);
}

TEST(Entropy, MillerMadowAddsTheFirstOrderBias) {
  // The stream above: 3 unigrams seen in 6 tokens, 4 bigrams in 4 pairs, 3 first tokens in 4.
  EntropyCountOptions options;
  options.context_length = 4;
  auto counts = count({0, 1, 2, 0, 1, 1}, 3, options);
  auto mm = EntropyEstimator::kMillerMadow;
  auto plug_in = [&](EntropyMeasure m) { return domain_entropy(counts, m); };
  EXPECT_NEAR(domain_entropy(counts, EntropyMeasure::kShannon, mm),
              plug_in(EntropyMeasure::kShannon) + 2.0 / 12, 1e-15);
  EXPECT_NEAR(domain_entropy(counts, EntropyMeasure::kJoint, mm),
              plug_in(EntropyMeasure::kJoint) + 3.0 / 8, 1e-15);
  // joint + 3/8 − (first + 2/8).
  EXPECT_NEAR(domain_entropy(counts, EntropyMeasure::kConditional, mm),
              plug_in(EntropyMeasure::kConditional) + 1.0 / 8, 1e-15);
  EXPECT_EQ(parse_entropy_estimator("miller-madow"), mm);
  EXPECT_EQ(entropy_estimator_name(EntropyEstimator::kPlugIn), "plug-in");
  EXPECT_THROW(parse_entropy_estimator("jackknife"), Error);
}

TEST(Entropy, MillerMadowIsCloserToTheTrueEntropyOfASmallSample) {
  // 3000 draws from 2000 equally likely tokens: H = ln 2000; the plug-in estimate falls short by
  // about (m − 1)/(2N) (m ≈ 1550 seen), Miller–Madow recovers most of it.
  SequentialRng rng(11, Stream::kTest, 0);
  std::vector<int32_t> tokens(3000);
  for (auto& t : tokens) t = static_cast<int32_t>(rng.below(2000));
  EntropyCountOptions options;
  options.bigrams = false;
  auto counts = count(tokens, 2000, options);
  double truth = std::log(2000.0);
  double plug_in = domain_entropy(counts, EntropyMeasure::kShannon);
  double corrected =
      domain_entropy(counts, EntropyMeasure::kShannon, EntropyEstimator::kMillerMadow);
  EXPECT_GT(truth - plug_in, 0.2);
  EXPECT_LT(std::abs(truth - corrected), (truth - plug_in) / 3)
      << "plug-in " << plug_in << " miller-madow " << corrected << " truth " << truth;
}

TEST(Entropy, ShannonCountsNoBigrams) {
  EntropyCountOptions options;
  options.bigrams = false;
  auto counts = count({0, 1, 1, 1}, 2, options);
  EXPECT_FALSE(counts.bigrams);
  EXPECT_TRUE(counts.firsts.empty());
  EXPECT_NEAR(domain_entropy(counts, EntropyMeasure::kShannon),
              -(0.25 * std::log(0.25) + 0.75 * std::log(0.75)), 1e-15);
  try {
    domain_entropy(counts, EntropyMeasure::kConditional);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "domain 'd': the conditional entropy needs bigram counts, but these counts have "
                 "unigrams only (counted with --measure shannon)");
  }
}

std::vector<int32_t> zipf_stream(size_t n, uint32_t vocab) {
  SequentialRng rng(5, Stream::kTest, 0);
  std::vector<int32_t> tokens(n);
  int32_t previous = 0;
  for (auto& t : tokens) {
    // Heavy-tailed and dependent on the previous token, so bigrams are far from independent.
    double u = rng.uniform();
    auto rank = static_cast<uint32_t>(std::pow(vocab, u)) - 1;
    t = static_cast<int32_t>((rank + (u < 0.3 ? static_cast<uint32_t>(previous) : 0)) % vocab);
    previous = t;
  }
  return tokens;
}

void expect_same_counts(const DomainCounts& a, const DomainCounts& b) {
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.windows, b.windows);
  EXPECT_EQ(a.unigrams, b.unigrams);
  EXPECT_EQ(a.firsts, b.firsts);
  ASSERT_EQ(a.bigrams->hashed(), b.bigrams->hashed());
  EXPECT_EQ(a.bigrams->sorted_entries(), b.bigrams->sorted_entries());
  for (auto m : {EntropyMeasure::kShannon, EntropyMeasure::kJoint, EntropyMeasure::kConditional}) {
    EXPECT_NEAR(domain_entropy(a, m), domain_entropy(b, m), 1e-12);
  }
}

void expect_shards_add_up(const BigramLimits& limits, bool expect_hashed) {
  auto tokens = zipf_stream(200003, 3000);
  EntropyCountOptions options;
  options.context_length = 97;
  options.limits = limits;
  auto whole = count(tokens, 3000, options);
  EXPECT_EQ(whole.bigrams->hashed(), expect_hashed);
  options.shard_count = 7;
  auto merged = empty_domain_counts("d", "h", 3000, options);
  for (uint64_t shard = 0; shard < 7; ++shard) {
    options.shard = shard;
    merged.merge(count(tokens, 3000, options));
  }
  expect_same_counts(merged, whole);
  EXPECT_EQ(whole.windows, (200003 + 96) / 97);
}

// The counts against a plain std::map count of the same windows, in both modes (speed work on
// the counting must keep every count).
void expect_counts_of_a_plain_count(const BigramLimits& limits) {
  const uint64_t vocab = 40000, length = 1000;
  auto tokens = zipf_stream(400000, vocab);
  EntropyCountOptions options;
  options.context_length = length;
  options.limits = limits;
  auto counts = count(tokens, vocab, options);
  std::map<uint64_t, uint64_t> bigrams;
  std::vector<uint64_t> unigrams(vocab), firsts(vocab);
  for (size_t start = 0; start < tokens.size(); start += length) {
    const size_t end = std::min(tokens.size(), start + length);
    for (size_t i = start; i < end; ++i) {
      ++unigrams[tokens[i]];
      if (i + 1 < end) {
        ++firsts[tokens[i]];
        ++bigrams[BigramCounts::key(tokens[i], tokens[i + 1])];
      }
    }
  }
  EXPECT_EQ(counts.unigrams, unigrams);
  EXPECT_EQ(counts.firsts, firsts);
  const bool hashed = bigrams.size() > limits.max_exact;
  ASSERT_EQ(counts.bigrams->hashed(), hashed);
  std::map<uint64_t, uint64_t> expected;
  const int shift = 64 - std::countr_zero(limits.buckets);
  for (const auto& [key, c] : bigrams) expected[hashed ? mix64(key) >> shift : key] += c;
  auto entries = counts.bigrams->sorted_entries();
  EXPECT_EQ(entries,
            (std::vector<std::pair<uint64_t, uint64_t>>(expected.begin(), expected.end())));
  double sum_c_log_c = 0, n = 0;
  for (const auto& [key, c] : expected) {
    sum_c_log_c += static_cast<double>(c) * std::log(static_cast<double>(c));
    n += static_cast<double>(c);
  }
  EXPECT_NEAR(counts.bigrams->entropy(), std::log(n) - sum_c_log_c / n, 1e-12);
  ::testing::Test::RecordProperty("distinct", std::to_string(bigrams.size()));
}

TEST(Entropy, CountsAreThoseOfAPlainCount) {
  expect_counts_of_a_plain_count({});
}

TEST(Entropy, HashedCountsAreThoseOfAPlainCount) {
  // The switch to buckets comes part-way through the stream.
  expect_counts_of_a_plain_count({50000, 1 << 16});
}

TEST(Entropy, ShardsAddUpToOnePassExactly) {
  expect_shards_add_up({}, false);
}

TEST(Entropy, HashedShardsAddUpToOnePassExactly) {
  // Few exact entries: each shard alone stays exact or not, the union is hashed either way.
  expect_shards_add_up({20000, 1 << 14}, true);
}

TEST(Entropy, HashedJointEntropyIsALowerBoundCloseToTheExactOne) {
  auto tokens = zipf_stream(300000, 3000);
  EntropyCountOptions exact, hashed;
  exact.context_length = hashed.context_length = 512;
  hashed.limits = {1000, 1 << 22};
  auto a = count(tokens, 3000, exact), b = count(tokens, 3000, hashed);
  ASSERT_FALSE(a.bigrams->hashed());
  ASSERT_TRUE(b.bigrams->hashed());
  double ha = domain_entropy(a, EntropyMeasure::kJoint),
         hb = domain_entropy(b, EntropyMeasure::kJoint);
  EXPECT_LE(hb, ha);
  // About D/(2B) nats are lost to collisions of D distinct bigrams in B buckets.
  double distinct = static_cast<double>(a.bigrams->entries());
  EXPECT_GT(hb, ha - distinct / (1 << 22));
  RecordProperty("distinct", std::to_string(distinct));
  RecordProperty("gap", std::to_string(ha - hb));
  EXPECT_EQ(domain_entropy(a, EntropyMeasure::kShannon),
            domain_entropy(b, EntropyMeasure::kShannon));
}

TEST(Entropy, ProportionsAreTheSoftmaxOfEntropies) {
  std::vector<double> h = {1.0, 2.0, 3.0};
  auto r = entropy_proportions(h);
  double z = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  EXPECT_NEAR(r[0], std::exp(1.0) / z, 1e-15);
  EXPECT_NEAR(r[2], std::exp(3.0) / z, 1e-15);
  auto large = entropy_proportions(std::vector<double>{1000, 1000});  // exp(1000) overflows
  EXPECT_DOUBLE_EQ(large[0], 0.5);
}

TEST(Entropy, RefusesBadInput) {
  EntropyCountOptions options;
  EXPECT_THROW(count({0, 5}, 3, options), Error);  // id outside the vocabulary
  options.context_length = 1;
  EXPECT_THROW(count({0, 1}, 3, options), Error);
  options.context_length = 4;
  options.shard = 2;
  options.shard_count = 2;
  EXPECT_THROW(count({0, 1}, 3, options), Error);
  EXPECT_EQ(parse_entropy_measure("joint"), EntropyMeasure::kJoint);
  try {
    parse_entropy_measure("renyi");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "unknown entropy measure 'renyi'; expected shannon, joint or conditional");
  }
  auto empty = empty_domain_counts("e", "h", 3, {});
  EXPECT_THROW(domain_entropy(empty, EntropyMeasure::kShannon), Error);
}

}  // namespace
}  // namespace cuvee
