// A run's metrics.jsonl as the study reads it back (its curves for the report).
#include "cuvee/run/metrics.h"
#include "cuvee/run/run_folder.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto path = fuzz::scratch_file(std::string("run/") + kMetricsFile,
                                 {reinterpret_cast<const char*>(data), size});
  fuzz::expect_clean(kMetricsFile, [&] {
    RunCurves curves = read_run_metrics(path.parent_path(), 4);
    fuzz::require(curves.weights.size() <= 4 || curves.weights.empty(),
                  "more weight points than asked for");
    for (const auto& point : curves.evals) {
      fuzz::require(point.validation.size() == curves.domains.size() &&
                        point.test.size() == curves.domains.size(),
                    "an eval point of another width");
    }
  });
  return 0;
}
