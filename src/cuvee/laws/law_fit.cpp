#include "cuvee/laws/law_fit.h"

#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/json_file.h"
#include "cuvee/laws/law_factory.h"

namespace cuvee {
namespace {

constexpr const char* kFormat = "cuvee-law-fit/1";

LawContext context_for(const std::vector<std::string>& proportion_domains,
                       const std::string& loss_domain) {
  LawContext context{proportion_domains, loss_domain, std::nullopt};
  auto it = std::find(proportion_domains.begin(), proportion_domains.end(), loss_domain);
  if (it != proportion_domains.end()) {
    context.own_proportion = static_cast<size_t>(it - proportion_domains.begin());
  }
  return context;
}

std::string join_steps(const std::vector<double>& steps) {
  std::string text;
  if (steps.size() > 6) {
    return fmt::format("{} steps from {} to {}", steps.size(), format_number(steps.front()),
                       format_number(steps.back()));
  }
  for (double s : steps) text += (text.empty() ? "" : ", ") + format_number(s);
  return text;
}

// The largest step that every run of the table reached.
double common_last_step(const ObservationTable& table) {
  std::map<std::string, double> last;
  for (size_t row = 0; row < table.rows(); ++row) {
    auto [it, inserted] = last.emplace(table.runs[row], table.steps[row]);
    if (!inserted) it->second = std::max(it->second, table.steps[row]);
  }
  double common = std::numeric_limits<double>::infinity();
  for (const auto& [run, step] : last) common = std::min(common, step);
  return common;
}

void check_table_for_law(const Law& law, const ObservationTable& table) {
  const std::string file = table.csv.path.string();
  if (!law.uses_step()) {
    auto steps = table.distinct_steps();
    if (steps.size() > 1) {
      fail(
          "{}: law '{}' has no step term, but the rows are at {}; fit the rows of one step "
          "(--step {}, the last step every run reached)",
          file, law.name(), join_steps(steps), format_number(common_last_step(table)));
    }
  } else {
    for (size_t row = 0; row < table.rows(); ++row) {
      if (table.steps[row] <= 0) {
        fail("{}: law '{}' needs steps > 0 (its step term s^-beta is undefined at 0)",
             table.where(row), law.name());
      }
    }
  }
  if (!law.uses_proportions()) {
    std::set<std::vector<double>> mixtures;
    for (size_t row = 0; row < table.rows(); ++row) {
      auto p = table.proportion_row(row);
      mixtures.emplace(p.begin(), p.end());
    }
    if (mixtures.size() > 1) {
      fail(
          "{}: law '{}' ignores the proportions, but the rows have {} different mixtures; fit "
          "the rows of one mixture (cuvee law split --runs ...)",
          file, law.name(), mixtures.size());
    }
  }
  if (law.uses_model_size() && table.model_sizes.empty()) {
    fail("{}: law '{}' needs the model size of every run: add a column 'params'", file, law.name());
  }
}

nlohmann::json bound_json(double value) {
  if (std::isinf(value)) return nullptr;
  return value;
}

double bound_from_json(const nlohmann::json& json, double infinite, const std::string& where) {
  if (json.is_null()) return infinite;
  if (!json.is_number()) fail("{}: expected a number or null", where);
  return json.get<double>();
}

}  // namespace

std::optional<double> LawFit::predict(size_t domain, const LawInput& x) const {
  auto positive = laws[domain]->positive_proportion();
  if (positive && !(x.proportions[*positive] > 0)) return std::nullopt;
  return laws[domain]->predict(fits[domain].parameters, x);
}

nlohmann::json LawFit::to_json() const {
  nlohmann::json bounds = nlohmann::json::object();
  for (const auto& [name, bound] : options.bounds) {
    bounds[name] = {bound_json(bound.lower), bound_json(bound.upper)};
  }
  nlohmann::json domains = nlohmann::json::object();
  for (size_t d = 0; d < loss_domains.size(); ++d) {
    const auto& fit = fits[d];
    nlohmann::json parameters = nlohmann::json::object();
    const auto& names = laws[d]->parameter_names();
    for (size_t j = 0; j < names.size(); ++j) parameters[names[j]] = fit.parameters[j];
    domains[loss_domains[d]] = {{"parameters", parameters},
                                {"objective", fit.objective},
                                {"rmse", fit.rmse},
                                {"points", fit.points},
                                {"starts", fit.starts},
                                {"usable_starts", fit.usable_starts},
                                {"best_start", fit.best_start},
                                {"iterations", fit.iterations},
                                {"termination", fit.termination}};
  }
  return {{"format", kFormat},
          {"law", law},
          {"formula", laws.empty() ? "" : laws[0]->formula()},
          {"data",
           {{"path", data_path},
            {"xxh3", data_hash},
            {"rows", data_rows},
            {"step", step ? nlohmann::json(*step) : nlohmann::json(nullptr)}}},
          {"options",
           {{"huber", options.huber},
            {"log_loss", options.log_loss},
            {"starts", options.starts},
            {"seed", options.seed},
            {"ridge", options.ridge},
            {"max_iterations", options.max_iterations},
            {"bounds", bounds},
            {"skip_zero_proportions", skip_zero_proportions}}},
          {"proportion_domains", proportion_domains},
          {"proportion_mean", proportion_mean},
          {"loss_domains", loss_domains},
          {"domains", domains}};
}

LawFit LawFit::from_json(const nlohmann::json& json, const std::filesystem::path& where) {
  const std::string file = where.string();
  LawFit fit;
  auto format = json_field<std::string>(json, "format", where);
  if (format != kFormat) fail("{}: format '{}', expected '{}'", file, format, kFormat);
  fit.law = json_field<std::string>(json, "law", where);
  auto data = json_field<nlohmann::json>(json, "data", where);
  fit.data_path = json_field<std::string>(data, "path", where);
  fit.data_hash = json_field<std::string>(data, "xxh3", where);
  fit.data_rows = json_field<size_t>(data, "rows", where);
  if (data.contains("step") && !data["step"].is_null())
    fit.step = json_field<double>(data, "step", where);
  auto options = json_field<nlohmann::json>(json, "options", where);
  fit.options.huber = json_field<double>(options, "huber", where);
  fit.options.log_loss = json_field<bool>(options, "log_loss", where);
  fit.options.starts = json_field<size_t>(options, "starts", where);
  fit.options.seed = json_field<uint64_t>(options, "seed", where);
  fit.options.ridge = json_field<double>(options, "ridge", where);
  fit.options.max_iterations = json_field<int>(options, "max_iterations", where);
  fit.skip_zero_proportions = json_field<bool>(options, "skip_zero_proportions", where);
  auto bounds = json_field<nlohmann::json>(options, "bounds", where);
  for (const auto& [name, pair] : bounds.items()) {
    std::string field = fmt::format("{}: options.bounds.{}", file, name);
    if (!pair.is_array() || pair.size() != 2) fail("{}: expected [lower, upper]", field);
    fit.options.bounds[name] = {bound_from_json(pair[0], -HUGE_VAL, field),
                                bound_from_json(pair[1], HUGE_VAL, field)};
  }
  fit.proportion_domains = json_field<std::vector<std::string>>(json, "proportion_domains", where);
  fit.proportion_mean = json_field<std::vector<double>>(json, "proportion_mean", where);
  if (fit.proportion_mean.size() != fit.proportion_domains.size()) {
    fail("{}: proportion_mean has {} values for {} proportion domains", file,
         fit.proportion_mean.size(), fit.proportion_domains.size());
  }
  fit.loss_domains = json_field<std::vector<std::string>>(json, "loss_domains", where);
  auto domains = json_field<nlohmann::json>(json, "domains", where);
  for (const auto& domain : fit.loss_domains) {
    try {
      fit.laws.push_back(make_law(fit.law, context_for(fit.proportion_domains, domain)));
    } catch (const Error& e) {
      fail("{}: {}", file, e.what());
    }
    const Law& law = *fit.laws.back();
    if (!domains.is_object() || !domains.contains(domain)) {
      fail("{}: domains has no entry for loss domain '{}'", file, domain);
    }
    const auto& entry = domains[domain];
    std::filesystem::path field = fmt::format("{}: domains.{}", file, domain);
    auto parameters = json_field<nlohmann::json>(entry, "parameters", field);
    DomainFit domain_fit;
    for (const auto& name : law.parameter_names()) {
      double value = json_field<double>(parameters, name.c_str(), field);
      if (!std::isfinite(value)) fail("{}: parameter '{}' is not finite", field.string(), name);
      domain_fit.parameters.push_back(value);
    }
    if (parameters.size() != law.parameter_count()) {
      fail("{}: {} parameters, but law '{}' has {}", field.string(), parameters.size(), fit.law,
           law.parameter_count());
    }
    domain_fit.objective = json_field<double>(entry, "objective", field);
    domain_fit.rmse = json_field<double>(entry, "rmse", field);
    domain_fit.points = json_field<size_t>(entry, "points", field);
    domain_fit.starts = json_field<size_t>(entry, "starts", field);
    domain_fit.usable_starts = json_field<size_t>(entry, "usable_starts", field);
    domain_fit.best_start = json_field<size_t>(entry, "best_start", field);
    domain_fit.iterations = json_field<int>(entry, "iterations", field);
    domain_fit.termination = json_field<std::string>(entry, "termination", field);
    fit.fits.push_back(std::move(domain_fit));
  }
  if (fit.loss_domains.empty()) fail("{}: loss_domains is empty", file);
  return fit;
}

LawFit fit_observations(std::string_view law_name, const ObservationTable& table,
                        const TableFitOptions& options) {
  LawFit fit;
  fit.law = std::string(law_name);
  fit.proportion_domains = table.proportion_domains;
  fit.loss_domains = table.loss_domains;
  fit.options = options.fit;
  fit.skip_zero_proportions = options.skip_zero_proportions;
  fit.data_path = table.csv.path.string();
  fit.data_hash = std::filesystem::is_regular_file(table.csv.path) ? file_hash(table.csv.path) : "";
  fit.data_rows = table.rows();
  fit.proportion_mean.assign(table.proportion_domains.size(), 0.0);
  for (size_t row = 0; row < table.rows(); ++row) {
    auto p = table.proportion_row(row);
    for (size_t j = 0; j < p.size(); ++j) {
      fit.proportion_mean[j] += p[j] / static_cast<double>(table.rows());
    }
  }
  for (const auto& domain : table.loss_domains) {
    fit.laws.push_back(make_law(law_name, context_for(table.proportion_domains, domain)));
  }
  const Law& any = *fit.laws.front();
  check_table_for_law(any, table);
  if (!any.uses_step()) fit.step = table.steps.front();
  if (options.fit.log_loss && !any.positive_predictions()) {
    fail(
        "law '{}' can predict losses <= 0, which --log-loss cannot take the log of; fit it "
        "without --log-loss",
        any.name());
  }
  if (options.skip_zero_proportions && !any.positive_proportion()) {
    fail("--skip-zero-proportions applies to bimix only; law '{}' accepts zero proportions",
         any.name());
  }
  for (size_t d = 0; d < table.loss_domains.size(); ++d) {
    const Law& law = *fit.laws[d];
    auto positive = law.positive_proportion();
    FitData data;
    for (size_t row = 0; row < table.rows(); ++row) {
      if (!table.has_loss(row, d)) continue;
      LawInput x{table.proportion_row(row), table.steps[row],
                 table.model_sizes.empty() ? 0.0 : table.model_sizes[row]};
      if (positive && x.proportions[*positive] == 0) {
        if (options.skip_zero_proportions) continue;
        fail(
            "{}: run '{}' has p.{} = 0, where law '{}' ({}) is undefined; leave such rows out "
            "of each domain's fit with --skip-zero-proportions, or fit a law that accepts zero "
            "proportions (--law exponential or --law linear)",
            table.where(row), table.runs[row], table.loss_domains[d], law.name(), law.formula());
      }
      data.inputs.push_back(x);
      data.losses.push_back(table.loss(row, d));
    }
    if (data.losses.empty()) {
      fail("{}: loss.{} has no observations to fit{}", table.csv.path.string(),
           table.loss_domains[d],
           options.skip_zero_proportions ? " (every row has its proportion at 0)" : "");
    }
    fit.fits.push_back(fit_domain(law, data, options.fit, d));
  }
  return fit;
}

LawFit read_law_fit(const std::filesystem::path& path) {
  return LawFit::from_json(read_json(path), path);
}

void write_law_fit(const std::filesystem::path& path, const LawFit& fit) {
  write_json(path, fit.to_json());
}

std::vector<double> predict_observations(const LawFit& fit, const ObservationTable& table) {
  const std::string file = table.csv.path.string();
  // The table's proportion columns, in the fit's order.
  std::vector<size_t> order;
  for (const auto& domain : fit.proportion_domains) {
    auto index = table.find_proportion_domain(domain);
    if (!index) fail("{}: missing column 'p.{}', a proportion domain of the fit", file, domain);
    order.push_back(*index);
  }
  if (table.proportion_domains.size() != fit.proportion_domains.size()) {
    for (const auto& domain : table.proportion_domains) {
      if (std::find(fit.proportion_domains.begin(), fit.proportion_domains.end(), domain) ==
          fit.proportion_domains.end()) {
        fail("{}: column 'p.{}' is not a proportion domain of the fit", file, domain);
      }
    }
  }
  std::vector<size_t> domains;
  for (const auto& domain : table.loss_domains) {
    auto it = std::find(fit.loss_domains.begin(), fit.loss_domains.end(), domain);
    if (it == fit.loss_domains.end()) {
      fail("{}: column 'loss.{}' is not a loss domain of the fit (it has: {})", file, domain,
           fmt::join(fit.loss_domains, ", "));
    }
    domains.push_back(static_cast<size_t>(it - fit.loss_domains.begin()));
  }
  const Law& any = *fit.laws.front();
  if (any.uses_model_size() && table.model_sizes.empty()) {
    fail("{}: law '{}' needs the model size of every run: add a column 'params'", file, fit.law);
  }
  std::vector<double> predictions;
  predictions.reserve(table.rows() * domains.size());
  std::vector<double> proportions(order.size());
  for (size_t row = 0; row < table.rows(); ++row) {
    if (fit.step && table.steps[row] != *fit.step) {
      fail(
          "{}: law '{}' has no step term and was fitted at step {}; it cannot predict step {} "
          "(select the rows of step {} with --step)",
          table.where(row), fit.law, format_number(*fit.step), format_number(table.steps[row]),
          format_number(*fit.step));
    }
    if (any.uses_step() && table.steps[row] <= 0) {
      fail("{}: law '{}' needs steps > 0", table.where(row), fit.law);
    }
    auto row_proportions = table.proportion_row(row);
    for (size_t j = 0; j < order.size(); ++j) proportions[j] = row_proportions[order[j]];
    LawInput x{proportions, table.steps[row],
               table.model_sizes.empty() ? 0.0 : table.model_sizes[row]};
    for (size_t i = 0; i < domains.size(); ++i) {
      auto prediction = fit.predict(domains[i], x);
      if (!prediction) {
        if (!fit.skip_zero_proportions) {
          fail(
              "{}: run '{}' has p.{} = 0, where law '{}' is undefined; refit with "
              "--skip-zero-proportions to leave such cells empty, or use a law that accepts "
              "zero proportions (--law exponential or --law linear)",
              table.where(row), table.runs[row], table.loss_domains[i], fit.law);
        }
        predictions.push_back(std::numeric_limits<double>::quiet_NaN());
      } else {
        predictions.push_back(*prediction);
      }
    }
  }
  return predictions;
}

CsvTable predicted_table(const LawFit& fit, const ObservationTable& table) {
  auto predictions = predict_observations(fit, table);
  CsvTable out = table.csv;
  const size_t m = table.loss_domains.size();
  for (size_t row = 0; row < table.rows(); ++row) {
    for (size_t d = 0; d < m; ++d) {
      double value = predictions[row * m + d];
      out.rows[row][table.loss_columns[d]] = std::isnan(value) ? "" : format_number(value);
    }
  }
  return out;
}

}  // namespace cuvee
