// Each online policy against an independent NumPy reference
// (reference/online_policies_reference.py, written from docs/online_mixing.md's statement of the
// released updates, not from the C++), on a recorded trace: 600 steps of examples/tiny.toml under
// natural proportions, where brown_fiction is absent from 358 steps (tests/data/mixing/README.md).
// Agreement to 1e-9 at every step.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include <fmt/format.h>

#include "cuvee/core/csv.h"
#include "cuvee/mixing/ado_policy.h"
#include "cuvee/mixing/online_replay.h"
#include "cuvee/mixing/policy_factory.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;

const fs::path kTrace = fs::path(CUVEE_MIXING_DATA) / "tiny_natural_600.csv";

class ReleasedReference : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / fmt::format("cuvee-reference-test-{}", ::getpid());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The reference's weights, one row per trace row.
  std::vector<std::vector<double>> reference(const std::string& policy, const std::string& args) {
    fs::path out = dir_ / "reference.csv";
    std::string command = fmt::format("/usr/bin/python3 {} {} {} {} {}", CUVEE_MIXING_REFERENCE,
                                      policy, kTrace.string(), out.string(), args);
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    return weights_of(out);
  }
  // cuvee's weights from `cuvee policy replay`'s library call.
  std::vector<std::vector<double>> replayed(const nlohmann::json& mixing) {
    fs::path out = dir_ / "cuvee.csv";
    replay_policy(mixing, kTrace, out);
    return weights_of(out);
  }
  static std::vector<std::vector<double>> weights_of(const fs::path& path) {
    CsvTable table = read_csv(path);
    std::vector<std::vector<double>> rows;
    for (size_t r = 0; r < table.rows.size(); ++r) {
      std::vector<double> row;
      for (size_t c = 1; c < table.header.size(); ++c) row.push_back(table.number(r, c));
      rows.push_back(row);
    }
    return rows;
  }
  // Agreement to 1e-9 everywhere; returns the largest difference.
  static double compare(const std::vector<std::vector<double>>& ours,
                        const std::vector<std::vector<double>>& theirs) {
    EXPECT_EQ(ours.size(), theirs.size());
    EXPECT_GE(ours.size(), 500u);
    double worst = 0;
    for (size_t r = 0; r < std::min(ours.size(), theirs.size()); ++r) {
      EXPECT_EQ(ours[r].size(), theirs[r].size());
      for (size_t c = 0; c < ours[r].size(); ++c) {
        worst = std::max(worst, std::abs(ours[r][c] - theirs[r][c]));
        EXPECT_NEAR(ours[r][c], theirs[r][c], 1e-9) << "row " << r << ", domain " << c;
      }
    }
    return worst;
  }
  // The weights changed after `from`: the comparison is not of constants.
  static void expect_moving(const std::vector<std::vector<double>>& weights, size_t from) {
    ASSERT_GT(weights.size(), from + 1);
    EXPECT_NE(weights[from], weights.back());
    EXPECT_NE(weights.front(), weights.back());
  }
  fs::path dir_;
};

TEST_F(ReleasedReference, OdmSmoothedMean) {
  auto ours = replayed({{"policy", "odm"}, {"warmup_steps", 12}, {"alpha", 0.9}});
  auto theirs = reference("odm", "variant=smoothed-mean alpha=0.9 warmup_steps=12");
  RecordProperty("max_abs_difference", fmt::format("{}", compare(ours, theirs)));
  expect_moving(ours, 12);
  for (size_t r = 0; r < 12; ++r) EXPECT_EQ(ours[r], ours[0]) << r;  // warm-up: as initialised
}

TEST_F(ReleasedReference, OdmSmoothedMeanOnAStretchedSchedule) {
  auto ours = replayed(
      {{"policy", "odm"}, {"warmup_steps", 3}, {"alpha", 0.5}, {"epsilon_time_scale", 166.7}});
  auto theirs =
      reference("odm", "variant=smoothed-mean alpha=0.5 warmup_steps=3 epsilon_time_scale=166.7");
  compare(ours, theirs);
  expect_moving(ours, 3);
}

TEST_F(ReleasedReference, OdmPaper) {
  auto ours =
      replayed({{"policy", "odm"}, {"variant", "paper"}, {"warmup_steps", 12}, {"alpha", 0.9}});
  auto theirs = reference("odm", "variant=paper alpha=0.9 warmup_steps=12");
  compare(ours, theirs);
  expect_moving(ours, 12);
}

TEST_F(ReleasedReference, OdmPaperOnAStretchedSchedule) {
  auto ours = replayed({{"policy", "odm"},
                        {"variant", "paper"},
                        {"warmup_steps", 0},
                        {"alpha", 0.8},
                        {"epsilon_time_scale", 50}});
  auto theirs = reference("odm", "variant=paper alpha=0.8 warmup_steps=0 epsilon_time_scale=50");
  compare(ours, theirs);
  expect_moving(ours, 0);
}

TEST_F(ReleasedReference, AdoPolicyStepOnFixedLaws) {
  // Laws (ε, β, α) per domain in sorted order; manuals' tiny β leaves its ρ at the floor. The laws
  // act from step 200 on; no refit runs (start_step beyond the trace).
  const std::vector<AdoLaw> laws{
      {true, 1.7, 40, 0.45}, {true, 4.5, 30, 0.3},  {true, 5.5, 20, 0.25},
      {true, 5.2, 35, 0.35}, {true, 4.0, 60, 0.5},  {true, 4.8, 25, 0.2},
      {true, 4.6, 50, 0.4},  {true, 4.9, 45, 0.02}, {true, 4.4, 1e-3, 0.6}};
  const uint64_t laws_from = 200;
  LossTrace trace = read_loss_trace(kTrace);
  PolicyContext context{trace.domains, std::vector<uint64_t>(trace.domains.size(), 1), 600};
  auto policy = make_policy({{"policy", "ado"},
                             {"start_step", 1000000},
                             {"refit_lag", 0},
                             {"gamma1", 0.1},
                             {"gamma2", 0.1},
                             {"s", 0.5},
                             {"min_prob", 0.01}},
                            context);
  auto& ado = dynamic_cast<AdoPolicy&>(*policy);
  std::vector<std::vector<double>> ours;
  for (size_t r = 0; r < trace.steps.size(); ++r) {
    if (trace.steps[r] == laws_from) ado.use_laws(laws);
    policy->observe(trace.steps[r], trace.loss[r], trace.count[r]);
    ours.push_back(policy->weights());
  }
  std::string spec;
  for (const auto& law : laws) {
    spec += fmt::format("{}{}:{}:{}", spec.empty() ? "" : ",", law.epsilon, law.beta, law.alpha);
  }
  auto theirs =
      reference("ado", fmt::format("laws={} laws_from={} gamma1=0.1 gamma2=0.1 s=0.5 min_prob=0.01",
                                   spec, laws_from));
  compare(ours, theirs);
  expect_moving(ours, laws_from);
  EXPECT_NEAR(ado.preference().back(), 0.01, 5e-4);  // manuals at the floor, renormalised
}

TEST_F(ReleasedReference, Velocitune) {
  // Targets under and over the losses: arithmetic's is crossed mid-run (V clamps to 0),
  // brown_fiction's is above its first evaluation (V = 0 throughout).
  const char* targets = "2.5,5.2,7.6,6.2,5.0,5.6,5.5,5.7,5.4";
  nlohmann::json table = nlohmann::json::object();
  LossTrace trace = read_loss_trace(kTrace);
  std::string list = targets;
  for (const auto& domain : trace.domains) {
    size_t comma = list.find(',');
    table[domain] = std::stod(list.substr(0, comma));
    list = comma == std::string::npos ? "" : list.substr(comma + 1);
  }
  auto ours = replayed({{"policy", "velocitune"},
                        {"targets", table},
                        {"every", 100},
                        {"eta", 1.5},
                        {"init", "uniform"}});
  auto theirs = reference("velocitune", fmt::format("targets={} every=100 eta=1.5", targets));
  compare(ours, theirs);
  expect_moving(ours, 50);
}

}  // namespace
}  // namespace cuvee
