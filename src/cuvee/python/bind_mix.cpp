// cuvee.mix's compiled half: mixture export (mixing/mixture_export.h) and the mixtures it takes
// (a mixture file, a run's proportions). python/cuvee/mix.py is the public face.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "cuvee/core/mixture.h"
#include "cuvee/core/mixture_file.h"
#include "cuvee/mixing/mixture_export.h"
#include "cuvee/python/bindings.h"
#include "cuvee/run/run_proportions.h"

namespace py = pybind11;

namespace cuvee::python {
namespace {

py::dict to_dict(const Mixture& mixture) {
  py::dict dict;
  for (size_t i = 0; i < mixture.size(); ++i)
    dict[py::str(mixture.domains[i])] = mixture.weights[i];
  return dict;
}

Mixture from_dict(const py::dict& dict) {
  Mixture mixture;
  for (const auto& [name, weight] : dict) {
    mixture.domains.push_back(py::str(name));
    mixture.weights.push_back(weight.cast<double>());
  }
  return mixture;
}

}  // namespace

void bind_mix(py::module_& module) {
  module.def(
      "_export_mixture",
      [](const py::dict& mixture, const std::string& format,
         const std::vector<std::filesystem::path>& data) {
        return export_mixture(from_dict(mixture), parse_export_format(format),
                              data.empty() ? std::vector<ExportDomain>{} : export_domains(data));
      },
      py::arg("mixture"), py::arg("format"), py::arg("data"));
  module.def(
      "_read_mixture_file",
      [](const std::filesystem::path& path) { return to_dict(read_mixture_file(path)); },
      py::arg("path"));
  module.def(
      "_run_proportions",
      [](const std::filesystem::path& run, bool average) {
        return to_dict(
            run_proportions(run, average ? RunProportions::kAverage : RunProportions::kFinal));
      },
      py::arg("run"), py::arg("average"));
  module.def("_export_formats", &export_format_names);
}

}  // namespace cuvee::python
