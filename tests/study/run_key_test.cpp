#include "cuvee/study/run_key.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace cuvee::study {
namespace {

RunSpec spec() {
  RunSpec s;
  s.name = "odm";
  s.train_config_text = "seed = 1\n";
  s.sets = {"mixing.policy=odm", "train.steps=100"};
  return s;
}

TEST(RunKey, FolderChangesWithEverySetting) {
  auto base = spec();
  EXPECT_EQ(base.folder_name(), spec().folder_name());
  EXPECT_EQ(base.folder_name().rfind("odm-", 0), 0u);
  EXPECT_EQ(base.folder_name().size(), 4u + 16u);
  auto other_set = base;
  other_set.sets[1] = "train.steps=200";
  auto other_config = base;
  other_config.train_config_text = "seed = 2\n";
  auto other_stop = base;
  other_stop.stop_step = 50;
  EXPECT_NE(other_set.folder_name(), base.folder_name());
  EXPECT_NE(other_config.folder_name(), base.folder_name());
  EXPECT_NE(other_stop.folder_name(), base.folder_name());
  // A run continued from a base run is another run; from another base, another again.
  auto continued = base;
  continued.init_from = "out/runs/continual.base-0123";
  auto other_base = continued;
  other_base.init_from = "out/runs/continual.base-4567";
  EXPECT_NE(continued.folder_name(), base.folder_name());
  EXPECT_NE(other_base.folder_name(), continued.folder_name());
  // A fresh run's key has no init_from line: the keys of earlier studies still find their runs.
  EXPECT_EQ(base.key_text().find("init_from"), std::string::npos);
}

TEST(RunKey, AFileTheSettingsNameIsKeyedByItsContents) {
  testing::TempDir dir;
  dir.write("mixture.json", "{\"a\": 0.5, \"b\": 0.5}");
  auto with_file = spec();
  with_file.sets.push_back("mixing.file=" + (dir / "mixture.json").string());
  with_file.inputs = {dir / "mixture.json"};
  const std::string before = with_file.folder_name();
  EXPECT_EQ(with_file.folder_name(), before);
  dir.write("mixture.json", "{\"a\": 0.25, \"b\": 0.75}");
  EXPECT_NE(with_file.folder_name(), before);  // same path, other mixture: another run
}

TEST(RunKey, StateFollowsTheFolder) {
  testing::TempDir dir;
  auto folder = dir / "run";
  EXPECT_EQ(run_state(folder), RunState::fresh);
  dir.write("run/metrics.jsonl", "{\"kind\":\"eval\",\"step\":10}\n");
  EXPECT_EQ(run_state(folder), RunState::fresh);  // nothing checkpointed
  dir.write("run/checkpoint.pt", "x");
  // Even metrics that end with the last evaluation may sit beside an older checkpoint (a kill
  // before the final one was renamed into place): only the marker says finished.
  EXPECT_EQ(run_state(folder), RunState::interrupted);
  mark_finished(folder, spec());
  EXPECT_EQ(run_state(folder), RunState::finished);
}

}  // namespace
}  // namespace cuvee::study
