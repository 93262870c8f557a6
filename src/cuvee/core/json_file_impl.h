#pragma once

#include "cuvee/core/error.h"

namespace cuvee {

template <typename T>
T json_field(const nlohmann::json& object, const char* field, const std::filesystem::path& path) {
  if (!object.is_object() || !object.contains(field)) {
    fail("{}: missing field '{}'", path.string(), field);
  }
  try {
    return object.at(field).get<T>();
  } catch (const nlohmann::json::exception& e) {
    fail("{}: field '{}' has the wrong type ({})", path.string(), field, e.what());
  }
}

}  // namespace cuvee
