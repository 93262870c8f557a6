#include "cuvee/study/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace cuvee::study {
namespace {

constexpr int kLeft = 64, kRight = 150, kTop = 34, kBottom = 46;

struct Frame {
  double x0, x1, y0, y1;  // data range
  int width, height;
  double px(double x) const { return kLeft + (x - x0) / (x1 - x0) * (width - kLeft - kRight); }
  double py(double y) const {
    return height - kBottom - (y - y0) / (y1 - y0) * (height - kTop - kBottom);
  }
};

std::string tick_label(double value) {
  if (value != 0 && (std::abs(value) >= 1e5 || std::abs(value) < 1e-3)) {
    return fmt::format("{:.1e}", value);
  }
  std::string text = fmt::format("{:.4f}", value);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

std::pair<double, double> padded(double low, double high) {
  if (!(high > low)) {
    double pad = std::max(std::abs(low) * 0.05, 0.5);
    return {low - pad, high + pad};
  }
  return {low, high};
}

std::string open_svg(const Axes& axes) {
  return fmt::format(
      "<svg width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} "
      "{1}\" role=\"img\" aria-label=\"{2}\" font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"#fff\"/>\n"
      "<text x=\"{3}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{2}</text>\n",
      axes.width, axes.height, escape_html(axes.title), kLeft);
}

// Grid lines, tick labels and axis titles; the frame's range is widened to its outer ticks.
std::string draw_axes(const Axes& axes, Frame& frame) {
  auto xt = nice_ticks(frame.x0, frame.x1);
  auto yt = nice_ticks(frame.y0, frame.y1);
  frame.x0 = std::min(frame.x0, xt.front());
  frame.x1 = std::max(frame.x1, xt.back());
  frame.y0 = std::min(frame.y0, yt.front());
  frame.y1 = std::max(frame.y1, yt.back());
  std::string svg;
  for (double y : yt) {
    svg += fmt::format(
        "<line x1=\"{0}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#e3e3e3\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\" fill=\"#444\">{5}</text>\n",
        kLeft, frame.px(frame.x1), frame.py(y), kLeft - 6, frame.py(y) + 4, tick_label(y));
  }
  for (double x : xt) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2:.1f}\" stroke=\"#e3e3e3\"/>"
        "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" fill=\"#444\">{4}</text>\n",
        frame.px(x), kTop, frame.py(frame.y0), frame.py(frame.y0) + 16, tick_label(x));
  }
  svg += fmt::format(
      "<line x1=\"{0}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#444\"/>"
      "<line x1=\"{0}\" x2=\"{0}\" y1=\"{3}\" y2=\"{2:.1f}\" stroke=\"#444\"/>\n",
      kLeft, frame.px(frame.x1), frame.py(frame.y0), kTop);
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n",
                     (kLeft + frame.px(frame.x1)) / 2, frame.height - 8, escape_html(axes.x_label));
  svg += fmt::format(
      "<text transform=\"translate(16 {:.1f}) rotate(-90)\" text-anchor=\"middle\" "
      "fill=\"#222\">{}</text>\n",
      (kTop + frame.py(frame.y0)) / 2, escape_html(axes.y_label));
  return svg;
}

std::string legend(const Axes& axes, const std::vector<Series>& series, bool boxes) {
  std::string svg;
  double x = axes.width - kRight + 14;
  for (size_t i = 0; i < series.size(); ++i) {
    double y = kTop + 8 + 18 * static_cast<double>(i);
    if (boxes) {
      svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"10\" fill=\"{}\"/>",
                         x, y - 9, series[i].color);
    } else {
      svg += fmt::format(
          "<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
          "stroke-width=\"3\"{4}/>",
          x, x + 14, y - 4, series[i].color, series[i].dashed ? " stroke-dasharray=\"4 3\"" : "");
    }
    svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", x + 20, y,
                       escape_html(series[i].label));
  }
  return svg;
}

void extend(Frame& frame, const std::vector<Series>& series) {
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      frame.x0 = std::min(frame.x0, x);
      frame.x1 = std::max(frame.x1, x);
      frame.y0 = std::min(frame.y0, y);
      frame.y1 = std::max(frame.y1, y);
    }
    for (const auto& [low, high] : s.band) {
      if (std::isfinite(low)) frame.y0 = std::min(frame.y0, low);
      if (std::isfinite(high)) frame.y1 = std::max(frame.y1, high);
    }
  }
}

Frame empty_frame(const Axes& axes) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return Frame{inf, -inf, inf, -inf, axes.width, axes.height};
}

void settle(Frame& frame) {
  if (!std::isfinite(frame.x0)) frame.x0 = 0, frame.x1 = 1, frame.y0 = 0, frame.y1 = 1;
  std::tie(frame.x0, frame.x1) = padded(frame.x0, frame.x1);
  std::tie(frame.y0, frame.y1) = padded(frame.y0, frame.y1);
}

}  // namespace

std::string palette(size_t index) {
  static const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                 "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
  return colors[index % 10];
}

std::string escape_html(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double low, double high, int count) {
  if (!(high > low)) return {low};
  double raw = (high - low) / std::max(count, 1);
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (auto k = static_cast<int64_t>(std::floor(low / step));; ++k) {
    double t = static_cast<double>(k) * step;
    ticks.push_back(k == 0 ? 0.0 : t);
    if (t >= high - step * 1e-9) break;
  }
  return ticks;
}

std::string line_chart(const Axes& axes, const std::vector<Series>& series) {
  Frame frame = empty_frame(axes);
  extend(frame, series);
  settle(frame);
  std::string svg = open_svg(axes);
  svg += draw_axes(axes, frame);
  for (const auto& s : series) {
    if (s.band.size() != s.points.size() || s.band.empty()) continue;
    std::string area;
    for (size_t i = 0; i < s.points.size(); ++i) {
      area += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : " L", frame.px(s.points[i].first),
                          frame.py(s.band[i].second));
    }
    for (size_t i = s.points.size(); i-- > 0;) {
      area +=
          fmt::format(" L{:.1f},{:.1f}", frame.px(s.points[i].first), frame.py(s.band[i].first));
    }
    svg += fmt::format("<path class=\"band\" d=\"{} Z\" fill=\"{}\" fill-opacity=\"0.15\"/>\n",
                       area, s.color);
  }
  for (const auto& s : series) {
    std::string path;
    for (const auto& [x, y] : s.points) {
      path += fmt::format("{}{:.1f},{:.1f}", path.empty() ? "M" : " L", frame.px(x), frame.py(y));
    }
    svg += fmt::format("<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"{}/>\n", path,
                       s.color, s.dashed ? " stroke-dasharray=\"6 4\"" : "");
  }
  svg += legend(axes, series, false);
  return svg + "</svg>\n";
}

std::string stacked_area(const Axes& axes, const std::vector<double>& x,
                         const std::vector<Series>& layers) {
  Frame frame = empty_frame(axes);
  for (double v : x) frame.x0 = std::min(frame.x0, v), frame.x1 = std::max(frame.x1, v);
  frame.y0 = 0;
  frame.y1 = 1;
  settle(frame);
  std::string svg = open_svg(axes);
  std::vector<double> base(x.size(), 0);
  std::string areas;
  for (const auto& layer : layers) {
    std::vector<double> top = base;
    for (size_t i = 0; i < x.size() && i < layer.points.size(); ++i)
      top[i] += layer.points[i].second;
    std::string path;
    for (size_t i = 0; i < x.size(); ++i) {
      path += fmt::format("{}{:.1f},{:.1f}", i == 0 ? "M" : " L", frame.px(x[i]), frame.py(top[i]));
    }
    for (size_t i = x.size(); i-- > 0;) {
      path += fmt::format(" L{:.1f},{:.1f}", frame.px(x[i]), frame.py(base[i]));
    }
    areas +=
        fmt::format("<path d=\"{} Z\" fill=\"{}\" fill-opacity=\"0.85\"/>\n", path, layer.color);
    base = std::move(top);
  }
  svg += areas;
  svg += draw_axes(axes, frame);
  std::vector<Series> reversed(layers.rbegin(), layers.rend());  // legend top to bottom
  svg += legend(axes, reversed, true);
  return svg + "</svg>\n";
}

std::string scatter_chart(const Axes& axes, const std::vector<Series>& series) {
  Frame frame = empty_frame(axes);
  extend(frame, series);
  frame.x0 = frame.y0 = std::min(frame.x0, frame.y0);
  frame.x1 = frame.y1 = std::max(frame.x1, frame.y1);
  settle(frame);
  std::string svg = open_svg(axes);
  svg += draw_axes(axes, frame);
  double lo = std::max(frame.x0, frame.y0), hi = std::min(frame.x1, frame.y1);
  svg += fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#888\" "
      "stroke-dasharray=\"5 4\"/>\n",
      frame.px(lo), frame.py(lo), frame.px(hi), frame.py(hi));
  for (const auto& s : series) {
    for (const auto& [x, y] : s.points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      svg += fmt::format(
          "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\" "
          "fill-opacity=\"0.8\"/>",
          frame.px(x), frame.py(y), s.color);
    }
    svg += "\n";
  }
  svg += legend(axes, series, true);
  return svg + "</svg>\n";
}

std::string bar_chart(const Axes& axes, const std::vector<Bar>& bars) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const auto& bar : bars) {
    low = std::min(low, bar.value - bar.error);
    high = std::max(high, bar.value + bar.error);
  }
  if (bars.empty()) low = 0, high = 1;
  double pad = std::max((high - low) * 0.15, 1e-3);
  Frame frame{low - pad, high + pad / 3, 0, 1, axes.width, axes.height};
  auto ticks = nice_ticks(frame.x0, frame.x1);
  frame.x0 = ticks.front();
  frame.x1 = std::max(frame.x1, ticks.back());
  constexpr int label_width = 110;
  auto px = [&](double v) {
    return label_width + (v - frame.x0) / (frame.x1 - frame.x0) * (axes.width - label_width - 30);
  };
  std::string svg = open_svg(axes);
  double row = (axes.height - kTop - kBottom) / std::max<double>(1, bars.size());
  for (double t : ticks) {
    svg += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#e3e3e3\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" fill=\"#444\">{4}</text>\n",
        px(t), kTop, axes.height - kBottom, axes.height - kBottom + 16, tick_label(t));
  }
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& bar = bars[i];
    double y = kTop + row * static_cast<double>(i) + row * 0.15;
    double h = row * 0.7;
    svg += fmt::format(
        "<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\"{}>{}</text>"
        "<rect x=\"{}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"#222\">{:.4f}</text>\n",
        label_width - 8, y + h / 2 + 4, bar.highlight ? " font-weight=\"bold\"" : "",
        escape_html(bar.label), label_width, y, std::max(0.0, px(bar.value) - label_width), h,
        bar.highlight ? "#2ca02c" : "#7aa6c2", px(bar.value + bar.error) + 4, y + h / 2 + 4,
        bar.value);
    if (bar.error > 0) {
      svg += fmt::format(
          "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#222\" "
          "stroke-width=\"1.5\"/>\n",
          px(bar.value - bar.error), px(bar.value + bar.error), y + h / 2, y + h / 2);
    }
  }
  // Bars that start above 0 exaggerate differences; the axis says it is cut, at its start.
  std::string x_label = axes.x_label;
  if (frame.x0 > 0) {
    x_label += fmt::format(" (axis cut: starts at {}, not 0)", tick_label(frame.x0));
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#c00\" "
        "font-weight=\"bold\">//</text>\n",
        label_width, axes.height - kBottom + 4);
  }
  svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" fill=\"#222\">{}</text>\n",
                     (label_width + axes.width - 30) / 2.0, axes.height - 8, escape_html(x_label));
  return svg + "</svg>\n";
}

}  // namespace cuvee::study
