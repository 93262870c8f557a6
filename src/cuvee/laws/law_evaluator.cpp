#include "cuvee/laws/law_evaluator.h"

namespace cuvee {
namespace {

class PointwiseEvaluator final : public LawEvaluator {
 public:
  PointwiseEvaluator(const Law& law, std::span<const LawInput> inputs)
      : law_(law), inputs_(inputs), parameters_(law.parameter_count()) {}

  void evaluate(std::span<const double> theta, std::span<double> predictions,
                double* jacobian) const override {
    for (size_t i = 0; i < inputs_.size(); ++i) {
      predictions[i] = jacobian != nullptr
                           ? law_.predict_with_gradient(theta, inputs_[i],
                                                        {jacobian + i * parameters_, parameters_})
                           : law_.predict(theta, inputs_[i]);
    }
  }

 private:
  const Law& law_;
  std::span<const LawInput> inputs_;
  size_t parameters_;
};

}  // namespace

std::unique_ptr<LawEvaluator> pointwise_evaluator(const Law& law,
                                                  std::span<const LawInput> inputs) {
  return std::make_unique<PointwiseEvaluator>(law, inputs);
}

std::unique_ptr<LawEvaluator> Law::evaluator(std::span<const LawInput> inputs) const {
  return pointwise_evaluator(*this, inputs);
}

}  // namespace cuvee
