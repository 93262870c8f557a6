// JSON files: read with errors that name the file, written atomically.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace cuvee {

nlohmann::json read_json(const std::filesystem::path& path);
void write_json(const std::filesystem::path& path, const nlohmann::json& json);

// The field of an object, with an error naming the file and field if missing or mistyped.
template <typename T>
T json_field(const nlohmann::json& object, const char* field, const std::filesystem::path& path);

}  // namespace cuvee

#include "cuvee/core/json_file_impl.h"
