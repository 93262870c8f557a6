#include "cuvee/mixing/online_replay.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/csv.h"
#include "cuvee/core/error.h"
#include "cuvee/mixing/policy_factory.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;

class Replay : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("cuvee-replay-test-{}", ::getpid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  std::string error_of(const std::string& text, nlohmann::json mixing = {{"policy", "odm"}}) {
    try {
      replay_policy(mixing, write("bad.csv", text), dir_ / "w.csv");
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  fs::path dir_;
};

// Domains b then a in the file; the replay sorts them (a, b). Step 2 has b absent.
const char* kTrace =
    "step,loss.b,count.b,loss.a,count.a,lr\n"
    "1,4,1,2,1,0.1\n"
    "2,,,2,1,0.1\n"
    "3,3,1,1,2,0.1\n";

TEST_F(Replay, OdmMatchesTheHandComputedRule) {
  replay_policy({{"policy", "odm"}, {"alpha", 0.5}, {"variant", "paper"}}, write("t.csv", kTrace),
                dir_ / "w.csv");
  std::string text = read_file(dir_ / "w.csv");
  // Uniform init (no token counts); 3 steps, warm-up 2% = 0. Steps 1 and 2 as in
  // OdmPolicy.PaperExp3ByHand: π_a after step 2 = (1 − 2ε_2)/(1 + e^0.5) + ε_2.
  double eps2 = std::sqrt(std::log(2.0) / 4);
  double pa = (1 - 2 * eps2) / (1 + std::exp(0.5)) + eps2;
  EXPECT_TRUE(text.starts_with("step,w.a,w.b\n1,0.5,0.5\n2," + format_number(pa) + "," +
                               format_number(1 - pa) + "\n3,"))
      << text;
}

TEST_F(Replay, DeterministicAndEqualToDrivingThePolicy) {
  std::string trace = "step,loss.a,count.a,loss.b,count.b\n";
  for (int step = 1; step <= 200; ++step) {
    trace += fmt::format("{},{},{},{},{}\n", step, 3.0 / std::sqrt(step), step % 5 == 0 ? 0 : 3,
                         2.0 + 1.0 / step, 1);
  }
  fs::path path = write("t.csv", trace);
  nlohmann::json mixing{{"policy", "odm"}, {"variant", "smoothed-mean"}};
  replay_policy(mixing, path, dir_ / "w1.csv");
  replay_policy(mixing, path, dir_ / "w2.csv");
  EXPECT_EQ(read_file(dir_ / "w1.csv"), read_file(dir_ / "w2.csv"));
  auto loaded = read_loss_trace(path);
  auto policy = make_policy(mixing, {{"a", "b"}, {1, 1}, 200});
  auto weights = replay(*policy, loaded);
  EXPECT_EQ(weights.back(), policy->weights());
  EXPECT_EQ(loaded.count[4], (std::vector<uint64_t>{0, 1}));
}

TEST_F(Replay, VelocituneReadsHeldOutColumns) {
  fs::path path = write("t.csv",
                        "step,loss.a,count.a,loss.b,count.b,eval.a,eval.b\n"
                        "0,,,,,3,4\n"
                        "1,9,1,9,1,,\n"
                        "2,9,1,9,1,2,4\n");
  replay_policy({{"policy", "velocitune"}, {"targets", "a=1,b=2"}}, path, dir_ / "w.csv");
  // As VelocitunePolicy.VelocityUpdateByHand: w_a = 1/(1 + e^0.5) after step 2.
  std::string text = read_file(dir_ / "w.csv");
  const std::string head = "step,w.a,w.b\n0,0.5,0.5\n1,0.5,0.5\n2,";
  ASSERT_TRUE(text.starts_with(head)) << text;
  EXPECT_NEAR(std::stod(text.substr(head.size())), 1 / (1 + std::exp(0.5)), 1e-15);
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b,count.b\n1,1,1,1,1\n",
                     {{"policy", "velocitune"}, {"targets", "a=1,b=2"}})
                .find("no eval"),
            std::string::npos);
}

TEST_F(Replay, RefusesBadTraces) {
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b,count.b\n1,1,1,nan,1\n")
                .find("step 1: domain 'b' has non-finite loss"),
            std::string::npos);
  EXPECT_NE(error_of("step,loss.a,count.a\n1,1,1\n").find("at least 2"), std::string::npos);
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b\n1,1,1,1\n").find("'loss.b' has no 'count.b'"),
            std::string::npos);
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b,count.b\n1,1,1,1\n"), "");  // ragged
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b,count.b\n2,1,1,1,1\n1,1,1,1,1\n")
                .find("steps must increase"),
            std::string::npos);
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b,count.b\n1,1,1.5,1,1\n").find("whole count"),
            std::string::npos);
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b,count.b\n1,1,1,,1\n").find("no loss"),
            std::string::npos);
  // A policy parameter naming a domain the trace lacks.
  EXPECT_NE(error_of("step,loss.a,count.a,loss.b,count.b,eval.a,eval.b\n1,1,1,1,1,1,1\n",
                     {{"policy", "velocitune"}, {"targets", "a=1,b=2,c=3"}})
                .find("unknown domain 'c'"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir_ / "w.csv"));
}

}  // namespace
}  // namespace cuvee
