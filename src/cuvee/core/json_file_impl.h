#pragma once

#include <limits>
#include <type_traits>
#include <utility>

#include "cuvee/core/error.h"

namespace cuvee {

template <typename T>
T json_field(const nlohmann::json& object, const char* field, const std::filesystem::path& path) {
  if (!object.is_object() || !object.contains(field)) {
    fail("{}: missing field '{}'", path.string(), field);
  }
  const nlohmann::json& value = object.at(field);
  // nlohmann converts any number to any arithmetic type with a plain cast: 1e10 or -1 would
  // become some integer (the first is undefined behaviour). Integers must be integers in range.
  if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    bool fits = value.is_number_unsigned()  ? std::in_range<T>(value.get<uint64_t>())
                : value.is_number_integer() ? std::in_range<T>(value.get<int64_t>())
                                            : false;
    if (!fits) {
      fail("{}: field '{}' must be an integer from {} to {}, got {}", path.string(), field,
           std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), value.dump());
    }
  }
  try {
    return value.get<T>();
  } catch (const nlohmann::json::exception& e) {
    fail("{}: field '{}' has the wrong type ({})", path.string(), field, e.what());
  }
}

}  // namespace cuvee
