#include "cuvee/core/mixture_file.h"

#include "cuvee/core/error.h"
#include "cuvee/core/json_file.h"

namespace cuvee {

namespace {

constexpr const char* kFormat = "cuvee-mixture/1";

}  // namespace

nlohmann::json MixtureFile::to_json() const {
  if (!provenance.is_object()) fail("mixture file: the provenance must be a JSON object");
  nlohmann::json json = provenance;
  json["format"] = kFormat;
  json["method"] = method;
  json["mixture"] = mixture.to_json();
  return json;
}

void write_mixture_file(const std::filesystem::path& path, const MixtureFile& file) {
  write_json(path, file.to_json());
}

Mixture read_mixture_file(const std::filesystem::path& path) {
  auto json = read_json(path);
  if (!json.is_object()) fail("{}: expected a mixture file (a JSON object)", path.string());
  if (json.contains("format")) {
    const auto& format = json.at("format");
    if (!format.is_string() || format.get<std::string>() != kFormat) {
      fail("{}: format {}, expected \"{}\"", path.string(), format.dump(), kFormat);
    }
  }
  try {
    return Mixture::from_json(json.contains("mixture") ? json.at("mixture") : json);
  } catch (const Error& e) {
    fail("{}: {}", path.string(), e.what());
  }
}

}  // namespace cuvee
