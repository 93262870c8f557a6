#include "cuvee/core/json_file.h"

#include "cuvee/core/atomic_file.h"

namespace cuvee {

nlohmann::json read_json(const std::filesystem::path& path) {
  std::string text = read_file(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    fail("{}: invalid JSON: {}", path.string(), e.what());
  }
}

void write_json(const std::filesystem::path& path, const nlohmann::json& json) {
  write_file_atomic(path, json.dump(2) + "\n");
}

}  // namespace cuvee
