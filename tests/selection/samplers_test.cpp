#include "cuvee/selection/samplers.h"

#include <gtest/gtest.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/selection/keep_list.h"
#include "cuvee/selection/scores.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

std::vector<uint64_t> run(SelectMethod method, const std::vector<double>& scores, uint64_t k,
                          uint64_t seed = 1) {
  SelectOptions options;
  options.method = method;
  options.keep = k;
  options.seed = seed;
  return select_documents(scores, options);
}

TEST(Samplers, DeterministicRankMethods) {
  std::vector<double> s{5, 1, 4, 2, 3};
  EXPECT_EQ(run(SelectMethod::kTopK, s, 2), (std::vector<uint64_t>{0, 2}));
  EXPECT_EQ(run(SelectMethod::kBottomK, s, 2), (std::vector<uint64_t>{1, 3}));
  // Middle band of 3 of 5: ranks 1..3 ascending are scores 2, 3, 4.
  EXPECT_EQ(run(SelectMethod::kBand, s, 3), (std::vector<uint64_t>{2, 3, 4}));
  SelectOptions threshold;
  threshold.method = SelectMethod::kThreshold;
  threshold.min = 2;
  threshold.max = 4;
  EXPECT_EQ(select_documents(s, threshold), (std::vector<uint64_t>{2, 3, 4}));
}

TEST(Samplers, RandomDrawsDependOnSeedOnly) {
  std::vector<double> s(1000, 1.0);
  auto a = run(SelectMethod::kRandom, s, 100, 1);
  EXPECT_EQ(a.size(), 100u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(a, run(SelectMethod::kRandom, s, 100, 1));
  EXPECT_NE(a, run(SelectMethod::kRandom, s, 100, 2));
}

TEST(Samplers, InverseFavoursLowScoresAndGumbelHighOnes) {
  // Half the documents score 1, half 9: inverse propensity keeps the rare (low-density) ones
  // 9× as often per document; Gumbel top-k over log-weights favours the high ones.
  std::vector<double> s(2000);
  for (size_t i = 0; i < s.size(); ++i) s[i] = i % 2 == 0 ? 1.0 : 9.0;
  auto inverse = run(SelectMethod::kInverse, s, 200);
  int low = 0;
  for (auto i : inverse) low += i % 2 == 0;
  EXPECT_GT(low, 160);
  std::vector<double> logw(2000);
  for (size_t i = 0; i < s.size(); ++i) logw[i] = i % 2 == 0 ? 0.0 : std::log(9.0);
  int high = 0;
  for (auto i : run(SelectMethod::kGumbel, logw, 200)) high += i % 2 == 1;
  EXPECT_GT(high, 160);
  EXPECT_THROW(run(SelectMethod::kInverse, {1.0, 0.0}, 1), Error);
}

TEST(Samplers, KeepCountAndNames) {
  EXPECT_EQ(keep_count(0.25, 10), 3u);
  EXPECT_THROW(keep_count(0, 10), Error);
  EXPECT_THROW(keep_count(1.5, 10), Error);
  EXPECT_EQ(parse_select_method("inverse"), SelectMethod::kInverse);
  EXPECT_THROW(parse_select_method("best"), Error);
}

TEST(ScoresAndKeepLists, RoundTripAndRejectBadLines) {
  testing::TempDir dir;
  Scores scores;
  scores.meta = {{"method", "test"}};
  scores.values = {0.5, 2, -1};
  scores.notes = {"", "yes-missing", ""};
  write_scores(dir / "s.tsv", scores);
  auto back = read_scores(dir / "s.tsv");
  EXPECT_EQ(back.meta, scores.meta);
  EXPECT_EQ(back.values, scores.values);
  EXPECT_EQ(back.notes, scores.notes);
  dir.write("gap.tsv", "# cuvee-scores/1 {}\n0\t1\n2\t1\n");
  EXPECT_THROW(read_scores(dir / "gap.tsv"), Error);
  dir.write("nohead.tsv", "0\t1\n");
  EXPECT_THROW(read_scores(dir / "nohead.tsv"), Error);

  write_keep_list(dir / "k.txt", {1, 5, 9});
  EXPECT_EQ(read_keep_list(dir / "k.txt"), (std::vector<uint64_t>{1, 5, 9}));
  dir.write("down.txt", "3\n2\n");
  EXPECT_THROW(read_keep_list(dir / "down.txt"), Error);
  dir.write("word.txt", "x\n");
  EXPECT_THROW(read_keep_list(dir / "word.txt"), Error);
}

TEST(ScoresAndKeepLists, CarryTheDocumentsIds) {
  testing::TempDir dir;
  Scores scores;
  scores.meta = {{"method", "test"}};
  scores.values = {0.5, 2};
  scores.ids = {"doc a", "17"};  // spaces are part of an id; only tabs separate
  write_scores(dir / "s.tsv", scores);
  EXPECT_EQ(read_file(dir / "s.tsv"),
            "# cuvee-scores/1 {\"ids\":true,\"method\":\"test\"}\n0\t0.5\t\tdoc a\n1\t2\t\t17\n");
  auto back = read_scores(dir / "s.tsv");
  EXPECT_EQ(back.ids, scores.ids);
  EXPECT_EQ(back.values, scores.values);
  EXPECT_TRUE(back.notes.empty());
  // Without ids, no "ids" in the header, whatever the meta said.
  back.ids.clear();
  write_scores(dir / "plain.tsv", back);
  EXPECT_EQ(read_scores(dir / "plain.tsv").meta, scores.meta);
  // A file that promises ids has them on every line.
  dir.write("short.tsv", "# cuvee-scores/1 {\"ids\":true}\n0\t1\t\ta\n1\t1\n");
  EXPECT_THROW(read_scores(dir / "short.tsv"), Error);
  scores.ids = {"one"};
  EXPECT_THROW(write_scores(dir / "mismatch.tsv", scores), Error);

  write_keep_list(dir / "k.txt", {1, 5}, {"doc a", "17"});
  EXPECT_EQ(read_file(dir / "k.txt"), "1\tdoc a\n5\t17\n");
  std::vector<std::string> ids;
  EXPECT_EQ(read_keep_list(dir / "k.txt", &ids), (std::vector<uint64_t>{1, 5}));
  EXPECT_EQ(ids, (std::vector<std::string>{"doc a", "17"}));
  EXPECT_THROW(write_keep_list(dir / "k2.txt", {1, 5}, {"a"}), Error);
}

}  // namespace
}  // namespace cuvee
