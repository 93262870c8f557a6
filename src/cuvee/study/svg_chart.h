// Charts as inline SVG text, for the study's self-contained report: line charts (loss curves),
// stacked areas (proportions over time), scatter plots (predicted against observed) and
// horizontal bars (final losses). Axes get rounded ticks; every chart carries its legend.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cuvee::study {

struct Series {
  std::string label;
  std::string color;  // CSS colour
  std::vector<std::pair<double, double>> points;
  bool dashed = false;
  // (low, high) at each point, drawn as a shaded area behind the line (line_chart only); empty:
  // none.
  std::vector<std::pair<double, double>> band;
};

struct Axes {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 640;
  int height = 360;
};

// A colour per index, from a qualitative palette that stays distinct for 10 entries.
std::string palette(size_t index);

// Text with &, <, >, " escaped for HTML and SVG.
std::string escape_html(std::string_view text);

// About `count` round tick values covering [low, high] (steps of 1, 2 or 5 × 10^k).
std::vector<double> nice_ticks(double low, double high, int count = 5);

std::string line_chart(const Axes& axes, const std::vector<Series>& series);

// Layers stacked bottom to top at the shared x values; each layer's values sum with the others
// to the chart's top (proportions: 1).
std::string stacked_area(const Axes& axes, const std::vector<double>& x,
                         const std::vector<Series>& layers);

// Points (each series one colour) with the y = x diagonal.
std::string scatter_chart(const Axes& axes, const std::vector<Series>& series);

struct Bar {
  std::string label;
  double value = 0;
  double error = 0;  // drawn as a whisker ± error when > 0
  bool highlight = false;
};

std::string bar_chart(const Axes& axes, const std::vector<Bar>& bars);

}  // namespace cuvee::study
