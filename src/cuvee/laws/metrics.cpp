#include "cuvee/laws/metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Ranks 1..n, ties sharing their average rank.
std::vector<double> ranks(std::span<const double> values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    double average = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = average;
    i = j + 1;
  }
  return rank;
}

double pearson(std::span<const double> a, std::span<const double> b) {
  const double n = static_cast<double>(a.size());
  double mean_a = std::accumulate(a.begin(), a.end(), 0.0) / n;
  double mean_b = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double ab = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    ab += (a[i] - mean_a) * (b[i] - mean_b);
    aa += (a[i] - mean_a) * (a[i] - mean_a);
    bb += (b[i] - mean_b) * (b[i] - mean_b);
  }
  if (aa == 0 || bb == 0) return kNaN;
  return ab / std::sqrt(aa * bb);
}

DomainMetrics domain_metrics(std::string domain, const std::vector<double>& observed,
                             const std::vector<double>& predicted) {
  DomainMetrics m;
  m.domain = std::move(domain);
  m.points = observed.size();
  if (observed.empty()) return m;
  const double n = static_cast<double>(observed.size());
  double relative = 0, max_relative = 0, squares = 0, log_residuals = 0;
  std::vector<double> log_observed(observed.size());
  bool logs_defined = true;
  for (size_t i = 0; i < observed.size(); ++i) {
    double error = predicted[i] - observed[i];
    relative += std::abs(error) / observed[i];
    max_relative = std::max(max_relative, std::abs(error) / observed[i]);
    squares += error * error;
    log_observed[i] = std::log(observed[i]);
    if (predicted[i] > 0) {
      double r = std::log(predicted[i]) - log_observed[i];
      log_residuals += r * r;
    } else {
      logs_defined = false;  // a non-positive prediction has no log: R² on log loss undefined
    }
  }
  m.mean_relative_error = relative / n;
  m.max_relative_error = max_relative;
  m.mse = squares / n;
  if (observed.size() >= 2) {
    double mean_log = std::accumulate(log_observed.begin(), log_observed.end(), 0.0) / n;
    double total = 0;
    for (double v : log_observed) total += (v - mean_log) * (v - mean_log);
    if (total > 0 && logs_defined) m.r2_log = 1 - log_residuals / total;
    m.spearman = spearman(predicted, observed);
  }
  return m;
}

double mean_defined(const std::vector<DomainMetrics>& domains, double DomainMetrics::*field) {
  double sum = 0;
  size_t count = 0;
  for (const auto& d : domains) {
    if (std::isnan(d.*field)) continue;
    sum += d.*field;
    ++count;
  }
  return count > 0 ? sum / static_cast<double>(count) : kNaN;
}

nlohmann::json number_or_null(double value) {
  return std::isnan(value) ? nlohmann::json(nullptr) : nlohmann::json(value);
}

nlohmann::json metrics_json(const DomainMetrics& m) {
  return {{"points", m.points},
          {"mean_relative_error", number_or_null(m.mean_relative_error)},
          {"max_relative_error", number_or_null(m.max_relative_error)},
          {"mse", number_or_null(m.mse)},
          {"r2_log", number_or_null(m.r2_log)},
          {"spearman", number_or_null(m.spearman)}};
}

std::string cell(double value, const char* format) {
  return std::isnan(value) ? "-" : fmt::format(fmt::runtime(format), value);
}

}  // namespace

double spearman(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size()) fail("spearman: samples of {} and {} values", a.size(), b.size());
  if (a.size() < 2) return kNaN;
  auto rank_a = ranks(a), rank_b = ranks(b);
  return pearson(rank_a, rank_b);
}

Evaluation evaluate(const std::vector<std::string>& domains, std::span<const double> observed,
                    std::span<const double> predicted) {
  const size_t m = domains.size();
  if (observed.size() != predicted.size() || m == 0 || observed.size() % m != 0) {
    fail("evaluate: {} observations and {} predictions for {} domains", observed.size(),
         predicted.size(), m);
  }
  Evaluation evaluation;
  for (size_t d = 0; d < m; ++d) {
    std::vector<double> o, p;
    for (size_t i = d; i < observed.size(); i += m) {
      if (std::isnan(observed[i]) || std::isnan(predicted[i])) continue;
      o.push_back(observed[i]);
      p.push_back(predicted[i]);
    }
    evaluation.domains.push_back(domain_metrics(domains[d], o, p));
  }
  auto& mean = evaluation.mean;
  mean.domain = "mean";
  for (const auto& d : evaluation.domains) mean.points += d.points;
  mean.mean_relative_error = mean_defined(evaluation.domains, &DomainMetrics::mean_relative_error);
  mean.max_relative_error = mean_defined(evaluation.domains, &DomainMetrics::max_relative_error);
  mean.mse = mean_defined(evaluation.domains, &DomainMetrics::mse);
  mean.r2_log = mean_defined(evaluation.domains, &DomainMetrics::r2_log);
  mean.spearman = mean_defined(evaluation.domains, &DomainMetrics::spearman);
  return evaluation;
}

nlohmann::json evaluation_json(const Evaluation& evaluation) {
  nlohmann::json domains = nlohmann::json::object();
  for (const auto& d : evaluation.domains) domains[d.domain] = metrics_json(d);
  return {{"domains", domains}, {"mean", metrics_json(evaluation.mean)}};
}

std::string format_evaluation(const Evaluation& evaluation) {
  size_t width = 6;
  for (const auto& d : evaluation.domains) width = std::max(width, d.domain.size());
  std::string text =
      fmt::format("{:<{}}  {:>6}  {:>9}  {:>9}  {:>11}  {:>8}  {:>8}\n", "domain", width, "points",
                  "rel.err", "max.rel", "mse", "r2.log", "spearman");
  auto line = [&](const DomainMetrics& m) {
    text += fmt::format("{:<{}}  {:>6}  {:>9}  {:>9}  {:>11}  {:>8}  {:>8}\n", m.domain, width,
                        m.points, cell(100 * m.mean_relative_error, "{:.4f}%"),
                        cell(100 * m.max_relative_error, "{:.4f}%"), cell(m.mse, "{:.4e}"),
                        cell(m.r2_log, "{:.5f}"), cell(m.spearman, "{:.5f}"));
  };
  for (const auto& d : evaluation.domains) line(d);
  line(evaluation.mean);
  return text;
}

}  // namespace cuvee
