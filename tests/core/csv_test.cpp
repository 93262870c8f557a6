#include "cuvee/core/csv.h"

#include <gtest/gtest.h>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

TEST(Csv, ParsesQuotedFieldsAndEmptyCells) {
  auto table = parse_csv("a,b,c\n1,\"x,y\",\n\"he said \"\"hi\"\"\",2,3\r\n", "t.csv");
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.rows[0][1], "x,y");
  EXPECT_TRUE(table.cell_empty(0, 2));
  EXPECT_EQ(table.rows[1][0], "he said \"hi\"");
  EXPECT_EQ(table.number(1, 2), 3.0);
  EXPECT_EQ(table.lines[1], 3u);
}

TEST(Csv, RaggedRowNamesFileAndLine) {
  try {
    parse_csv("a,b\n1,2\n3\n", "obs.csv");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "obs.csv:3: expected 2 fields as in the header, found 1");
  }
}

TEST(Csv, BadNumberNamesLineAndColumn) {
  auto table = parse_csv("step,loss\n1,abc\n", "obs.csv");
  try {
    table.number(0, 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "obs.csv:2: column 'loss': expected a number, got 'abc'");
  }
  EXPECT_THROW(table.column("nope"), Error);
}

TEST(Csv, NumbersRoundTrip) {
  for (double x : {0.1, 1.0 / 3, 1e-300, 123456789.125}) {
    auto table = parse_csv("x\n" + format_number(x) + "\n", "t.csv");
    EXPECT_EQ(table.number(0, 0), x);
  }
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("plain"), "plain");
}

TEST(Csv, EmptyFileIsAnError) {
  EXPECT_THROW(parse_csv("", "e.csv"), Error);
}

}  // namespace
}  // namespace cuvee
