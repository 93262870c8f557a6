// A training run of the study, identified by its configuration: the folder it lives in is
// named by the recipe and a hash of everything that decides its result (the training config's
// text, every override and the contents of the files they name, the step it stops at), so
// re-running a study finds the runs it already has, a changed setting gets a new folder, and an
// interrupted run is resumed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cuvee::study {

struct RunSpec {
  std::string name;                 // "odm", "odm.seed2", "proxy.shannon"
  std::string train_config_text;    // the shared training config, as read
  std::vector<std::string> sets;    // KEY=VALUE overrides, in order
  uint64_t stop_step = 0;           // --steps (0: the whole schedule)
  std::filesystem::path init_from;  // --init-from: the base run (empty: a fresh model)
  // Files the overrides name (a mixture, a law fit): the key hashes their contents, so a run
  // whose file changed is a new run.
  std::vector<std::filesystem::path> inputs;

  // The canonical text the key hashes (also written into the run folder).
  std::string key_text() const;
  // "<name>-<16 hex digits>".
  std::string folder_name() const;
};

enum class RunState { fresh, interrupted, finished };

// finished: the marker (run/run_folder.h) is there; interrupted: a checkpoint without it (resume
// it: a run that had trained to its end but was not marked finds nothing to do); fresh: anything
// else (a folder without a checkpoint holds nothing worth keeping).
RunState run_state(const std::filesystem::path& folder);

// Records that the run in `folder` finished (atomically, holding the key text).
void mark_finished(const std::filesystem::path& folder, const RunSpec& spec);

}  // namespace cuvee::study
