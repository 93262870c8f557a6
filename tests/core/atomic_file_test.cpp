#include "cuvee/core/atomic_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const char* name) {
  fs::path dir = fs::temp_directory_path() / fmt::format("cuvee-test-{}-{}", name, ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(AtomicFile, TargetAppearsOnlyOnCommit) {
  fs::path dir = fresh_dir("atomic");
  fs::path target = dir / "out.txt";
  {
    AtomicFile file(target);
    file.write("hello");
    EXPECT_FALSE(fs::exists(target));
    file.commit();
  }
  EXPECT_EQ(read_file(target), "hello");
  fs::remove_all(dir);
}

TEST(AtomicFile, AbandonedWriteLeavesNothingAndKeepsTheOldFile) {
  fs::path dir = fresh_dir("abandon");
  fs::path target = dir / "out.txt";
  write_file_atomic(target, "old");
  {
    AtomicFile file(target);
    file.write("new but unfinished");
  }
  EXPECT_EQ(read_file(target), "old");
  size_t entries = 0;
  for ([[maybe_unused]] auto& entry : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);
  fs::remove_all(dir);
}

TEST(AtomicFile, UnreadableFileNamesThePath) {
  try {
    read_file("/nonexistent/cuvee/file.txt");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/cuvee/file.txt"), std::string::npos);
  }
}

}  // namespace
}  // namespace cuvee
