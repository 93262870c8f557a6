#include "cuvee/study/run_key.h"

#include <fmt/format.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/hash.h"
#include "cuvee/run/run_folder.h"

namespace cuvee::study {

std::string RunSpec::key_text() const {
  std::string text = fmt::format("cuvee-study-run/1\nstop_step={}\n", stop_step);
  // Only where set, so that the keys of runs from a fresh model are what they were before it.
  if (!init_from.empty()) text += "init_from=" + init_from.string() + "\n";
  for (const auto& set : sets) text += "--set " + set + "\n";
  for (const auto& input : inputs)
    text += fmt::format("input {} {}\n", input.string(), hex64(hash64(read_file(input))));
  text += "config:\n" + train_config_text;
  return text;
}

std::string RunSpec::folder_name() const {
  return fmt::format("{}-{}", name, hex64(hash64(key_text())));
}

RunState run_state(const std::filesystem::path& folder) {
  if (std::filesystem::exists(folder / kFinishedMarker)) return RunState::finished;
  if (!std::filesystem::exists(folder / kCheckpointFile)) return RunState::fresh;
  // Not finished even when the metrics end with the last evaluation: a kill between writing that
  // line and renaming the final checkpoint leaves the previous checkpoint.
  return RunState::interrupted;
}

void mark_finished(const std::filesystem::path& folder, const RunSpec& spec) {
  write_file_atomic(folder / kFinishedMarker, spec.key_text());
}

}  // namespace cuvee::study
