#include "cuvee/laws/bimix_law.h"

#include <cmath>
#include <map>
#include <set>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"
#include "cuvee/laws/law_evaluator.h"
#include "cuvee/laws/small_nnls.h"

namespace cuvee {
namespace {

enum { kA, kAlpha, kB, kBeta, kC };

// Exponent grid of the starts: α (proportion) × β (step). With the exponents fixed the law
// is linear in A·B and A·C, which small_nnls() solves exactly.
constexpr double kAlphaGrid[] = {0.01, 0.05, 0.15, 0.4};
constexpr double kBetaGrid[] = {0.1, 0.3, 0.5, 0.75, 1.0, 1.5};

// BiMix at a table's rows: exp(−α log r) and exp(−β log s) once per distinct proportion and
// step, then each row's prediction and gradient from them with predict_with_gradient's own
// expressions (so the numbers are the same, bit for bit).
class BimixEvaluator final : public LawEvaluator {
 public:
  BimixEvaluator(std::span<const LawInput> inputs, size_t own) {
    std::map<double, uint32_t> proportions, steps;
    for (const auto& x : inputs) {
      auto index = [](std::map<double, uint32_t>& seen, std::vector<double>& logs, double v) {
        auto [it, added] = seen.emplace(v, static_cast<uint32_t>(logs.size()));
        if (added) logs.push_back(std::log(v));
        return it->second;
      };
      r_.push_back(index(proportions, log_r_, x.proportions[own]));
      s_.push_back(index(steps, log_s_, x.step));
    }
  }

  void evaluate(std::span<const double> t, std::span<double> predictions,
                double* jacobian) const override {
    // Per thread: a fit's starts run on several threads through one evaluator.
    thread_local std::vector<double> r_terms, s_terms;
    r_terms.resize(log_r_.size());
    s_terms.resize(log_s_.size());
    for (size_t u = 0; u < log_r_.size(); ++u) r_terms[u] = std::exp(-t[kAlpha] * log_r_[u]);
    for (size_t v = 0; v < log_s_.size(); ++v) s_terms[v] = std::exp(-t[kBeta] * log_s_[v]);
    for (size_t i = 0; i < r_.size(); ++i) {
      const double r_term = r_terms[r_[i]], s_term = s_terms[s_[i]];
      const double inner = t[kB] * s_term + t[kC];
      const double value = t[kA] * r_term * inner;
      predictions[i] = value;
      if (jacobian == nullptr) continue;
      double* g = jacobian + i * 5;
      g[kA] = r_term * inner;
      g[kAlpha] = -log_r_[r_[i]] * value;
      g[kB] = t[kA] * r_term * s_term;
      g[kBeta] = -t[kA] * r_term * t[kB] * s_term * log_s_[s_[i]];
      g[kC] = t[kA] * r_term;
    }
  }

 private:
  std::vector<uint32_t> r_, s_;  // per row: index of its proportion and of its step
  std::vector<double> log_r_, log_s_;
};

}  // namespace

std::unique_ptr<LawEvaluator> BimixLaw::evaluator(std::span<const LawInput> inputs) const {
  return std::make_unique<BimixEvaluator>(inputs, own_);
}

BimixLaw::BimixLaw(LawContext context) : Law(std::move(context)) {
  if (!this->context().own_proportion) {
    fail(
        "law 'bimix' predicts loss.{} from its own proportion, but the table has no column "
        "p.{}",
        this->context().loss_domain, this->context().loss_domain);
  }
  own_ = *this->context().own_proportion;
}

std::string BimixLaw::formula() const {
  return "L = A / r^alpha * (B / s^beta + C)";
}

const std::vector<std::string>& BimixLaw::parameter_names() const {
  static const std::vector<std::string> names = {"A", "alpha", "B", "beta", "C"};
  return names;
}

double BimixLaw::predict(std::span<const double> t, const LawInput& x) const {
  double r_term = std::exp(-t[kAlpha] * std::log(x.proportions[own_]));
  return t[kA] * r_term * (t[kB] * std::exp(-t[kBeta] * std::log(x.step)) + t[kC]);
}

double BimixLaw::predict_with_gradient(std::span<const double> t, const LawInput& x,
                                       std::span<double> g) const {
  // exp(−α log r) rather than pow(): the logs are needed for the gradient anyway.
  double log_r = std::log(x.proportions[own_]), log_s = std::log(x.step);
  double r_term = std::exp(-t[kAlpha] * log_r);
  double s_term = std::exp(-t[kBeta] * log_s);
  double inner = t[kB] * s_term + t[kC];
  double value = t[kA] * r_term * inner;
  g[kA] = r_term * inner;
  g[kAlpha] = -log_r * value;
  g[kB] = t[kA] * r_term * s_term;
  g[kBeta] = -t[kA] * r_term * t[kB] * s_term * log_s;
  g[kC] = t[kA] * r_term;
  return value;
}

void BimixLaw::proportion_gradient(std::span<const double> t, const LawInput& x,
                                   std::span<double> g) const {
  std::fill(g.begin(), g.end(), 0.0);
  g[own_] = -t[kAlpha] * predict(t, x) / x.proportions[own_];
}

std::vector<Bound> BimixLaw::default_bounds() const {
  // Positive scales and exponents: the loss falls with more data of the domain and more steps.
  return {{}, {0, HUGE_VAL}, {0, HUGE_VAL}, {0, HUGE_VAL}, {0, HUGE_VAL}};
}

size_t BimixLaw::default_starts() const {
  return std::size(kAlphaGrid) * std::size(kBetaGrid);
}

std::vector<double> BimixLaw::start(size_t index, const FitData& data, SequentialRng& rng) const {
  const size_t grid = default_starts();
  double alpha, beta;
  if (index < grid) {
    alpha = kAlphaGrid[index % std::size(kAlphaGrid)];
    beta = kBetaGrid[index / std::size(kAlphaGrid)];
  } else {
    alpha = 0.5 * rng.uniform();
    beta = 0.05 + 1.95 * rng.uniform();
  }
  std::vector<double> with_b(data.losses.size()), with_c(data.losses.size());
  for (size_t i = 0; i < data.losses.size(); ++i) {
    const auto& x = data.inputs[i];
    with_c[i] = std::pow(x.proportions[own_], -alpha);
    with_b[i] = with_c[i] * std::pow(x.step, -beta);
  }
  std::vector<std::vector<double>> columns = {std::move(with_b), std::move(with_c)};
  auto scales = small_nnls(columns, data.losses);
  return {1.0, alpha, scales[0], beta, scales[1]};
}

void BimixLaw::check_fit_data(const FitData& data) const {
  Law::check_fit_data(data);
  std::set<double> proportions;
  for (const auto& x : data.inputs) proportions.insert(x.proportions[own_]);
  if (proportions.size() < 2) {
    fail(
        "loss.{}: law 'bimix' needs at least 2 distinct values of p.{} to identify its "
        "exponent alpha; the observations have {}",
        context().loss_domain, context().loss_domain, proportions.size());
  }
}

}  // namespace cuvee
