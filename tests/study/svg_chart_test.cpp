#include "cuvee/study/svg_chart.h"

#include <gtest/gtest.h>

namespace cuvee::study {
namespace {

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgChart, NiceTicks) {
  EXPECT_EQ(nice_ticks(0, 100), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  auto ticks = nice_ticks(4.13, 4.87);
  std::vector<double> expected = {4, 4.2, 4.4, 4.6, 4.8, 5};
  ASSERT_EQ(ticks.size(), expected.size());
  for (size_t i = 0; i < ticks.size(); ++i) EXPECT_NEAR(ticks[i], expected[i], 1e-12);
  EXPECT_EQ(nice_ticks(-0.3, 0.3, 3), (std::vector<double>{-0.4, -0.2, 0, 0.2, 0.4}));
  EXPECT_EQ(nice_ticks(3, 3), std::vector<double>{3});
}

TEST(SvgChart, EscapesText) {
  EXPECT_EQ(escape_html("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
}

TEST(SvgChart, LineChartDrawsEverySeriesWithItsLegend) {
  Axes axes{"Loss <curves>", "step", "loss"};
  auto svg = line_chart(
      axes, {{"odm", "#111", {{1, 5}, {2, 4}}}, {"uniform", "#222", {{1, 6}, {2, 5}}, true}});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_EQ(count(svg, "<path"), 2u);
  EXPECT_NE(svg.find(">odm</text>"), std::string::npos);
  EXPECT_NE(svg.find("Loss &lt;curves&gt;"), std::string::npos);
  EXPECT_NE(svg.find("stroke-dasharray"), std::string::npos);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(SvgChart, OtherCharts) {
  Axes axes{"t", "x", "y"};
  auto area = stacked_area(axes, {1, 2, 3},
                           {{"a", "#111", {{1, 0.5}, {2, 0.4}, {3, 0.2}}},
                            {"b", "#222", {{1, 0.5}, {2, 0.6}, {3, 0.8}}}});
  EXPECT_EQ(count(area, "<path"), 2u);
  auto scatter = scatter_chart(axes, {{"run", "#111", {{4, 4.1}, {5, 4.9}}}});
  EXPECT_EQ(count(scatter, "<circle"), 2u);
  auto bars = bar_chart(axes, {{"odm", 4.1, 0.05, true}, {"uniform", 4.3, 0, false}});
  EXPECT_EQ(count(bars, "<rect"), 3u);  // background and two bars
  EXPECT_NE(bars.find("4.1000"), std::string::npos);
  // Bars near 4 do not start at 0: the axis says it is cut.
  EXPECT_NE(bars.find("axis cut: starts at"), std::string::npos);
  auto from_zero = bar_chart(axes, {{"a", 0.01, 0, false}, {"b", 0.3, 0, false}});
  EXPECT_EQ(from_zero.find("axis cut"), std::string::npos);
  // Empty input still gives a valid chart.
  EXPECT_NE(line_chart(axes, {}).find("</svg>"), std::string::npos);
}

}  // namespace
}  // namespace cuvee::study
