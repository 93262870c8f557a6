#include "cuvee/study/run_key.h"

#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/hash.h"

namespace cuvee::study {

std::string RunSpec::key_text() const {
  std::string text = fmt::format("cuvee-study-run/1\nstop_step={}\n", stop_step);
  for (const auto& set : sets) text += "--set " + set + "\n";
  text += "config:\n" + train_config_text;
  return text;
}

std::string RunSpec::folder_name() const {
  return fmt::format("{}-{}", name, hex64(hash64(key_text())));
}

RunState run_state(const std::filesystem::path& folder, uint64_t final_step) {
  if (std::filesystem::exists(folder / kFinishedMarker)) return RunState::finished;
  if (!std::filesystem::exists(folder / "checkpoint.pt")) return RunState::fresh;
  std::ifstream metrics(folder / "metrics.jsonl");
  std::string line, last;
  while (std::getline(metrics, line)) {
    if (!line.empty()) last = line;
  }
  auto json = nlohmann::json::parse(last, nullptr, false);
  if (json.is_object() && json.value("kind", "") == "eval" &&
      json.value("step", uint64_t{0}) == final_step) {
    return RunState::finished;
  }
  return RunState::interrupted;
}

void mark_finished(const std::filesystem::path& folder, const RunSpec& spec) {
  write_file_atomic(folder / kFinishedMarker, spec.key_text());
}

}  // namespace cuvee::study
