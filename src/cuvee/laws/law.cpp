#include "cuvee/laws/law.h"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cuvee/core/error.h"
#include "cuvee/laws/bimix_law.h"
#include "cuvee/laws/chinchilla_law.h"
#include "cuvee/laws/exponential_law.h"
#include "cuvee/laws/linear_law.h"
#include "cuvee/laws/step_law.h"

namespace cuvee {

void Law::check_fit_data(const FitData& data) const {
  size_t free = free_parameter_count();
  if (data.losses.size() < free) {
    fail("loss.{}: law '{}' has {} free parameters but only {} observations; give at least {}",
         context().loss_domain, name(), free, data.losses.size(), free);
  }
  if (uses_step()) {
    std::set<double> steps;
    for (const auto& x : data.inputs) steps.insert(x.step);
    // Three distinct steps identify a power law's scale, exponent and floor.
    if (steps.size() < 3) {
      fail(
          "loss.{}: law '{}' models the step but the observations have {} distinct step(s); "
          "give at least 3",
          context().loss_domain, name(), steps.size());
    }
  }
}

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
