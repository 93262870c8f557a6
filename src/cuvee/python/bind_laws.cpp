// cuvee.laws' compiled half: fit, predict and optimise a mixing law (laws/) on an observation
// table given as a CSV path or as columns (a dict of arrays). python/cuvee/laws.py is the
// public face. Fits cross as the JSON `cuvee law fit` writes (LawFit::to_json), as Python dicts.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/laws/law_factory.h"
#include "cuvee/laws/law_fit.h"
#include "cuvee/laws/optimize.h"
#include "cuvee/python/bindings.h"
#include "cuvee/python/json_convert.h"

namespace py = pybind11;

namespace cuvee::python {
namespace {

// A table given as columns: every value written as the CSV cell the file would hold (numbers
// as their shortest round-trip decimals, NaN and None as empty cells).
CsvTable table_of_columns(const py::dict& columns) {
  CsvTable table;
  table.path = "<dict>";
  std::vector<std::vector<std::string>> cells;
  size_t rows = 0;
  for (const auto& [key, values] : columns) {
    std::string name = py::str(key);
    std::vector<std::string> column;
    for (const auto& value : py::iter(values)) {
      if (value.is_none()) {
        column.emplace_back();
      } else if (py::isinstance<py::str>(value)) {
        column.push_back(value.cast<std::string>());
      } else {
        double number = 0;
        try {
          number = value.cast<double>();
        } catch (const py::cast_error&) {
          fail("data: column '{}': {} is neither a number nor a string", name,
               std::string(py::repr(value)));
        }
        column.push_back(std::isnan(number) ? "" : format_number(number));
      }
    }
    if (!table.header.empty() && column.size() != rows) {
      fail("data: column '{}' has {} values, column '{}' {}", name, column.size(),
           table.header.front(), rows);
    }
    rows = column.size();
    table.header.push_back(name);
    cells.push_back(std::move(column));
  }
  if (table.header.empty()) fail("data: no columns");
  for (size_t r = 0; r < rows; ++r) {
    std::vector<std::string> row;
    for (const auto& column : cells) row.push_back(column[r]);
    table.rows.push_back(std::move(row));
    table.lines.push_back(r + 2);  // as if the header were line 1
  }
  return table;
}

ObservationTable observations(const py::object& data, std::optional<double> step,
                              double tolerance) {
  ObservationTable table =
      py::isinstance<py::dict>(data)
          ? parse_observations(table_of_columns(data.cast<py::dict>()), {tolerance})
          : read_observations(data.cast<std::filesystem::path>(), {tolerance});
  return step ? table.at_step(*step) : table;
}

LawFit fit_of(const py::object& fit) {
  if (py::isinstance<py::dict>(fit)) return LawFit::from_json(from_python(fit, "fit"), "<fit>");
  return read_law_fit(fit.cast<std::filesystem::path>());
}

// The columns of a table, numbers as float64 arrays and the rest as lists of strings.
py::dict columns_of(const CsvTable& table, const std::vector<size_t>& numeric) {
  py::dict out;
  for (size_t c = 0; c < table.header.size(); ++c) {
    if (std::find(numeric.begin(), numeric.end(), c) != numeric.end()) {
      py::array_t<double> values(static_cast<py::ssize_t>(table.rows.size()));
      for (size_t r = 0; r < table.rows.size(); ++r) {
        values.mutable_data()[r] = table.cell_empty(r, c) ? std::nan("") : table.number(r, c);
      }
      out[py::str(table.header[c])] = values;
    } else {
      py::list values;
      for (const auto& row : table.rows) values.append(row[c]);
      out[py::str(table.header[c])] = values;
    }
  }
  return out;
}

// values[j] for every {domain: value} of `given`; the domains must be among `names`.
std::vector<double> by_domain(const std::map<std::string, double>& given,
                              const std::vector<std::string>& names, double fallback,
                              const char* what) {
  std::vector<double> values(names.size(), fallback);
  for (const auto& [domain, value] : given) {
    auto it = std::find(names.begin(), names.end(), domain);
    if (it == names.end()) {
      fail("{}: '{}' is not a domain of the fit (its domains: {})", what, domain,
           fmt::join(names, ", "));
    }
    values[static_cast<size_t>(it - names.begin())] = value;
  }
  return values;
}

}  // namespace

void bind_laws(py::module_& module) {
  module.def(
      "_law_fit",
      [](const std::string& law, const py::object& data, std::optional<double> step, double huber,
         bool log_loss, size_t starts, uint64_t seed, double ridge,
         const std::map<std::string, std::string>& bounds, int max_iterations,
         bool skip_zero_proportions, double proportion_tolerance, int threads) {
        TableFitOptions options;
        options.fit.huber = huber;
        options.fit.log_loss = log_loss;
        options.fit.starts = starts;
        options.fit.seed = seed;
        options.fit.ridge = ridge;
        options.fit.max_iterations = max_iterations;
        options.fit.threads = threads;
        for (const auto& [name, range] : bounds) {
          options.fit.bounds.insert(parse_bound(name + "=" + range));
        }
        options.skip_zero_proportions = skip_zero_proportions;
        auto table = observations(data, step, proportion_tolerance);
        LawFit fit;
        {
          py::gil_scoped_release release;
          fit = fit_observations(law, table, options);
        }
        return to_python(fit.to_json());
      },
      py::arg("law"), py::arg("data"), py::arg("step"), py::arg("huber"), py::arg("log_loss"),
      py::arg("starts"), py::arg("seed"), py::arg("ridge"), py::arg("bounds"),
      py::arg("max_iterations"), py::arg("skip_zero_proportions"), py::arg("proportion_tolerance"),
      py::arg("threads"));

  module.def(
      "_law_predict",
      [](const py::object& fit_object, const py::object& data, std::optional<double> step,
         double proportion_tolerance) {
        LawFit fit = fit_of(fit_object);
        auto table = observations(data, step, proportion_tolerance);
        CsvTable out = predicted_table(fit, table);
        std::vector<size_t> numeric = table.proportion_columns;
        numeric.insert(numeric.end(), table.loss_columns.begin(), table.loss_columns.end());
        numeric.push_back(table.csv.column("step"));
        if (table.model_size_column) numeric.push_back(*table.model_size_column);
        return columns_of(out, numeric);
      },
      py::arg("fit"), py::arg("data"), py::arg("step"), py::arg("proportion_tolerance"));

  module.def(
      "_law_optimize",
      [](const py::object& fit_object, double step,
         const std::optional<std::map<std::string, double>>& domain_weights,
         const std::map<std::string, double>& floors, const std::map<std::string, double>& caps,
         size_t candidates, size_t top_k, const std::optional<std::map<std::string, double>>& prior,
         uint64_t seed) {
        LawFit fit = fit_of(fit_object);
        const auto& domains = fit.proportion_domains;
        OptimizeOptions options;
        options.step = step;
        if (domain_weights) {
          options.domain_weights =
              by_domain(*domain_weights, fit.loss_domains, 0.0, "domain_weights");
        }
        options.bounds.floors = by_domain(floors, domains, 0.0, "floors");
        options.bounds.caps = by_domain(caps, domains, 1.0, "caps");
        options.candidates = candidates;
        options.top_k = top_k;
        options.seed = seed;
        if (candidates > 0) {
          if (prior) {
            options.prior = by_domain(*prior, domains, 0.0, "prior");
          } else {
            // As `cuvee law optimize --search regmix` without manifests: where the proxy runs
            // were (every domain keeps a little, so Dirichlet stays defined).
            for (double p : fit.proportion_mean) options.prior.push_back(std::max(p, 1e-6));
          }
        } else if (prior) {
          fail("prior applies to the regmix search (candidates > 0) only");
        }
        OptimizedMixture result;
        {
          py::gil_scoped_release release;
          result = optimize_mixture(fit, options);
        }
        py::dict mixture, predicted;
        for (size_t j = 0; j < domains.size(); ++j)
          mixture[py::str(domains[j])] = result.proportions[j];
        for (size_t i = 0; i < fit.loss_domains.size(); ++i) {
          double p = result.predicted_losses[i];
          predicted[py::str(fit.loss_domains[i])] =
              std::isnan(p) ? py::object(py::none()) : py::object(py::float_(p));
        }
        py::dict out;
        out["mixture"] = mixture;
        out["predicted_losses"] = predicted;
        out["objective"] = result.objective;
        out["optimizer"] = result.method;
        out["iterations"] = result.iterations;
        out["accepted_candidates"] = result.accepted_candidates;
        return out;
      },
      py::arg("fit"), py::arg("step"), py::arg("domain_weights"), py::arg("floors"),
      py::arg("caps"), py::arg("candidates"), py::arg("top_k"), py::arg("prior"), py::arg("seed"));
  module.def("_law_names", &law_names);
}

}  // namespace cuvee::python
