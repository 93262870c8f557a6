#include "cuvee/laws/split.h"

#include <set>

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

ObservationTable table() {
  std::string text = "run,step,p.a,loss.a\n";
  for (int run = 0; run < 7; ++run) {
    for (int step = 1; step <= 3 + run % 2; ++step)
      text += fmt::format("r{},{},1,{}\n", run, step * 100, 4 - 0.1 * step);
  }
  return parse_observations(parse_csv(text, "obs.csv"));
}

TEST(Split, LastStepsHoldsOutEachRunsLatestRows) {
  auto t = table();
  auto split = split_last_steps(t, 1);
  EXPECT_EQ(split.held.size(), 7u);
  for (size_t row : split.held)
    EXPECT_EQ(t.steps[row],
              t.runs[row] == "r1" || t.runs[row] == "r3" || t.runs[row] == "r5" ? 400 : 300);
  EXPECT_EQ(split.fit.size() + split.held.size(), t.rows());
  EXPECT_EQ(split_last_steps(t, 2).held.size(), 14u);
  try {
    split_last_steps(t, 3);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "obs.csv: run 'r0' has 3 step(s); holding out its last 3 would leave none to fit");
  }
}

TEST(Split, RunsHoldsOutWholeRuns) {
  auto t = table();
  auto split = split_runs(t, {"r2", "r5"});
  std::set<std::string> held;
  for (size_t row : split.held) held.insert(t.runs[row]);
  EXPECT_EQ(held, (std::set<std::string>{"r2", "r5"}));
  EXPECT_EQ(split.held.size(), 7u);
  EXPECT_THROW(split_runs(t, {"r9"}), Error);
  EXPECT_THROW(split_runs(t, {"r1", "r1"}), Error);
  EXPECT_THROW(split_runs(t, {"r0", "r1", "r2", "r3", "r4", "r5", "r6"}), Error);
}

TEST(Split, FoldsPartitionTheRunsDeterministically) {
  auto t = table();
  auto folds = run_folds(t, 3, 11);
  EXPECT_EQ(folds, run_folds(t, 3, 11));
  EXPECT_NE(folds, run_folds(t, 3, 12));
  std::vector<std::set<std::string>> runs(3);
  for (size_t row = 0; row < t.rows(); ++row) runs[folds[row]].insert(t.runs[row]);
  size_t total = 0;
  for (const auto& fold : runs) {
    EXPECT_GE(fold.size(), 2u);  // 7 runs dealt into 3 folds: 3, 2, 2
    total += fold.size();
  }
  EXPECT_EQ(total, 7u);
  auto split = split_fold(t, 1, 3, 11);
  for (size_t row : split.held) EXPECT_EQ(folds[row], 1u);
  for (size_t row : split.fit) EXPECT_NE(folds[row], 1u);
  EXPECT_THROW(run_folds(t, 1, 0), Error);
  EXPECT_THROW(run_folds(t, 8, 0), Error);
  EXPECT_THROW(split_fold(t, 3, 3, 0), Error);
}

}  // namespace
}  // namespace cuvee
