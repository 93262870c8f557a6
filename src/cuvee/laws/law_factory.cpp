#include "cuvee/laws/law_factory.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cuvee/core/error.h"
#include "cuvee/laws/bimix_law.h"
#include "cuvee/laws/chinchilla_law.h"
#include "cuvee/laws/exponential_law.h"
#include "cuvee/laws/linear_law.h"
#include "cuvee/laws/step_law.h"

namespace cuvee {

const std::vector<std::string>& law_names() {
  static const std::vector<std::string> names = {"bimix", "exponential", "step", "chinchilla",
                                                 "linear"};
  return names;
}

std::unique_ptr<Law> make_law(std::string_view name, const LawContext& context) {
  if (name == "bimix") return std::make_unique<BimixLaw>(context);
  if (name == "exponential") return std::make_unique<ExponentialLaw>(context);
  if (name == "step") return std::make_unique<StepLaw>(context);
  if (name == "chinchilla") return std::make_unique<ChinchillaLaw>(context);
  if (name == "linear") return std::make_unique<LinearLaw>(context);
  fail("unknown law '{}'; expected one of: {}", name, fmt::join(law_names(), ", "));
}

}  // namespace cuvee
