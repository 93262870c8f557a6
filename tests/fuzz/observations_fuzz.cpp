// CSV tables and the observation table that laws are fitted to (`cuvee law fit --data`). The
// first byte picks --proportion-tolerance; the rest is the CSV file. Any table that parses must
// read back the same after being written (split and predict write tables back).
#include "cuvee/core/csv.h"
#include "cuvee/laws/observations.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const double tolerances[] = {1e-3, 0.01, 0.5, 1.0, 10.0, 0.0};
  ObservationOptions options;
  options.proportion_tolerance = tolerances[data[0] % 6];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto path = fuzz::scratch_file("observations.csv", text);
  fuzz::expect_clean("observations.csv", [&] {
    CsvTable csv = read_csv(path);
    CsvTable again = parse_csv(format_csv(csv), path);
    fuzz::require(again.header == csv.header && again.rows == csv.rows,
                  "a CSV table does not read back the same after being written");
    ObservationTable table = parse_observations(std::move(csv), options);
    for (size_t row = 0; row < table.rows(); ++row) {
      double sum = 0;
      for (double p : table.proportion_row(row)) {
        fuzz::require(p >= 0 && p <= 1, "a proportion outside [0, 1] after rescaling");
        sum += p;
      }
      fuzz::require(std::abs(sum - 1) < 1e-9, "proportions do not sum to 1 after rescaling");
      for (size_t d = 0; d < table.loss_domains.size(); ++d) {
        fuzz::require(!table.has_loss(row, d) || table.loss(row, d) > 0, "a loss <= 0 accepted");
      }
    }
    for (double step : table.distinct_steps()) table.at_step(step);
  });
  return 0;
}
