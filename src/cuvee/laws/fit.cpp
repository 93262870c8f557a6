#include "cuvee/laws/fit.h"

#include <atomic>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include <ceres/ceres.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"
#include "cuvee/core/threads.h"
#include "cuvee/laws/law_evaluator.h"

namespace cuvee {
namespace {

// Residuals pred − obs (or log pred − log obs) of a run of observations, with the law's
// Jacobian. A robust loss applies to a whole residual block, so with Huber every observation
// is a block of its own; without, one block holds them all (far less overhead per point).
class LawResiduals final : public ceres::CostFunction {
 public:
  LawResiduals(const Law& law, std::span<const LawInput> inputs, std::span<const double> observed,
               bool log_loss)
      : evaluator_(law.evaluator(inputs)),
        observed_(observed),
        log_loss_(log_loss),
        parameters_(law.parameter_count()) {
    set_num_residuals(static_cast<int>(inputs.size()));
    mutable_parameter_block_sizes()->push_back(static_cast<int32_t>(parameters_));
  }

  bool Evaluate(double const* const* parameters, double* residuals,
                double** jacobians) const override {
    const size_t p = parameters_, n = observed_.size();
    double* jacobian = jacobians != nullptr ? jacobians[0] : nullptr;
    // The predictions land in `residuals` and become residuals in place.
    evaluator_->evaluate({parameters[0], p}, {residuals, n}, jacobian);
    for (size_t i = 0; i < n; ++i) {
      double* row = jacobian != nullptr ? jacobian + i * p : nullptr;
      const double prediction = residuals[i];
      if (!std::isfinite(prediction)) return false;
      if (log_loss_) {
        if (prediction <= 0) return false;
        residuals[i] = std::log(prediction) - std::log(observed_[i]);
        if (row != nullptr) {
          for (size_t j = 0; j < p; ++j) row[j] /= prediction;
        }
      } else {
        residuals[i] = prediction - observed_[i];
      }
      if (row != nullptr) {
        for (size_t j = 0; j < p; ++j) {
          if (!std::isfinite(row[j])) return false;
        }
      }
    }
    return true;
  }

 private:
  std::unique_ptr<LawEvaluator> evaluator_;
  std::span<const double> observed_;
  bool log_loss_;
  size_t parameters_;
};

// sqrt(λ)·θ_j for every penalised j: adds λ/2·‖θ_penalised‖² to the cost.
class RidgeResidual final : public ceres::CostFunction {
 public:
  RidgeResidual(size_t parameters, std::vector<int> penalised, double lambda)
      : parameters_(parameters), penalised_(std::move(penalised)), scale_(std::sqrt(lambda)) {
    set_num_residuals(static_cast<int>(penalised_.size()));
    mutable_parameter_block_sizes()->push_back(static_cast<int32_t>(parameters));
  }

  bool Evaluate(double const* const* parameters, double* residuals,
                double** jacobians) const override {
    for (size_t i = 0; i < penalised_.size(); ++i) {
      residuals[i] = scale_ * parameters[0][penalised_[i]];
    }
    if (jacobians != nullptr && jacobians[0] != nullptr) {
      std::fill(jacobians[0], jacobians[0] + penalised_.size() * parameters_, 0.0);
      for (size_t i = 0; i < penalised_.size(); ++i) {
        jacobians[0][i * parameters_ + penalised_[i]] = scale_;
      }
    }
    return true;
  }

 private:
  size_t parameters_;
  std::vector<int> penalised_;
  double scale_;
};

struct StartResult {
  std::vector<double> parameters;
  double cost = std::numeric_limits<double>::infinity();
  int iterations = 0;
  std::string termination;
};

std::vector<Bound> resolve_bounds(const Law& law, const FitOptions& options) {
  auto bounds = law.default_bounds();
  const auto& names = law.parameter_names();
  for (const auto& [name, bound] : options.bounds) {
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      fail("bound on '{}': law '{}' has no such parameter (its parameters: {})", name, law.name(),
           fmt::join(names, ", "));
    }
    if (!(bound.lower <= bound.upper)) {
      fail("bound on '{}': lower {} is above upper {}", name, bound.lower, bound.upper);
    }
    bounds[static_cast<size_t>(it - names.begin())] = bound;
  }
  return bounds;
}

double parse_bound_value(std::string_view text, double unbounded, std::string_view spec) {
  if (text.empty()) return unbounded;
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || std::isnan(value)) {
    fail("bound '{}': '{}' is not a number", spec, text);
  }
  return value;
}

}  // namespace

std::pair<std::string, Bound> parse_bound(std::string_view spec) {
  size_t eq = spec.find('=');
  size_t colon = spec.find(':', eq == std::string_view::npos ? 0 : eq);
  if (eq == std::string_view::npos || eq == 0 || colon == std::string_view::npos) {
    fail("bound '{}': expected name=lower:upper (a side may be empty), e.g. alpha=0:0.8", spec);
  }
  std::string_view lower = spec.substr(eq + 1, colon - eq - 1);
  std::string_view upper = spec.substr(colon + 1);
  return {std::string(spec.substr(0, eq)), Bound{parse_bound_value(lower, -HUGE_VAL, spec),
                                                 parse_bound_value(upper, HUGE_VAL, spec)}};
}

DomainFit fit_domain(const Law& law, const FitData& data, const FitOptions& options,
                     uint64_t stream) {
  law.check_fit_data(data);
  if (options.huber < 0 || !std::isfinite(options.huber)) {
    fail("--huber must be a finite delta >= 0 (0: plain least squares), got {}", options.huber);
  }
  if (options.ridge < 0 || !std::isfinite(options.ridge)) {
    fail("--ridge must be finite and >= 0, got {}", options.ridge);
  }
  const auto penalised = law.penalised_parameters();
  if (!penalised.empty() && options.ridge == 0) {
    fail(
        "law '{}' needs --ridge > 0: proportions sum to 1, so without the penalty its intercept "
        "and weights are not identifiable",
        law.name());
  }
  const auto bounds = resolve_bounds(law, options);
  const auto fixed = law.fixed_parameters();
  const size_t p = law.parameter_count();
  const size_t n = data.losses.size();
  const size_t starts = options.starts > 0 ? options.starts : law.default_starts();

  std::vector<std::unique_ptr<ceres::CostFunction>> residuals;
  std::span<const LawInput> inputs(data.inputs);
  std::span<const double> losses(data.losses);
  const size_t block = options.huber > 0 ? 1 : n;
  for (size_t i = 0; i < n; i += block) {
    residuals.push_back(std::make_unique<LawResiduals>(law, inputs.subspan(i, block),
                                                       losses.subspan(i, block), options.log_loss));
  }
  std::unique_ptr<ceres::CostFunction> ridge;
  if (!penalised.empty()) ridge = std::make_unique<RidgeResidual>(p, penalised, options.ridge);
  std::unique_ptr<ceres::LossFunction> huber;
  if (options.huber > 0) huber = std::make_unique<ceres::HuberLoss>(options.huber);
  std::unique_ptr<ceres::Manifold> subset;
  if (!fixed.empty()) subset = std::make_unique<ceres::SubsetManifold>(static_cast<int>(p), fixed);

  ceres::Solver::Options solver;
  solver.minimizer_type = ceres::TRUST_REGION;
  solver.trust_region_strategy_type = ceres::LEVENBERG_MARQUARDT;
  solver.linear_solver_type = ceres::DENSE_QR;
  solver.max_num_iterations = options.max_iterations;
  solver.function_tolerance = 1e-12;
  solver.parameter_tolerance = 1e-12;
  solver.gradient_tolerance = 1e-14;
  solver.num_threads = 1;
  solver.logging_type = ceres::SILENT;

  auto run_start = [&](size_t index) {
    SequentialRng rng(options.seed, Stream::kLawStarts, (stream << 32) | index);
    StartResult result;
    result.parameters = law.start(index, data, rng);
    for (size_t j = 0; j < p; ++j) {
      result.parameters[j] = std::clamp(result.parameters[j], bounds[j].lower, bounds[j].upper);
    }
    ceres::Problem::Options problem_options;
    problem_options.cost_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
    problem_options.loss_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
    problem_options.manifold_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
    ceres::Problem problem(problem_options);
    double* theta = result.parameters.data();
    for (const auto& residual : residuals)
      problem.AddResidualBlock(residual.get(), huber.get(), theta);
    if (ridge) problem.AddResidualBlock(ridge.get(), nullptr, theta);
    if (subset) problem.SetManifold(theta, subset.get());
    for (size_t j = 0; j < p; ++j) {
      if (std::isfinite(bounds[j].lower))
        problem.SetParameterLowerBound(theta, static_cast<int>(j), bounds[j].lower);
      if (std::isfinite(bounds[j].upper))
        problem.SetParameterUpperBound(theta, static_cast<int>(j), bounds[j].upper);
    }
    ceres::Solver::Summary summary;
    ceres::Solve(solver, &problem, &summary);
    double cost = 0;
    if (problem.Evaluate(ceres::Problem::EvaluateOptions(), &cost, nullptr, nullptr, nullptr) &&
        std::isfinite(cost)) {
      result.cost = cost;
    }
    result.iterations = static_cast<int>(summary.iterations.size());
    result.termination = ceres::TerminationTypeToString(summary.termination_type);
    return result;
  };

  std::vector<StartResult> results(starts);
  std::atomic<size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto worker = [&] {
    for (size_t index = next++; index < starts; index = next++) {
      try {
        results[index] = run_start(index);
      } catch (...) {
        std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    }
  };
  int threads = options.threads > 0 ? options.threads : default_threads();
  threads = static_cast<int>(std::min<size_t>(static_cast<size_t>(std::max(threads, 1)), starts));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);

  DomainFit fit;
  fit.points = n;
  fit.starts = starts;
  size_t best = starts;
  for (size_t i = 0; i < starts; ++i) {
    if (!std::isfinite(results[i].cost)) continue;
    ++fit.usable_starts;
    if (best == starts || results[i].cost < results[best].cost) best = i;
  }
  if (best == starts) {
    fail("loss.{}: none of the {} starts of law '{}' reached a finite objective{}",
         law.context().loss_domain, starts, law.name(),
         options.log_loss ? " (with --log-loss every prediction must stay positive)" : "");
  }
  fit.best_start = best;
  fit.parameters = results[best].parameters;
  fit.objective = results[best].cost / static_cast<double>(n);
  fit.iterations = results[best].iterations;
  fit.termination = results[best].termination;
  double squares = 0;
  for (size_t i = 0; i < n; ++i) {
    double prediction = law.predict(fit.parameters, data.inputs[i]);
    double r = options.log_loss ? std::log(prediction) - std::log(data.losses[i])
                                : prediction - data.losses[i];
    squares += r * r;
  }
  fit.rmse = std::sqrt(squares / static_cast<double>(n));
  law.canonicalise(fit.parameters);
  return fit;
}

}  // namespace cuvee
