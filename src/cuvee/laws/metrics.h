// How well predictions match observed losses, per loss domain and averaged over domains: the
// BiMix paper's mean relative error and R² on log loss, the mean squared error, and RegMix's
// Spearman rank correlation.
#pragma once

#include <limits>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace cuvee {

struct DomainMetrics {
  std::string domain;
  size_t points = 0;
  double mean_relative_error = std::numeric_limits<double>::quiet_NaN();  // mean |p − o| / o
  double max_relative_error = std::numeric_limits<double>::quiet_NaN();
  double mse = std::numeric_limits<double>::quiet_NaN();  // mean (p − o)²
  // 1 − Σ(log p − log o)² / Σ(log o − mean log o)²; NaN with fewer than 2 points or none of
  // the observations differing.
  double r2_log = std::numeric_limits<double>::quiet_NaN();
  // Spearman's ρ between predictions and observations (ties get their average rank); NaN as
  // for r2_log.
  double spearman = std::numeric_limits<double>::quiet_NaN();
};

struct Evaluation {
  std::vector<DomainMetrics> domains;
  // Each metric averaged over the domains where it is defined; points is the total.
  DomainMetrics mean;
};

// `observed` and `predicted` are rows × domains.size(), row-major; cells where either is NaN
// (not measured, or the law undefined there) are left out.
Evaluation evaluate(const std::vector<std::string>& domains, std::span<const double> observed,
                    std::span<const double> predicted);

// Spearman's rank correlation of two equally long samples (NaN if either is constant).
double spearman(std::span<const double> a, std::span<const double> b);

nlohmann::json evaluation_json(const Evaluation& evaluation);
// A fixed-width table, one line per domain and a final "mean" line.
std::string format_evaluation(const Evaluation& evaluation);

}  // namespace cuvee
