// A tokenised domain as commands open it (`--data`): manifest.json, then the token files of the
// train, validation and test splits it describes. The input is seven parts: manifest.json,
// train.idx, train.bin, validation.idx, validation.bin, test.idx, test.bin.
#include <array>

#include <nlohmann/json.hpp>

#include "cuvee/corpus/domain.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::array<const char*, 7> names = {"manifest.json",  "train.idx",      "train.bin",
                                            "validation.idx", "validation.bin", "test.idx",
                                            "test.bin"};
  auto parts = fuzz::split_parts({reinterpret_cast<const char*>(data), size}, names.size());
  parts.resize(names.size());
  std::filesystem::path dir;
  for (size_t i = 0; i < names.size(); ++i) {
    dir = fuzz::scratch_file(std::string("domains/web/") + names[i], parts[i]).parent_path();
  }
  const std::filesystem::path paths[] = {dir.parent_path()};
  fuzz::expect_clean("web", [&] {
    auto domains = open_domains(paths);
    fuzz::require(domains.size() == 1, "one domain folder, but not one domain");
    const auto& manifest = domains[0]->manifest();
    // The manifest written back reads as the same manifest.
    auto again = DomainManifest::from_json(manifest.to_json(), "again");
    fuzz::require(again.to_json() == manifest.to_json(), "manifest does not round-trip");
  });
  return 0;
}
