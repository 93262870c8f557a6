// The observation table that laws are fitted to (docs/laws.md, "The observation table"; its
// place among the formats is docs/formats.md): CSV, one row per evaluation of one proxy run,
//
//   run,step,p.<domain>...,loss.<domain>...[,params][,other columns]
//
// `p.` columns are the run's training proportions (each row must sum to 1 within the
// tolerance, then is rescaled to sum exactly 1), `loss.` columns its held-out losses at that
// step (finite and positive; an empty cell means not measured), `params` the model size
// (Chinchilla). Other columns are kept as they are. Errors name the file, line and column.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cuvee/core/csv.h"

namespace cuvee {

struct ObservationOptions {
  // Largest |Σ_j p_j − 1| accepted in a row. Published tables rounded to 3 decimals over many
  // domains need more (RegMix's 17 domains: up to 0.004); pass it explicitly.
  double proportion_tolerance = 1e-3;
};

struct ObservationTable {
  CsvTable csv;  // the file as read: split and predict write it back with its other columns
  std::vector<std::string> proportion_domains;
  std::vector<std::string> loss_domains;
  std::vector<size_t> proportion_columns;
  std::vector<size_t> loss_columns;
  std::optional<size_t> model_size_column;
  std::vector<std::string> runs;
  std::vector<double> steps;
  std::vector<double> model_sizes;  // empty without a `params` column
  std::vector<double> proportions;  // rows × proportion domains, row-major, rows sum to 1
  std::vector<double> losses;       // rows × loss domains, row-major; NaN where not measured

  size_t rows() const { return runs.size(); }
  std::span<const double> proportion_row(size_t row) const {
    return {proportions.data() + row * proportion_domains.size(), proportion_domains.size()};
  }
  double loss(size_t row, size_t domain) const {
    return losses[row * loss_domains.size() + domain];
  }
  bool has_loss(size_t row, size_t domain) const;
  // "file:line (run R, step S)", for messages.
  std::string where(size_t row) const;
  std::optional<size_t> find_proportion_domain(std::string_view domain) const;
  std::optional<size_t> find_loss_domain(std::string_view domain) const;
  // The table of the given rows, in that order (same columns).
  ObservationTable select(std::span<const size_t> rows) const;
  // The rows at `step`; an error naming the steps present if there are none.
  ObservationTable at_step(double step) const;
  // The distinct steps, ascending.
  std::vector<double> distinct_steps() const;
};

ObservationTable read_observations(const std::filesystem::path& path,
                                   const ObservationOptions& options = {});
ObservationTable parse_observations(CsvTable csv, const ObservationOptions& options = {});

// The CSV text of a table (header, then rows; fields quoted where needed).
std::string format_csv(const CsvTable& table);

}  // namespace cuvee
