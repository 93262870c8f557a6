// The mixture file (docs/formats.md): a mixture and how it was made, as JSON,
//
//   {"format": "cuvee-mixture/1", "method": "entropy" | "law",
//    "mixture": {"<domain>": proportion, ...}, ...the method's provenance}
//
// Its one writer and its one reader. `mix entropy` and `law optimize` write it; the `fixed`
// policy's `file` and the study read it.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cuvee/core/mixture.h"

namespace cuvee {

struct MixtureFile {
  std::string method;
  Mixture mixture;
  // The other members: what the method records about how the mixture was made.
  nlohmann::json provenance = nlohmann::json::object();

  nlohmann::json to_json() const;
};

// Written atomically.
void write_mixture_file(const std::filesystem::path& path, const MixtureFile& file);

// The file's mixture, as written (not normalised). A file holding only the map of domain to
// proportion is read whole. Errors name the file and what is wrong.
Mixture read_mixture_file(const std::filesystem::path& path);

}  // namespace cuvee
