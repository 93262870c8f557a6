#include "cuvee/core/threads.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

// Sets the two variables for one test and restores what the environment had.
class ThreadEnvironment : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"CUVEE_THREADS", "OMP_NUM_THREADS"}) {
      const char* value = std::getenv(name);
      saved_.emplace_back(name,
                          value == nullptr ? std::nullopt : std::optional<std::string>(value));
      ::unsetenv(name);
    }
  }
  void TearDown() override {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name, value->c_str(), 1);
      } else {
        ::unsetenv(name);
      }
    }
  }
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

TEST_F(ThreadEnvironment, UnsetMeansTheAvailableCores) {
  EXPECT_EQ(default_threads(), available_cores());
  ::setenv("OMP_NUM_THREADS", "", 1);
  EXPECT_EQ(default_threads(), available_cores());
}

TEST_F(ThreadEnvironment, OmpNumThreadsIsHonouredAndItsListGivesTheFirstLevel) {
  ::setenv("OMP_NUM_THREADS", "3", 1);
  EXPECT_EQ(default_threads(), 3);
  ::setenv("OMP_NUM_THREADS", "5,2", 1);
  EXPECT_EQ(default_threads(), 5);
}

TEST_F(ThreadEnvironment, CuveeThreadsWinsOverOmpNumThreads) {
  ::setenv("OMP_NUM_THREADS", "3", 1);
  ::setenv("CUVEE_THREADS", "7", 1);
  EXPECT_EQ(default_threads(), 7);
  ::setenv("OMP_NUM_THREADS", "not a number", 1);  // not even read
  EXPECT_EQ(default_threads(), 7);
}

TEST_F(ThreadEnvironment, BadValuesAreErrorsNamingTheVariable) {
  for (const char* bad : {"0", "-2", "four", "4x", "1.5"}) {
    ::setenv("OMP_NUM_THREADS", bad, 1);
    try {
      default_threads();
      ADD_FAILURE() << "OMP_NUM_THREADS=" << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("OMP_NUM_THREADS must be a positive integer"),
                std::string::npos)
          << e.what();
    }
  }
  ::unsetenv("OMP_NUM_THREADS");
  ::setenv("CUVEE_THREADS", "2,2", 1);  // a list is OpenMP's convention, not cuvee's
  EXPECT_THROW(default_threads(), Error);
}

}  // namespace
}  // namespace cuvee
