#include "cuvee/core/folder_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <optional>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

using testing::TempDir;

// flock(2) locks belong to an open file description, so a second FolderLock in the same process
// stands for another process.
TEST(FolderLock, OneHolderAtATimeAndTheSecondIsToldWho) {
  TempDir dir;
  std::optional<FolderLock> first;
  first.emplace(dir / "run" / "train.lock", "another cuvee train");
  try {
    FolderLock second(dir / "run" / "train.lock", "another cuvee train", 0.1);
    FAIL() << "two holders";
  } catch (const Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("run is in use by another cuvee train (PID " +
                           std::to_string(::getpid()) + ")"),
              std::string::npos)
        << message;
  }
  first.reset();  // released
  FolderLock again(dir / "run" / "train.lock", "another cuvee train", 0.1);
}

// Every temporary of a target but this process's own: those of a live process too, for a writer
// that holds the folder's lock.
TEST(FolderLock, TemporariesOfOtherProcessesGoUnderTheLock) {
  TempDir dir;
  const auto target = dir / "checkpoint.pt";
  const auto mine = dir / ("checkpoint.pt.tmp." + std::to_string(::getpid()));
  const auto live = dir / "checkpoint.pt.tmp.1";   // PID 1 is alive
  const auto other = dir / "checkpoint.pt.tmp.x";  // not a temporary's name
  for (const auto& path : {mine, live, other}) std::ofstream(path) << "x";
  remove_stale_temporaries(target);
  EXPECT_TRUE(std::filesystem::exists(live));
  remove_other_temporaries(target);
  EXPECT_FALSE(std::filesystem::exists(live));
  EXPECT_TRUE(std::filesystem::exists(mine));
  EXPECT_TRUE(std::filesystem::exists(other));
}

}  // namespace
}  // namespace cuvee
