// A law evaluated at a fixed set of inputs, all at once: what a fit does at every iteration.
// Law::evaluator() gives one; the default calls predict / predict_with_gradient point by point,
// and a law whose terms repeat across rows overrides it to compute each distinct term once
// (BiMix: a table has a few distinct proportions and steps, so its exp() terms are a few dozen
// per evaluation instead of two per row). Every override gives the same numbers, bit for bit,
// as the point-by-point evaluation.
#pragma once

#include <memory>
#include <span>

#include "cuvee/laws/law.h"

namespace cuvee {

class LawEvaluator {
 public:
  virtual ~LawEvaluator() = default;
  // predictions[i] = L(θ; inputs[i]) for every input; with `jacobian` not null, also its row i
  // (parameter_count() entries, row-major) = ∂L/∂θ at inputs[i].
  virtual void evaluate(std::span<const double> theta, std::span<double> predictions,
                        double* jacobian) const = 0;
};

// The point-by-point evaluation (what Law::evaluator() returns unless a law overrides it).
std::unique_ptr<LawEvaluator> pointwise_evaluator(const Law& law, std::span<const LawInput> inputs);

}  // namespace cuvee
