#include "cuvee/laws/observations.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

constexpr std::string_view kProportionPrefix = "p.";
constexpr std::string_view kLossPrefix = "loss.";

}  // namespace

bool ObservationTable::has_loss(size_t row, size_t domain) const {
  return !std::isnan(loss(row, domain));
}

std::string ObservationTable::where(size_t row) const {
  return fmt::format("{} (run '{}', step {})", csv.where(row), runs[row],
                     format_number(steps[row]));
}

std::optional<size_t> ObservationTable::find_proportion_domain(std::string_view domain) const {
  auto it = std::find(proportion_domains.begin(), proportion_domains.end(), domain);
  if (it == proportion_domains.end()) return std::nullopt;
  return static_cast<size_t>(it - proportion_domains.begin());
}

std::optional<size_t> ObservationTable::find_loss_domain(std::string_view domain) const {
  auto it = std::find(loss_domains.begin(), loss_domains.end(), domain);
  if (it == loss_domains.end()) return std::nullopt;
  return static_cast<size_t>(it - loss_domains.begin());
}

ObservationTable ObservationTable::select(std::span<const size_t> rows) const {
  ObservationTable out;
  out.csv.path = csv.path;
  out.csv.header = csv.header;
  out.proportion_domains = proportion_domains;
  out.loss_domains = loss_domains;
  out.proportion_columns = proportion_columns;
  out.loss_columns = loss_columns;
  out.model_size_column = model_size_column;
  const size_t k = proportion_domains.size(), m = loss_domains.size();
  for (size_t row : rows) {
    out.csv.rows.push_back(csv.rows[row]);
    out.csv.lines.push_back(csv.lines[row]);
    out.runs.push_back(runs[row]);
    out.steps.push_back(steps[row]);
    if (!model_sizes.empty()) out.model_sizes.push_back(model_sizes[row]);
    out.proportions.insert(out.proportions.end(), proportions.begin() + row * k,
                           proportions.begin() + (row + 1) * k);
    out.losses.insert(out.losses.end(), losses.begin() + row * m, losses.begin() + (row + 1) * m);
  }
  return out;
}

std::vector<double> ObservationTable::distinct_steps() const {
  std::set<double> distinct(steps.begin(), steps.end());
  return {distinct.begin(), distinct.end()};
}

ObservationTable ObservationTable::at_step(double step) const {
  std::vector<size_t> chosen;
  for (size_t row = 0; row < rows(); ++row) {
    if (steps[row] == step) chosen.push_back(row);
  }
  if (chosen.empty()) {
    std::string present;
    for (double s : distinct_steps()) present += (present.empty() ? "" : ", ") + format_number(s);
    fail("{}: no rows at step {}; the table's steps are {}", csv.path.string(), format_number(step),
         present);
  }
  return select(chosen);
}

ObservationTable read_observations(const std::filesystem::path& path,
                                   const ObservationOptions& options) {
  return parse_observations(read_csv(path), options);
}

ObservationTable parse_observations(CsvTable csv, const ObservationOptions& options) {
  ObservationTable table;
  const std::string file = csv.path.string();
  if (!(options.proportion_tolerance >= 0) || !std::isfinite(options.proportion_tolerance)) {
    fail("proportion tolerance must be finite and >= 0, got {}", options.proportion_tolerance);
  }
  size_t run_column = csv.column("run");
  size_t step_column = csv.column("step");
  table.model_size_column = csv.find_column("params");
  std::set<std::string> seen;
  for (size_t c = 0; c < csv.header.size(); ++c) {
    const std::string& name = csv.header[c];
    if (!seen.insert(name).second) fail("{}: column '{}' appears twice", file, name);
    if (name.starts_with(kProportionPrefix)) {
      if (name.size() == kProportionPrefix.size()) fail("{}: column 'p.' names no domain", file);
      table.proportion_domains.push_back(name.substr(kProportionPrefix.size()));
      table.proportion_columns.push_back(c);
    } else if (name.starts_with(kLossPrefix)) {
      if (name.size() == kLossPrefix.size()) fail("{}: column 'loss.' names no domain", file);
      table.loss_domains.push_back(name.substr(kLossPrefix.size()));
      table.loss_columns.push_back(c);
    }
  }
  if (table.proportion_domains.empty()) {
    fail("{}: no proportion columns; expected 'p.<domain>' for every training domain", file);
  }
  if (table.loss_domains.empty()) {
    fail("{}: no loss columns; expected 'loss.<domain>' for every evaluated domain", file);
  }
  if (csv.rows.empty()) fail("{}: no observations (the header has no rows under it)", file);

  const size_t k = table.proportion_domains.size();
  std::map<std::pair<std::string, double>, size_t> first_row;
  for (size_t row = 0; row < csv.rows.size(); ++row) {
    const std::string& run = csv.rows[row][run_column];
    if (run.empty()) fail("{}: column 'run' is empty", csv.where(row));
    double step = csv.number(row, step_column);
    if (!std::isfinite(step) || step < 0) {
      fail("{}: column 'step' must be a finite number >= 0, got {}", csv.where(row),
           csv.rows[row][step_column]);
    }
    auto [it, inserted] = first_row.emplace(std::make_pair(run, step), row);
    if (!inserted) {
      fail("{}: run '{}' at step {} already appears on line {}", csv.where(row), run,
           format_number(step), csv.lines[it->second]);
    }
    table.runs.push_back(run);
    table.steps.push_back(step);
    if (table.model_size_column) {
      double size = csv.number(row, *table.model_size_column);
      if (!std::isfinite(size) || size <= 0) {
        fail("{}: column 'params' (model size) must be a finite number > 0, got {}", csv.where(row),
             csv.rows[row][*table.model_size_column]);
      }
      table.model_sizes.push_back(size);
    }
    double sum = 0;
    for (size_t j = 0; j < k; ++j) {
      double p = csv.number(row, table.proportion_columns[j]);
      if (!std::isfinite(p) || p < 0) {
        fail("{}: column 'p.{}' must be a proportion >= 0, got {}", csv.where(row),
             table.proportion_domains[j], csv.rows[row][table.proportion_columns[j]]);
      }
      table.proportions.push_back(p);
      sum += p;
    }
    if (!(std::abs(sum - 1) <= options.proportion_tolerance)) {
      fail(
          "{}: run '{}': proportions sum to {}, not 1 (tolerance {}); if they are rounded, "
          "allow it with --proportion-tolerance",
          csv.where(row), run, format_number(sum), format_number(options.proportion_tolerance));
    }
    for (size_t j = 0; j < k; ++j) table.proportions[row * k + j] /= sum;
    for (size_t j = 0; j < table.loss_domains.size(); ++j) {
      size_t column = table.loss_columns[j];
      if (csv.cell_empty(row, column)) {
        table.losses.push_back(std::numeric_limits<double>::quiet_NaN());
        continue;
      }
      double loss = csv.number(row, column);
      if (!std::isfinite(loss) || loss <= 0) {
        fail("{}: column 'loss.{}' must be a finite loss > 0, got {}", csv.where(row),
             table.loss_domains[j], csv.rows[row][column]);
      }
      table.losses.push_back(loss);
    }
  }
  table.csv = std::move(csv);
  return table;
}

std::string format_csv(const CsvTable& table) {
  std::string text;
  auto append_record = [&text](const std::vector<std::string>& record) {
    for (size_t i = 0; i < record.size(); ++i) {
      if (i > 0) text += ',';
      text += csv_field(record[i]);
    }
    text += '\n';
  };
  append_record(table.header);
  for (const auto& row : table.rows) append_record(row);
  return text;
}

}  // namespace cuvee
