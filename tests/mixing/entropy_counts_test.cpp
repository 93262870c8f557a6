// Entropy counts files and their merging, from domains on disk.
#include "cuvee/mixing/entropy_counts.h"

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/temp_dir.h"
#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/corpus/domain_writer.h"
#include "cuvee/mixing/entropy.h"

namespace cuvee {
namespace {

// A tokenised domain as `cuvee import` leaves it, with the given train documents.
void write_domain(const std::filesystem::path& dir, const std::string& name,
                  const std::vector<std::vector<int32_t>>& documents) {
  DomainManifest manifest;
  manifest.name = name;
  manifest.tokenizer = {"bytes", "", "", 257, 256};
  manifest.dtype = "uint16";
  DomainWriter out(dir / name, DType::kUInt16);
  for (const auto& d : documents) out.add(Split::kTrain, d);
  out.add(Split::kValidation, std::vector<int32_t>{1, 2, 256});
  out.add(Split::kTest, std::vector<int32_t>{1, 2, 256});
  out.commit(manifest);
}

std::vector<std::vector<int32_t>> documents(int seed, size_t count) {
  std::vector<std::vector<int32_t>> docs;
  for (size_t d = 0; d < count; ++d) {
    std::vector<int32_t> doc;
    for (size_t i = 0; i < 50 + (d * 7 + seed) % 40; ++i) {
      doc.push_back(static_cast<int32_t>((i * i * (seed + 3) + d) % (seed == 0 ? 20 : 200)));
    }
    doc.push_back(256);
    docs.push_back(doc);
  }
  return docs;
}

class EntropyCountsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    write_domain(dir.path() / "data", "narrow", documents(0, 40));
    write_domain(dir.path() / "data", "wide", documents(1, 40));
    std::vector<std::filesystem::path> paths = {dir.path() / "data"};
    domains = open_domains(paths);
  }
  EntropyCounts shard(uint64_t i, uint64_t n) {
    EntropyCountOptions options;
    options.context_length = 64;
    options.shard = i;
    options.shard_count = n;
    return count_domains(domains, options);
  }
  testing::TempDir dir;
  std::vector<std::unique_ptr<Domain>> domains;
};

TEST_F(EntropyCountsFiles, RoundTripAndMergeToTheUnshardedMixture) {
  auto whole = shard(0, 1);
  ASSERT_EQ(whole.domains.size(), 2u);
  EXPECT_EQ(whole.domains[0].name, "narrow");
  EXPECT_EQ(whole.vocab_size, 257u);
  // The wider vocabulary has the higher unigram entropy, so the larger share.
  auto shannon = entropy_mixture(whole, EntropyMeasure::kShannon);
  EXPECT_GT(shannon.proportions[1], shannon.proportions[0]);
  auto expected = entropy_mixture(whole, EntropyMeasure::kConditional);

  for (uint64_t i = 0; i < 3; ++i) write_entropy_counts(dir / fmt::format("s{}", i), shard(i, 3));
  auto merged = read_entropy_counts(dir / "s2");
  EXPECT_FALSE(merged.complete());
  merged.merge(read_entropy_counts(dir / "s0"), "s0");
  merged.merge(read_entropy_counts(dir / "s1"), "s1");
  EXPECT_TRUE(merged.complete());
  auto mixture = entropy_mixture(merged, EntropyMeasure::kConditional);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(merged.domains[i].unigrams, whole.domains[i].unigrams);
    EXPECT_EQ(merged.domains[i].bigrams->sorted_entries(),
              whole.domains[i].bigrams->sorted_entries());
    EXPECT_NEAR(mixture.proportions[i], expected.proportions[i], 1e-12);
  }
  auto json = entropy_mixture_file(mixture, merged).to_json();
  EXPECT_EQ(json["method"], "entropy");
  EXPECT_EQ(json["measure"], "conditional");
  EXPECT_EQ(json["estimator"], "plug-in");
  auto corrected =
      entropy_mixture(merged, EntropyMeasure::kConditional, EntropyEstimator::kMillerMadow);
  EXPECT_EQ(entropy_mixture_file(corrected, merged).to_json()["estimator"], "miller-madow");
  EXPECT_GT(corrected.entropies[1], mixture.entropies[1]);
  EXPECT_NEAR(json["mixture"]["wide"].get<double>(), mixture.proportions[1], 1e-15);

  // Written and read back, the merged counts are the same.
  write_entropy_counts(dir / "merged", merged);
  auto back = read_entropy_counts(dir / "merged");
  EXPECT_EQ(back.shards, merged.shards);
  EXPECT_EQ(back.domains[1].firsts, merged.domains[1].firsts);
  EXPECT_EQ(back.domains[1].bigrams->sorted_entries(), merged.domains[1].bigrams->sorted_entries());
}

TEST_F(EntropyCountsFiles, RefusesToMergeWhatDoesNotAddUp) {
  auto a = shard(0, 2);
  auto error_of = [&](EntropyCounts base, const EntropyCounts& other) {
    try {
      base.merge(other, "other");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error_of(a, shard(0, 2)),
            "other: shard 0/2 is already in the counts merged so far; merging it twice would "
            "count its tokens twice");
  EXPECT_EQ(error_of(a, shard(1, 3)),
            "other: the shard count is 3, but the counts merged so far have 2; only counts of "
            "the same data and settings merge");
  auto other = shard(1, 2);
  other.context_length = 128;
  EXPECT_EQ(error_of(a, other),
            "other: the context length is 128, but the counts merged so far have 64; only counts "
            "of the same data and settings merge");
  other = shard(1, 2);
  other.domains[1].train_hash = "0000000000000000";
  EXPECT_NE(error_of(a, other).find("the train data of 'wide'"), std::string::npos);
  other = shard(1, 2);
  other.domains.pop_back();
  EXPECT_NE(error_of(a, other).find("the domains is narrow"), std::string::npos);
  try {
    entropy_mixture(a, EntropyMeasure::kShannon);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "the counts hold 1 of 2 shards (missing: 1); merge every shard before computing "
                 "the mixture");
  }
}

TEST_F(EntropyCountsFiles, RefusesDamagedFiles) {
  write_entropy_counts(dir / "c", shard(0, 1));
  auto bytes = read_file(dir / "c");
  auto damaged = bytes;
  damaged[damaged.size() / 2] ^= 0x40;
  dir.write("damaged", damaged);
  EXPECT_THROW(read_entropy_counts(dir / "damaged"), Error);
  dir.write("truncated", bytes.substr(0, bytes.size() - 100));
  EXPECT_THROW(read_entropy_counts(dir / "truncated"), Error);
  dir.write("other", "run,step\n");
  try {
    read_entropy_counts(dir / "other");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(
        std::string(e.what()),
        (dir / "other").string() + ": not an entropy counts file (from cuvee mix entropy --shard)");
  }
}

}  // namespace
}  // namespace cuvee
