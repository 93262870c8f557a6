// A mixing law: one domain's held-out loss as a function of the training proportions r (a
// point on the simplex over the table's proportion domains), the training step s and, for
// Chinchilla, the model size N. Each loss domain gets its own instance and parameter vector
// θ; the Law knows how to evaluate L(θ; r, s, N), its gradients in θ (for fitting) and in r
// (for choosing proportions), the parameter bounds, and good deterministic starting points.
//
// Laws (docs/laws.md): bimix, exponential, step, chinchilla, linear; law_factory.h builds them
// by name.
#pragma once

#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cuvee {

class SequentialRng;
class LawEvaluator;

// Where a law is evaluated: one row of an observation table.
struct LawInput {
  std::span<const double> proportions;  // over the proportion domains, summing to 1
  double step = 0;
  double model_size = 0;  // parameters N; used by chinchilla only
};

struct Bound {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

// The points one domain's law is fitted to.
struct FitData {
  std::vector<LawInput> inputs;
  std::vector<double> losses;
};

// What a law is built for: the table's proportion domains and the loss domain it predicts.
struct LawContext {
  std::vector<std::string> proportion_domains;
  std::string loss_domain;
  // Index of loss_domain among proportion_domains, if it is one of them.
  std::optional<size_t> own_proportion;
};

class Law {
 public:
  explicit Law(LawContext context) : context_(std::move(context)) {}
  virtual ~Law() = default;

  const LawContext& context() const { return context_; }

  virtual std::string_view name() const = 0;
  // The law written out, for fit files and messages.
  virtual std::string formula() const = 0;
  // Names of θ's entries, in order.
  virtual const std::vector<std::string>& parameter_names() const = 0;
  size_t parameter_count() const { return parameter_names().size(); }

  virtual double predict(std::span<const double> theta, const LawInput& x) const = 0;
  // L and ∂L/∂θ (gradient.size() == parameter_count()).
  virtual double predict_with_gradient(std::span<const double> theta, const LawInput& x,
                                       std::span<double> gradient) const = 0;
  // ∂L/∂r_j for every proportion domain j (gradient.size() == proportions.size()).
  virtual void proportion_gradient(std::span<const double> theta, const LawInput& x,
                                   std::span<double> gradient) const = 0;
  // predict / predict_with_gradient at every one of `inputs` at once (law_evaluator.h); the
  // inputs must outlive the evaluator.
  virtual std::unique_ptr<LawEvaluator> evaluator(std::span<const LawInput> inputs) const;

  virtual bool uses_proportions() const = 0;
  virtual bool uses_step() const = 0;
  virtual bool uses_model_size() const { return false; }
  // Whether every prediction is positive, as log-space fitting (--log-loss) needs.
  virtual bool positive_predictions() const { return true; }

  // Entries of θ that are not fitted but fixed by a gauge (their start value is kept).
  virtual std::vector<int> fixed_parameters() const { return {}; }
  // Entries of θ penalised by a ridge term (linear law).
  virtual std::vector<int> penalised_parameters() const { return {}; }
  virtual std::vector<Bound> default_bounds() const = 0;
  // Rewrites θ into its canonical gauge after fitting (predictions unchanged).
  virtual void canonicalise(std::span<double> theta) const {}

  // Default number of starts of the multi-start fit: the law's grid of starting points.
  virtual size_t default_starts() const = 0;
  // The index-th starting point: the law's grid first, then random draws from `rng` (a
  // generator addressed by the start, so a start does not depend on the others).
  virtual std::vector<double> start(size_t index, const FitData& data,
                                    SequentialRng& rng) const = 0;
  // The proportion that must be positive in every row the law is fitted to or predicts
  // (bimix: the domain's own; its law is undefined at r = 0).
  virtual std::optional<size_t> positive_proportion() const { return std::nullopt; }
  // Refuses data the law cannot be fitted to (fewer points than free parameters, too few
  // distinct steps or proportions to identify the exponents), naming what is missing.
  virtual void check_fit_data(const FitData& data) const;
  size_t free_parameter_count() const { return parameter_count() - fixed_parameters().size(); }

 private:
  LawContext context_;
};

}  // namespace cuvee
