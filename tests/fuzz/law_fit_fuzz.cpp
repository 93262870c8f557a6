// A law fit file ("cuvee-law-fit/1", `cuvee law fit --out`), as `law predict`, `law eval` and
// `law optimize` read it: parsed, predicted from at its own mean proportions and at the uniform
// mixture, and written back (it must read back the same).
#include <cmath>

#include <nlohmann/json.hpp>

#include "cuvee/laws/law_fit.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = fuzz::scratch_file("fit.json", {reinterpret_cast<const char*>(data), size});
  fuzz::expect_clean("fit.json", [&] {
    LawFit fit = read_law_fit(path);
    const size_t k = fit.proportion_domains.size();
    std::vector<double> uniform(k, k > 0 ? 1.0 / static_cast<double>(k) : 0.0);
    for (const auto& point : {uniform, fit.proportion_mean}) {
      LawInput x{point, fit.step.value_or(1000), 1e8};
      for (size_t d = 0; d < fit.loss_domains.size(); ++d) fit.predict(d, x);
    }
    auto written = fit.to_json();
    auto again = LawFit::from_json(written, "again");
    fuzz::require(again.to_json() == written, "a law fit does not round-trip");
  });
  return 0;
}
