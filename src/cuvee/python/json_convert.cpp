#include "cuvee/python/json_convert.h"

#include <cstdint>

#include "cuvee/core/error.h"

namespace py = pybind11;

namespace cuvee::python {

py::object to_python(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
      return py::none();
    case nlohmann::json::value_t::boolean:
      return py::bool_(value.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return py::int_(value.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return py::int_(value.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return py::float_(value.get<double>());
    case nlohmann::json::value_t::string:
      return py::str(value.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      py::list list(value.size());
      for (size_t i = 0; i < value.size(); ++i) list[i] = to_python(value[i]);
      return list;
    }
    case nlohmann::json::value_t::object: {
      py::dict dict;
      for (const auto& [key, item] : value.items()) dict[py::str(key)] = to_python(item);
      return dict;
    }
    default:
      fail("cannot convert JSON value {} to Python", value.dump());
  }
}

nlohmann::json from_python(const py::handle& value, const std::string& what) {
  if (value.is_none()) return nullptr;
  // bool before int: Python's bool is an int.
  if (py::isinstance<py::bool_>(value)) return value.cast<bool>();
  if (py::isinstance<py::int_>(value)) {
    auto number = value.cast<py::int_>();
    if (py::int_(0) <= number) return value.cast<uint64_t>();
    return value.cast<int64_t>();
  }
  if (py::isinstance<py::float_>(value)) return value.cast<double>();
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::isinstance<py::dict>(value)) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [key, item] : value.cast<py::dict>()) {
      if (!py::isinstance<py::str>(key)) {
        fail("{}: keys must be strings, got {}", what, std::string(py::repr(key)));
      }
      std::string name = key.cast<std::string>();
      object[name] = from_python(item, what + "." + name);
    }
    return object;
  }
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    nlohmann::json array = nlohmann::json::array();
    size_t i = 0;
    for (const auto& item : value) {
      array.push_back(from_python(item, what + "[" + std::to_string(i++) + "]"));
    }
    return array;
  }
  // NumPy scalars and 0-d arrays (np.float64 is a float already; np.int64 and np.bool_ are not
  // ints), and NumPy arrays or anything else with tolist().
  if (py::hasattr(value, "dtype") && py::hasattr(value, "tolist")) {
    return from_python(value.attr("tolist")(), what);
  }
  fail("{}: expected a number, string, boolean, list or dict, got {} ({})", what,
       std::string(py::repr(value)), std::string(py::str(value.get_type().attr("__name__"))));
}

}  // namespace cuvee::python
