// The study's configuration (`cuvee study --config`, TOML).
#include "cuvee/study/study_config.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::expect_clean("study.toml", [&] {
    auto config = study::parse_study_config(text, "study.toml");
    for (const auto& [name, scale] : config.scales) {
      fuzz::require(&config.scale(name) == &scale, "a scale that cannot be looked up");
    }
  });
  return 0;
}
