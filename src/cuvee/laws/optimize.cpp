#include "cuvee/laws/optimize.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>

#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"
#include "cuvee/laws/dirichlet.h"

namespace cuvee {
namespace {

struct Objective {
  const LawFit& fit;
  std::vector<double> weights;
  double step;

  double value(std::span<const double> r) const {
    LawInput x{r, step, 0};
    double total = 0;
    for (size_t i = 0; i < fit.laws.size(); ++i) {
      if (weights[i] == 0) continue;
      total += weights[i] * fit.laws[i]->predict(fit.fits[i].parameters, x);
    }
    return total;
  }

  void gradient(std::span<const double> r, std::span<double> g) const {
    LawInput x{r, step, 0};
    std::fill(g.begin(), g.end(), 0.0);
    std::vector<double> part(r.size());
    for (size_t i = 0; i < fit.laws.size(); ++i) {
      if (weights[i] == 0) continue;
      fit.laws[i]->proportion_gradient(fit.fits[i].parameters, x, part);
      for (size_t j = 0; j < r.size(); ++j) g[j] += weights[i] * part[j];
    }
  }
};

double infinity_norm_difference(std::span<const double> a, std::span<const double> b) {
  double norm = 0;
  for (size_t j = 0; j < a.size(); ++j) norm = std::max(norm, std::abs(a[j] - b[j]));
  return norm;
}

// Minimises a BiMix objective in closed form up to the multiplier λ (see optimize.h).
std::vector<double> bimix_closed_form(const Objective& objective, const CappedSimplex& bounds,
                                      int& iterations) {
  const LawFit& fit = objective.fit;
  const size_t k = fit.proportion_domains.size();
  // drive_j = c_j·α_j·G_j and exponent 1/(1+α_j) of the domain j's own law (0: no loss
  // depends on r_j, which then stays at its floor).
  std::vector<double> drive(k, 0.0), power(k, 1.0);
  for (size_t i = 0; i < fit.laws.size(); ++i) {
    const auto& t = fit.fits[i].parameters;  // A, alpha, B, beta, C
    size_t j = *fit.laws[i]->positive_proportion();
    double g = t[0] * (t[2] * std::pow(objective.step, -t[3]) + t[4]);
    drive[j] = objective.weights[i] * t[1] * g;
    power[j] = 1 / (1 + t[1]);
  }
  auto proportions_at = [&](double log_lambda) {
    std::vector<double> r(k);
    for (size_t j = 0; j < k; ++j) {
      double free = drive[j] > 0 ? std::exp(power[j] * (std::log(drive[j]) - log_lambda)) : 0.0;
      r[j] = std::clamp(free, bounds.floors[j], bounds.caps[j]);
    }
    return r;
  };
  auto total = [](const std::vector<double>& r) {
    return std::accumulate(r.begin(), r.end(), 0.0);
  };
  // Σ r(λ) falls from Σ caps of the driven domains (λ → 0) to Σ floors (λ → ∞).
  double lo = -745, hi = 745;  // log λ over the range where exp() is finite and non-zero
  std::vector<double> r = proportions_at(lo);
  if (total(r) < 1) {
    // Every driven domain at its cap and still short of 1: the rest goes to the others, whose
    // loss does not depend on their share, as evenly as their caps allow.
    CappedSimplex rest = bounds;
    for (size_t j = 0; j < k; ++j) {
      if (drive[j] > 0) rest.floors[j] = rest.caps[j];
    }
    return rest.project(std::vector<double>(k, 0.0));
  }
  iterations = 0;
  while (hi - lo > 1e-13 * std::max(1.0, std::abs(lo)) && iterations < 2000) {
    double mid = 0.5 * (lo + hi);
    (total(proportions_at(mid)) > 1 ? lo : hi) = mid;
    ++iterations;
  }
  r = proportions_at(0.5 * (lo + hi));
  return bounds.project(r);  // absorbs the last rounding of the sum, moves nothing else
}

std::vector<double> spectral_projected_gradient(const Objective& objective,
                                                const CappedSimplex& bounds, int max_iterations,
                                                int& iterations) {
  const size_t k = objective.fit.proportion_domains.size();
  constexpr double kMinStep = 1e-12, kMaxStep = 1e12, kSufficient = 1e-4;
  constexpr size_t kMemory = 10;  // non-monotone line search over the last 10 values
  constexpr double kTolerance = 1e-12;
  std::vector<double> x = bounds.project(std::vector<double>(k, 1.0 / static_cast<double>(k)));
  std::vector<double> g(k), trial(k), g_trial(k), y(k);
  double f = objective.value(x);
  objective.gradient(x, g);
  std::deque<double> recent = {f};
  auto projected_step = [&](const std::vector<double>& from, const std::vector<double>& grad,
                            double step) {
    for (size_t j = 0; j < k; ++j) y[j] = from[j] - step * grad[j];
    return bounds.project(y);
  };
  double step = 1.0;
  {
    auto p = projected_step(x, g, 1.0);
    double norm = infinity_norm_difference(p, x);
    step = norm > 0 ? std::clamp(1 / norm, kMinStep, kMaxStep) : 1.0;
  }
  for (iterations = 0; iterations < max_iterations; ++iterations) {
    // Stationary when a unit projected-gradient step does not move x.
    if (infinity_norm_difference(projected_step(x, g, 1.0), x) < kTolerance) break;
    auto target = projected_step(x, g, step);
    std::vector<double> d(k);
    double slope = 0;
    for (size_t j = 0; j < k; ++j) {
      d[j] = target[j] - x[j];
      slope += g[j] * d[j];
    }
    double reference = *std::max_element(recent.begin(), recent.end());
    double t = 1;
    double f_trial;
    while (true) {
      for (size_t j = 0; j < k; ++j) trial[j] = x[j] + t * d[j];
      f_trial = objective.value(trial);
      if (f_trial <= reference + kSufficient * t * slope || t < 1e-20) break;
      t *= 0.5;
    }
    objective.gradient(trial, g_trial);
    double ss = 0, sy = 0;
    for (size_t j = 0; j < k; ++j) {
      double s = trial[j] - x[j];
      ss += s * s;
      sy += s * (g_trial[j] - g[j]);
    }
    step = sy > 0 ? std::clamp(ss / sy, kMinStep, kMaxStep) : kMaxStep;
    bool moved = ss > 0;
    x = trial;
    g = g_trial;
    f = f_trial;
    recent.push_back(f);
    if (recent.size() > kMemory) recent.pop_front();
    if (!moved) break;
  }
  return x;
}

// The address range of the RegMix candidates in the law stream, apart from the fit starts
// (below 2^48) and the fold shuffle (2^62).
constexpr uint64_t kCandidateAddress = uint64_t{1} << 61;

std::vector<double> regmix_top_k(const Objective& objective, const CappedSimplex& bounds,
                                 const OptimizeOptions& options, size_t& accepted) {
  const size_t k = objective.fit.proportion_domains.size();
  if (options.top_k == 0) fail("--top-k must be at least 1");
  std::vector<double> prior = options.prior;
  if (prior.empty()) prior.assign(k, 1.0 / static_cast<double>(k));
  if (prior.size() != k) fail("the prior has {} values for {} proportion domains", prior.size(), k);
  double prior_sum = 0;
  for (double p : prior) {
    if (!(p > 0) || !std::isfinite(p)) fail("prior proportions must be finite and > 0, got {}", p);
    prior_sum += p;
  }
  constexpr int kStrengths = 15;
  std::vector<std::pair<double, size_t>> scored;  // (objective, candidate)
  std::vector<std::vector<double>> kept;
  std::vector<double> concentration(k);
  for (size_t i = 0; i < options.candidates; ++i) {
    SequentialRng rng(options.seed, Stream::kLawStarts, kCandidateAddress | i);
    int level = static_cast<int>(rng.below(kStrengths));
    double strength = std::pow(10.0, -1 + std::log10(50.0) * level / (kStrengths - 1));
    for (size_t j = 0; j < k; ++j) concentration[j] = prior[j] / prior_sum * strength;
    auto candidate = sample_dirichlet(concentration, rng);
    bool inside = true;
    for (size_t j = 0; j < k && inside; ++j) {
      inside = candidate[j] >= bounds.floors[j] && candidate[j] <= bounds.caps[j];
    }
    if (!inside) continue;
    double value = objective.value(candidate);
    if (!std::isfinite(value)) continue;  // BiMix at a zero proportion
    scored.emplace_back(value, kept.size());
    kept.push_back(std::move(candidate));
  }
  accepted = kept.size();
  if (kept.empty()) {
    fail(
        "none of the {} candidate mixtures lies within the floors and caps; draw more "
        "(--candidates) or loosen the bounds",
        options.candidates);
  }
  size_t top = std::min(options.top_k, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + static_cast<ptrdiff_t>(top), scored.end());
  std::vector<double> mean(k, 0.0);
  for (size_t t = 0; t < top; ++t) {
    for (size_t j = 0; j < k; ++j) mean[j] += kept[scored[t].second][j] / static_cast<double>(top);
  }
  return mean;
}

}  // namespace

OptimizedMixture optimize_mixture(const LawFit& fit, const OptimizeOptions& options) {
  const size_t k = fit.proportion_domains.size();
  const size_t m = fit.loss_domains.size();
  const Law& any = *fit.laws.front();
  if (!any.uses_proportions()) {
    fail("law '{}' does not depend on the proportions: there is no mixture to optimise", fit.law);
  }
  if (any.uses_step() && !(options.step > 0 && std::isfinite(options.step))) {
    fail("--step must be a finite step > 0 for law '{}', got {}", fit.law,
         format_number(options.step));
  }
  std::vector<double> weights = options.domain_weights;
  if (weights.empty()) weights.assign(m, 1.0);
  if (weights.size() != m) fail("{} domain weights for {} loss domains", weights.size(), m);
  double weight_sum = 0;
  for (size_t i = 0; i < m; ++i) {
    if (!(weights[i] >= 0) || !std::isfinite(weights[i])) {
      fail("domain weight of '{}' must be finite and >= 0, got {}", fit.loss_domains[i],
           format_number(weights[i]));
    }
    weight_sum += weights[i];
  }
  if (weight_sum <= 0) fail("the domain weights are all zero: nothing to minimise");
  for (double& w : weights) w /= weight_sum;

  CappedSimplex bounds = options.bounds;
  if (bounds.floors.empty()) bounds.floors.assign(k, 0.0);
  if (bounds.caps.empty()) bounds.caps.assign(k, 1.0);
  if (bounds.floors.size() != k || bounds.caps.size() != k) {
    fail("floors and caps must be given for all {} proportion domains", k);
  }
  bounds.check(fit.proportion_domains);

  Objective objective{fit, weights, options.step};
  OptimizedMixture result;
  if (options.candidates > 0) {
    result.method = "regmix-top-k";
    result.proportions = regmix_top_k(objective, bounds, options, result.accepted_candidates);
  } else if (fit.law == "bimix") {
    result.method = "bimix-closed-form";
    result.proportions = bimix_closed_form(objective, bounds, result.iterations);
  } else {
    result.method = "spectral-projected-gradient";
    result.proportions =
        spectral_projected_gradient(objective, bounds, options.max_iterations, result.iterations);
  }
  LawInput x{result.proportions, options.step, 0};
  for (size_t i = 0; i < m; ++i) {
    // Undefined only for BiMix at r = 0, which the closed form gives a domain only when no
    // weighted loss depends on it.
    auto prediction = fit.predict(i, x);
    if (!prediction && weights[i] > 0) {
      fail(
          "the optimum puts p.{} at 0, where law '{}' is undefined; give it a floor above 0 "
          "(--floor {}=...)",
          fit.loss_domains[i], fit.law, fit.loss_domains[i]);
    }
    result.predicted_losses.push_back(prediction ? *prediction
                                                 : std::numeric_limits<double>::quiet_NaN());
    if (weights[i] > 0) result.objective += weights[i] * *prediction;
  }
  return result;
}

std::vector<double> epoch_caps(const std::vector<double>& tokens, double max_epochs,
                               double total_tokens) {
  if (!(max_epochs > 0) || !std::isfinite(max_epochs)) {
    fail("--max-epochs must be a finite number > 0, got {}", format_number(max_epochs));
  }
  if (!(total_tokens > 0) || !std::isfinite(total_tokens)) {
    fail("--total-tokens must be a finite number > 0, got {}", format_number(total_tokens));
  }
  std::vector<double> caps;
  caps.reserve(tokens.size());
  for (double t : tokens) caps.push_back(std::min(1.0, t * max_epochs / total_tokens));
  return caps;
}

}  // namespace cuvee
