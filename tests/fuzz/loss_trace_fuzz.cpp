// `cuvee policy replay`: a policy's `mixing` settings (JSON) driven by a recorded loss trace
// (CSV). The input is the settings, the part separator, then the trace. Settings that are not
// JSON stand for {"policy": "odm"}.
#include <cmath>

#include <nlohmann/json.hpp>

#include "cuvee/core/csv.h"
#include "cuvee/mixing/online_replay.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts({reinterpret_cast<const char*>(data), size}, 2);
  if (parts.size() < 2) return 0;
  nlohmann::json mixing = nlohmann::json::parse(parts[0], nullptr, false);
  if (mixing.is_discarded()) mixing = {{"policy", "odm"}};
  // A policy's worker threads are the machine's business, not the input's.
  if (mixing.is_object() && mixing.contains("threads")) mixing["threads"] = 1;
  auto trace = fuzz::scratch_file("trace.csv", parts[1]);
  auto out = trace.parent_path() / "weights.csv";
  fuzz::expect_clean("", [&] {
    replay_policy(mixing, trace, out);
    CsvTable weights = read_csv(out);
    for (size_t row = 0; row < weights.rows.size(); ++row) {
      double sum = 0;
      for (size_t c = 1; c < weights.header.size(); ++c) {
        double w = weights.number(row, c);
        fuzz::require(std::isfinite(w) && w >= 0, "a policy weight that is negative or not finite");
        sum += w;
      }
      fuzz::require(std::abs(sum - 1) < 1e-6, "policy weights that do not sum to 1");
    }
  });
  return 0;
}
