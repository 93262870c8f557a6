// JSON values to and from plain Python objects (dict, list, str, int, float, bool, None), so
// that policy states and fit files cross into Python as containers torch.save and distributed
// checkpoints hold, with no pickled C++ object among them. Numbers keep every bit: doubles
// become Python floats, integers Python ints.
#pragma once

#include <string>

#include <pybind11/pybind11.h>
#include <nlohmann/json.hpp>

namespace cuvee::python {

pybind11::object to_python(const nlohmann::json& value);
// `what` names the value in errors ("settings", "state").
nlohmann::json from_python(const pybind11::handle& value, const std::string& what);

}  // namespace cuvee::python
