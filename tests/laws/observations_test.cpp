#include "cuvee/laws/observations.h"

#include <cmath>

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

ObservationTable parse(const std::string& text, ObservationOptions options = {}) {
  return parse_observations(parse_csv(text, "obs.csv"), options);
}

std::string error_of(const std::string& text, ObservationOptions options = {}) {
  try {
    parse(text, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Observations, ReadsDomainsRowsAndRescalesProportions) {
  auto table = parse(
      "run,step,p.a,p.b,loss.a,loss.b,note\n"
      "r1,100,0.25,0.75,3.5,2.5,x\n"
      "r1,200,0.25,0.75,3.0,,y\n"
      "r2,100,0.5,0.5006,3.2,2.9,z\n");
  EXPECT_EQ(table.proportion_domains, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(table.loss_domains, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(table.rows(), 3u);
  EXPECT_EQ(table.runs[2], "r2");
  EXPECT_EQ(table.steps[1], 200);
  EXPECT_DOUBLE_EQ(table.proportion_row(0)[1], 0.75);
  // Within the tolerance, a row is rescaled to sum exactly 1.
  EXPECT_DOUBLE_EQ(table.proportion_row(2)[0] + table.proportion_row(2)[1], 1.0);
  EXPECT_DOUBLE_EQ(table.proportion_row(2)[0], 0.5 / 1.0006);
  EXPECT_FALSE(table.has_loss(1, 1));  // empty cell: not measured
  EXPECT_TRUE(table.has_loss(1, 0));
  EXPECT_EQ(table.loss(0, 1), 2.5);
  EXPECT_TRUE(table.model_sizes.empty());
  EXPECT_EQ(table.where(1), "obs.csv:3 (run 'r1', step 200)");
}

TEST(Observations, SelectsRowsAndSteps) {
  auto table = parse(
      "run,step,p.a,loss.a\n"
      "r1,100,1,3\n"
      "r1,200,1,2\n"
      "r2,100,1,4\n");
  auto at = table.at_step(100);
  EXPECT_EQ(at.runs, (std::vector<std::string>{"r1", "r2"}));
  EXPECT_EQ(at.csv.rows.size(), 2u);
  EXPECT_EQ(at.loss(1, 0), 4);
  EXPECT_EQ(table.distinct_steps(), (std::vector<double>{100, 200}));
  try {
    table.at_step(300);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "obs.csv: no rows at step 300; the table's steps are 100, 200");
  }
}

TEST(Observations, ProportionsThatDoNotSumToOneNameTheRow) {
  std::string text =
      "run,step,p.a,p.b,loss.a\n"
      "r1,1,0.5,0.5,3\n"
      "r2,1,0.6,0.396,3\n";
  EXPECT_EQ(error_of(text),
            "obs.csv:3: run 'r2': proportions sum to 0.996, not 1 (tolerance 0.001); if they are "
            "rounded, allow it with --proportion-tolerance");
  EXPECT_NO_THROW(parse(text, {0.01}));
}

TEST(Observations, RefusesBadCells) {
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,1,1,0\n"),
            "obs.csv:2: column 'loss.a' must be a finite loss > 0, got 0");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,1,1,-2\n"),
            "obs.csv:2: column 'loss.a' must be a finite loss > 0, got -2");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,1,1,inf\n"),
            "obs.csv:2: column 'loss.a' must be a finite loss > 0, got inf");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,1,1,nan\n"),
            "obs.csv:2: column 'loss.a' must be a finite loss > 0, got nan");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,1,1,abc\n"),
            "obs.csv:2: column 'loss.a': expected a number, got 'abc'");
  EXPECT_EQ(error_of("run,step,p.a,p.b,loss.a\nr,1,1.5,-0.5,3\n"),
            "obs.csv:2: column 'p.b' must be a proportion >= 0, got -0.5");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,-1,1,3\n"),
            "obs.csv:2: column 'step' must be a finite number >= 0, got -1");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\n,1,1,3\n"), "obs.csv:2: column 'run' is empty");
  EXPECT_EQ(error_of("run,step,p.a,loss.a,params\nr,1,1,3,0\n"),
            "obs.csv:2: column 'params' (model size) must be a finite number > 0, got 0");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,1,1,3\nr,1,1,2\n"),
            "obs.csv:3: run 'r' at step 1 already appears on line 2");
}

TEST(Observations, RefusesMissingColumns) {
  EXPECT_EQ(error_of("step,p.a,loss.a\n1,1,3\n"), "obs.csv: missing column 'run'");
  EXPECT_EQ(error_of("run,p.a,loss.a\nr,1,3\n"), "obs.csv: missing column 'step'");
  EXPECT_EQ(error_of("run,step,loss.a\nr,1,3\n"),
            "obs.csv: no proportion columns; expected 'p.<domain>' for every training domain");
  EXPECT_EQ(error_of("run,step,p.a\nr,1,1\n"),
            "obs.csv: no loss columns; expected 'loss.<domain>' for every evaluated domain");
  EXPECT_EQ(error_of("run,step,p.a,p.a,loss.a\nr,1,1,0,3\n"),
            "obs.csv: column 'p.a' appears twice");
  EXPECT_EQ(error_of("run,step,p.,loss.a\nr,1,1,3\n"), "obs.csv: column 'p.' names no domain");
  EXPECT_EQ(error_of("run,step,p.a,loss.a\n"),
            "obs.csv: no observations (the header has no rows under it)");
}

TEST(Observations, FormatsCsvBack) {
  auto table = parse("run,step,p.a,loss.a,note\nr,1,1,3,\"a, b\"\n");
  EXPECT_EQ(format_csv(table.csv), "run,step,p.a,loss.a,note\nr,1,1,3,\"a, b\"\n");
}

}  // namespace
}  // namespace cuvee
