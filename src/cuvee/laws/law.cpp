#include "cuvee/laws/law.h"

#include <set>

#include <fmt/format.h>

#include "cuvee/core/error.h"

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

}  // namespace cuvee
