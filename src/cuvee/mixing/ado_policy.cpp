#include "cuvee/mixing/ado_policy.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>

#include "cuvee/core/error.h"
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
      first_(domains_.size(), kNever),
      series_(domains_.size()) {
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
  SavitzkyGolay check(settings_.smooth_window, 3);
}

void AdoPolicy::observe(uint64_t step, std::span<const double> mean_loss,
                        std::span<const uint64_t> count) {
  check_observation("ado", domains_, last_step_, step, mean_loss, count);
  const size_t k = domains_.size();
  const uint64_t index = seen_.size();
  uint64_t batch = 0;
  for (uint64_t c : count) batch += c;
  seen_.push_back((seen_.empty() ? 0.0 : seen_.back()) + static_cast<double>(batch));
  for (size_t i = 0; i < k; ++i) {
    if (count[i] > 0) {
      if (first_[i] == kNever) first_[i] = index;
      series_[i].push_back(mean_loss[i]);
    } else if (first_[i] != kNever) {
      series_[i].push_back(series_[i].back());
    }
    if (batch > 0) {
      double share = static_cast<double>(count[i]) / static_cast<double>(batch);
      credit_[i] = settings_.gamma1 * share + (1 - settings_.gamma1) * credit_[i];
    }
  }
  last_step_ = step;
  if (step >= settings_.start_step &&
      (last_refit_ == 0 || step >= last_refit_ + settings_.refit_every)) {
    refit();
    last_refit_ = step;
  }
  if (last_refit_ != 0) update_weights();
}

void AdoPolicy::refit() {
  auto fit_domain = [&](size_t d) {
    laws_[d] = AdoLaw{};
    if (first_[d] == kNever) return;
    const SavitzkyGolay smoother(settings_.smooth_window, 3);  // one per thread: it caches
    std::vector<double> n, loss;
    const uint64_t begin = std::max<uint64_t>(settings_.ignore_steps, first_[d]);
    size_t distinct = 0;  // n never decreases, so distinct values are the increases
    for (uint64_t j = settings_.ignore_steps; j < seen_.size(); j += kSubsample) {
      if (j < begin || seen_[j] <= 0) continue;  // n = 0 has no power law value
      double smoothed = smoother.at(series_[d], j - first_[d]);
      if (!(smoothed > 0)) continue;  // a log-space fit needs positive losses
      if (n.empty() || seen_[j] > n.back()) ++distinct;
      n.push_back(seen_[j]);
      loss.push_back(smoothed);
    }
    if (distinct < kMinPoints) return;
    auto fit = fit_step_law(n, loss);
    laws_[d] = AdoLaw{true, fit.epsilon, fit.beta, fit.alpha};
  };
  // Domains are independent, so threads change only the time, not the result.
  const size_t k = domains_.size();
  const size_t threads = std::min<size_t>(k, static_cast<size_t>(std::max(1, settings_.threads)));
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (size_t d = next++; d < k; d = next++) {
      try {
        fit_domain(d);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

void AdoPolicy::update_weights() {
  const size_t k = domains_.size();
  const double n = seen_.back();
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
  const double t = static_cast<double>(rho_count_);
  for (size_t i = 0; i < k; ++i) {
    weights_[i] = settings_.gamma2 * rho[i] + (1 - settings_.gamma2) * mean_rho_[i];
    mean_rho_[i] += (rho[i] - mean_rho_[i]) / (t + 1);
  }
  ++rho_count_;
  rho_ = std::move(rho);
}

nlohmann::json AdoPolicy::save_state() const {
  nlohmann::json laws = nlohmann::json::array();
  for (const auto& law : laws_) {
    laws.push_back(law.fitted ? nlohmann::json{law.epsilon, law.beta, law.alpha}
                              : nlohmann::json(nullptr));
  }
  nlohmann::json first = nlohmann::json::array();
  for (uint64_t f : first_)
    first.push_back(f == kNever ? nlohmann::json(nullptr) : nlohmann::json(f));
  return {{"policy", "ado"},
          {"domains", domains_},
          {"weights", weights_},
          {"credit", credit_},
          {"mean_rho", mean_rho_},
          {"rho_count", rho_count_},
          {"rho", rho_},
          {"laws", laws},
          {"seen", seen_},
          {"first", first},
          {"series", series_},
          {"last_step", last_step_},
          {"last_refit", last_refit_}};
}

void AdoPolicy::load_state(const nlohmann::json& state) {
  check_state("ado", domains_, state);
  const size_t k = domains_.size();
  auto weights = state.at("weights").get<std::vector<double>>();
  auto credit = state.at("credit").get<std::vector<double>>();
  auto mean_rho = state.at("mean_rho").get<std::vector<double>>();
  auto series = state.at("series").get<std::vector<std::vector<double>>>();
  const auto& laws = state.at("laws");
  const auto& first = state.at("first");
  if (weights.size() != k || credit.size() != k || mean_rho.size() != k || series.size() != k ||
      laws.size() != k || first.size() != k) {
    fail("mixing: the checkpoint's ado state has the wrong number of domains");
  }
  weights_ = std::move(weights);
  credit_ = std::move(credit);
  mean_rho_ = std::move(mean_rho);
  series_ = std::move(series);
  rho_count_ = state.at("rho_count").get<uint64_t>();
  rho_ = state.at("rho").get<std::vector<double>>();
  seen_ = state.at("seen").get<std::vector<double>>();
  for (size_t d = 0; d < k; ++d) {
    laws_[d] = laws[d].is_null() ? AdoLaw{}
                                 : AdoLaw{true, laws[d][0].get<double>(), laws[d][1].get<double>(),
                                          laws[d][2].get<double>()};
    first_[d] = first[d].is_null() ? kNever : first[d].get<uint64_t>();
  }
  last_step_ = state.at("last_step").get<uint64_t>();
  last_refit_ = state.at("last_refit").get<uint64_t>();
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
  settings.threads =
      static_cast<int>(params.count("threads", static_cast<uint64_t>(default_threads())));
  settings.natural = natural_weights(context.train_tokens);
  return std::make_unique<AdoPolicy>(context.domains, std::move(settings));
}

}  // namespace cuvee
