#include "cuvee/mixing/ado_policy.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cuvee/core/crash_point.h"
#include "cuvee/core/error.h"
#include "cuvee/core/parallel.h"
#include "cuvee/core/threads.h"
#include "cuvee/mixing/ado_fit.h"
#include "cuvee/mixing/online_check.h"
#include "cuvee/mixing/savitzky_golay.h"
#include "cuvee/mixing/static_policies.h"

namespace cuvee {
namespace {

constexpr uint64_t kSubsample = 10;  // keep every 10th step of the history, as the code
constexpr size_t kMinPoints = 4;     // fewer subsampled points leave a domain without a law
constexpr double kAlphaFloor = 0.05;
constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

void check_unit(const char* key, double value) {
  if (!(value >= 0 && value <= 1))
    fail("mixing.{}: ado expects a number in [0, 1], got {}", key, value);
}

}  // namespace

AdoPolicy::AdoPolicy(std::vector<std::string> domains, AdoSettings settings)
    : domains_(std::move(domains)),
      settings_(std::move(settings)),
      weights_(settings_.natural),
      credit_(settings_.natural),
      mean_rho_(settings_.natural),
      laws_(domains_.size()),
      history_{{},
               std::vector<uint64_t>(domains_.size(), kNever),
               std::vector<std::vector<double>>(domains_.size())} {
  if (domains_.size() < 2) fail("ado: needs at least 2 domains, got {}", domains_.size());
  if (settings_.natural.size() != domains_.size()) {
    fail("ado: {} natural proportions for {} domains", settings_.natural.size(), domains_.size());
  }
  check_unit("gamma1", settings_.gamma1);
  check_unit("gamma2", settings_.gamma2);
  if (!(settings_.min_prob >= 0 && settings_.min_prob * static_cast<double>(domains_.size()) < 1)) {
    fail("mixing.min_prob: ado expects 0 <= min_prob < 1/K = {}, got {}",
         1.0 / static_cast<double>(domains_.size()), settings_.min_prob);
  }
  if (!(settings_.s >= 0) || !std::isfinite(settings_.s)) {
    fail("mixing.s: ado expects a finite s >= 0, got {}", settings_.s);
  }
  if (settings_.refit_every == 0) fail("mixing.refit_every: ado expects refit_every >= 1");
  if (settings_.refit_lag >= settings_.refit_every) {
    fail(
        "mixing.refit_lag: ado expects refit_lag < refit_every = {} (one refit in flight at a "
        "time), got {}",
        settings_.refit_every, settings_.refit_lag);
  }
  SavitzkyGolay check(settings_.smooth_window, 3);
}

AdoHistory AdoHistory::prefix(size_t steps) const {
  AdoHistory out;
  out.seen.assign(seen.begin(), seen.begin() + static_cast<ptrdiff_t>(steps));
  out.first = first;
  out.series.resize(series.size());
  for (size_t d = 0; d < series.size(); ++d) {
    if (first[d] >= steps) {
      out.first[d] = kNever;
      continue;
    }
    out.series[d].assign(series[d].begin(),
                         series[d].begin() + static_cast<ptrdiff_t>(steps - first[d]));
  }
  return out;
}

std::vector<AdoLaw> fit_ado_laws(const AdoHistory& history, const AdoSettings& settings) {
  const size_t k = history.first.size();
  std::vector<AdoLaw> laws(k);
  auto fit_domain = [&](uint64_t d) {
    if (history.first[d] == kNever) return;
    const SavitzkyGolay smoother(settings.smooth_window, 3);  // one per thread: it caches
    const auto& seen = history.seen;
    std::vector<double> n, loss;
    const uint64_t begin = std::max<uint64_t>(settings.ignore_steps, history.first[d]);
    size_t distinct = 0;  // n never decreases, so distinct values are the increases
    for (uint64_t j = settings.ignore_steps; j < seen.size(); j += kSubsample) {
      if (j < begin || seen[j] <= 0) continue;  // n = 0 has no power law value
      double smoothed = smoother.at(history.series[d], j - history.first[d]);
      if (!(smoothed > 0)) continue;  // a log-space fit needs positive losses
      if (n.empty() || seen[j] > n.back()) ++distinct;
      n.push_back(seen[j]);
      loss.push_back(smoothed);
    }
    if (distinct < kMinPoints) return;
    StepLawFitOptions options;
    options.min_log_epsilon = settings.min_log_epsilon;
    auto fit = fit_step_law(n, loss, options);
    laws[d] = AdoLaw{true, fit.epsilon, fit.beta, fit.alpha};
  };
  // Domains are independent, so threads change only the time, not the result.
  parallel_for(k, settings.threads, 1, fit_domain);
  return laws;
}

void AdoPolicy::observe(uint64_t step, std::span<const double> mean_loss,
                        std::span<const uint64_t> count) {
  check_observation("ado", domains_, last_step_, step, mean_loss, count);
  const size_t k = domains_.size();
  auto& seen = history_.seen;
  const uint64_t index = seen.size();
  uint64_t batch = 0;
  for (uint64_t c : count) batch += c;
  seen.push_back((seen.empty() ? 0.0 : seen.back()) + static_cast<double>(batch));
  for (size_t i = 0; i < k; ++i) {
    auto& series = history_.series[i];
    if (count[i] > 0) {
      if (history_.first[i] == kNever) history_.first[i] = index;
      series.push_back(mean_loss[i]);
    } else if (history_.first[i] != kNever) {
      series.push_back(series.back());
    }
    if (batch > 0) {
      double share = static_cast<double>(count[i]) / static_cast<double>(batch);
      credit_[i] = settings_.gamma1 * share + (1 - settings_.gamma1) * credit_[i];
    }
  }
  last_step_ = step;
  if (pending_.valid() && step >= last_refit_ + settings_.refit_lag) finish_refit();
  // The released code refits after its 0-based iteration itr = step − 1 when itr >= start_step
  // and itr is a multiple of the refit interval.
  if (step - 1 >= settings_.start_step && (step - 1) % settings_.refit_every == 0) {
    start_refit(step, seen.size());
    crash_point();  // a kill with a refit in flight (docs/reliability.md)
    if (settings_.refit_lag == 0) finish_refit();
  }
  if (have_laws_) update_weights(step);
}

void AdoPolicy::start_refit(uint64_t step, size_t history_steps) {
  last_refit_ = step;
  pending_steps_ = history_steps;
  // The copy is the refit's own, so the history can grow while it runs.
  pending_ =
      std::async(std::launch::async, fit_ado_laws, history_.prefix(history_steps), settings_);
}

void AdoPolicy::finish_refit() {
  laws_ = pending_.get();  // waits if the refit is not done; rethrows its error
  have_laws_ = true;
}

void AdoPolicy::refit() {
  laws_ = fit_ado_laws(history_, settings_);
  have_laws_ = true;
}

void AdoPolicy::use_laws(std::vector<AdoLaw> laws) {
  if (laws.size() != domains_.size()) {
    fail("ado: {} laws for {} domains", laws.size(), domains_.size());
  }
  laws_ = std::move(laws);
  have_laws_ = true;
}

void AdoPolicy::update_weights(uint64_t step) {
  const size_t k = domains_.size();
  const double n = history_.seen.back();
  std::vector<double> rho(k, 0.0);
  double total = 0;
  for (size_t i = 0; i < k; ++i) {
    const AdoLaw& law = laws_[i];
    if (!law.fitted || n <= 0) continue;
    // −dL̂/dn = α·β·n^(−α)/n, with α floored as in the released code.
    double forecast = std::max(law.alpha, kAlphaFloor) * law.beta * std::pow(n, -law.alpha) / n;
    rho[i] = settings_.natural[i] * std::pow(credit_[i], settings_.s) * forecast;
    total += rho[i];
  }
  if (!(total > 0)) {
    rho = settings_.natural;
    total = 1;
  }
  double clipped = 0;
  for (double& r : rho) {
    r = std::max(r / total, settings_.min_prob);
    clipped += r;
  }
  for (double& r : rho) r /= clipped;
  // The running mean counts training steps, as the released code's p_avg counts iterations
  // (1/(itr + 1), itr = step − 1): μ, its first value, keeps a weight of about (first ρ's
  // step)/step.
  const double t = static_cast<double>(step);
  for (size_t i = 0; i < k; ++i) {
    weights_[i] = settings_.gamma2 * rho[i] + (1 - settings_.gamma2) * mean_rho_[i];
    mean_rho_[i] = (1 - 1 / t) * mean_rho_[i] + rho[i] / t;
  }
  rho_ = std::move(rho);
}

nlohmann::json AdoPolicy::save_state() const {
  nlohmann::json laws = nlohmann::json::array();
  for (const auto& law : laws_) {
    laws.push_back(law.fitted ? nlohmann::json{law.epsilon, law.beta, law.alpha}
                              : nlohmann::json(nullptr));
  }
  nlohmann::json first = nlohmann::json::array();
  for (uint64_t f : history_.first)
    first.push_back(f == kNever ? nlohmann::json(nullptr) : nlohmann::json(f));
  // A refit in flight is saved as the history length it started from: the restored policy
  // starts it again on the same prefix.
  return {{"policy", "ado"},
          {"domains", domains_},
          {"weights", weights_},
          {"credit", credit_},
          {"mean_rho", mean_rho_},
          {"rho", rho_},
          {"laws", laws},
          {"have_laws", have_laws_},
          {"seen", history_.seen},
          {"first", first},
          {"series", history_.series},
          {"last_step", last_step_},
          {"last_refit", last_refit_},
          {"pending_steps",
           pending_.valid() ? nlohmann::json(pending_steps_) : nlohmann::json(nullptr)}};
}

void AdoPolicy::load_state(const nlohmann::json& state) {
  check_state("ado", domains_, state);
  const size_t k = domains_.size();
  auto weights = state.at("weights").get<std::vector<double>>();
  auto credit = state.at("credit").get<std::vector<double>>();
  auto mean_rho = state.at("mean_rho").get<std::vector<double>>();
  auto series = state.at("series").get<std::vector<std::vector<double>>>();
  auto seen = state.at("seen").get<std::vector<double>>();
  const auto& laws = state.at("laws");
  const auto& first = state.at("first");
  const auto& pending = state.at("pending_steps");
  if (weights.size() != k || credit.size() != k || mean_rho.size() != k || series.size() != k ||
      laws.size() != k || first.size() != k) {
    fail("mixing: the checkpoint's ado state has the wrong number of domains");
  }
  std::vector<uint64_t> first_index(k);
  for (size_t d = 0; d < k; ++d) {
    first_index[d] = first[d].is_null() ? kNever : first[d].get<uint64_t>();
    bool observed = first_index[d] != kNever;
    if (observed ? first_index[d] >= seen.size() || series[d].size() != seen.size() - first_index[d]
                 : !series[d].empty()) {
      fail(
          "mixing: the checkpoint's ado state holds {} losses of domain '{}', which its "
          "{}-step history does not allow",
          series[d].size(), domains_[d], seen.size());
    }
  }
  if (!pending.is_null() && pending.get<uint64_t>() > seen.size()) {
    fail("mixing: the checkpoint's ado state has a refit of {} steps of a {}-step history",
         pending.get<uint64_t>(), seen.size());
  }
  pending_ = {};  // a refit in flight is waited for: an async future's destructor joins it
  weights_ = std::move(weights);
  credit_ = std::move(credit);
  mean_rho_ = std::move(mean_rho);
  history_ = AdoHistory{std::move(seen), std::move(first_index), std::move(series)};
  rho_ = state.at("rho").get<std::vector<double>>();
  for (size_t d = 0; d < k; ++d) {
    laws_[d] = laws[d].is_null() ? AdoLaw{}
                                 : AdoLaw{true, laws[d][0].get<double>(), laws[d][1].get<double>(),
                                          laws[d][2].get<double>()};
  }
  have_laws_ = state.at("have_laws").get<bool>();
  last_step_ = state.at("last_step").get<uint64_t>();
  last_refit_ = state.at("last_refit").get<uint64_t>();
  if (!pending.is_null()) start_refit(last_refit_, pending.get<uint64_t>());
}

std::unique_ptr<Policy> make_ado_policy(PolicyParams& params, const PolicyContext& context) {
  AdoSettings settings;
  settings.gamma1 = params.number("gamma1", settings.gamma1);
  settings.gamma2 = params.number("gamma2", settings.gamma2);
  settings.s = params.number("s", settings.s);
  settings.min_prob = params.number("min_prob", settings.min_prob);
  settings.refit_every = params.count("refit_every", settings.refit_every);
  settings.start_step = params.count("start_step", settings.start_step);
  settings.ignore_steps = params.count("ignore_steps", settings.ignore_steps);
  settings.smooth_window = params.count("smooth_window", settings.smooth_window);
  settings.min_log_epsilon = params.number("min_log_epsilon", settings.min_log_epsilon);
  settings.refit_lag = params.count(
      "refit_lag", std::min<uint64_t>(10, settings.refit_every > 0 ? settings.refit_every - 1 : 0));
  settings.threads =
      static_cast<int>(params.count("threads", static_cast<uint64_t>(default_threads())));
  settings.natural = natural_weights(context.train_tokens);
  return std::make_unique<AdoPolicy>(context.domains, std::move(settings));
}

}  // namespace cuvee
