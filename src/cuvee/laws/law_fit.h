// A law fitted to every loss domain of an observation table: the per-domain parameters and
// diagnostics, saved as JSON (format "cuvee-law-fit/1", docs/laws.md), and predictions for
// the rows of any table with the same proportion domains.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cuvee/laws/fit.h"
#include "cuvee/laws/law.h"
#include "cuvee/laws/observations.h"

namespace cuvee {

struct LawFit {
  std::string law;
  std::vector<std::string> proportion_domains;
  std::vector<std::string> loss_domains;
  std::vector<std::unique_ptr<Law>> laws;  // one per loss domain
  std::vector<DomainFit> fits;             // one per loss domain
  FitOptions options;
  // BiMix only: rows where a domain's own proportion is 0 were left out of that domain's fit
  // (and its predictions there are undefined) instead of being refused.
  bool skip_zero_proportions = false;
  // For laws without a step term: the one step the rows were at.
  std::optional<double> step;
  // The mean proportions of the rows fitted: where the law has seen data (RegMix's prior).
  std::vector<double> proportion_mean;
  std::string data_path;
  std::string data_hash;
  size_t data_rows = 0;

  // The prediction of loss domain `domain` at `x`; nullopt where the law is undefined and
  // skip_zero_proportions allows it.
  std::optional<double> predict(size_t domain, const LawInput& x) const;

  nlohmann::json to_json() const;
  static LawFit from_json(const nlohmann::json& json, const std::filesystem::path& where);
};

struct TableFitOptions {
  FitOptions fit;
  bool skip_zero_proportions = false;
};

// Fits law `law` to every loss domain of `table`, refusing data the law cannot use (rows with
// zero own proportion for bimix, several steps for a law without a step term, several
// mixtures for a law without proportions, ...) with an error that says what to do.
LawFit fit_observations(std::string_view law, const ObservationTable& table,
                        const TableFitOptions& options);

// The fit file's one reader and one writer (written atomically).
LawFit read_law_fit(const std::filesystem::path& path);
void write_law_fit(const std::filesystem::path& path, const LawFit& fit);

// Predictions for every row of `table` and every one of its loss domains (rows × the table's
// loss domains, row-major); NaN where the law is undefined (see LawFit::predict). The table
// must have the fit's proportion domains, and its loss domains must be among the fit's.
std::vector<double> predict_observations(const LawFit& fit, const ObservationTable& table);

// The table as read, with every loss cell replaced by its prediction (empty where the law is
// undefined): what `cuvee law predict` writes.
CsvTable predicted_table(const LawFit& fit, const ObservationTable& table);

}  // namespace cuvee
