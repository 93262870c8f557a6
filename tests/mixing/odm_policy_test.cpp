#include "cuvee/mixing/odm_policy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

// Two domains with 1 and 3 training tokens (natural proportions 1/4, 3/4), a 100-step run.
PolicyContext two_domains() {
  return {{"a", "b"}, {1, 3}, 100};
}

std::unique_ptr<Policy> odm(nlohmann::json mixing) {
  mixing["policy"] = "odm";
  return make_policy(mixing, two_domains());
}

void observe(Policy& policy, uint64_t step, std::vector<double> loss, std::vector<uint64_t> count) {
  policy.observe(step, loss, count);
}

const double kEps2 = std::sqrt(std::log(2.0) / 4);  // ε_2 = sqrt(ln 2 / (2·2)) = 0.416277

TEST(OdmPolicy, PaperExp3ByHand) {
  auto policy = odm({{"alpha", 0.5}, {"init", "uniform"}, {"warmup_steps", 0}});
  EXPECT_EQ(policy->weights(), (std::vector<double>{0.5, 0.5}));
  // Step 1, π = (1/2, 1/2), L = (2, 4): R̂ = (0.5·2/0.5, 0.5·4/0.5) = (2, 4).
  // ε_1 = min(1/2, sqrt(ln 2 / 2) = 0.589) = 1/2, so 1 − K·ε_1 = 0 and π = (1/2, 1/2).
  observe(*policy, 1, {2, 4}, {1, 1});
  EXPECT_DOUBLE_EQ(policy->weights()[0], 0.5);
  // Step 2, b absent, L_a = 2: R̂_a = 0.5·2 + 0.5·2/0.5 = 3, R̂_b = 4 stays.
  // ε_2 = 0.416277; softmax(ε_1·R̂) = softmax(1.5, 2): a gets 1/(1 + e^0.5) = 0.377541.
  // π_a = (1 − 2·0.416277)·0.377541 + 0.416277 = 0.479494.
  observe(*policy, 2, {2, 99}, {1, 0});
  double share_a = 1 / (1 + std::exp(0.5));
  double pa = (1 - 2 * kEps2) * share_a + kEps2;
  EXPECT_NEAR(policy->weights()[0], pa, 1e-15);
  EXPECT_NEAR(policy->weights()[0], 0.479494, 1e-6);
  EXPECT_NEAR(policy->weights()[1], 1 - pa, 1e-15);
  // Step 3, L = (1, 3) drawn with π = (pa, 1 − pa): R̂_a = 1.5 + 0.5/pa, R̂_b = 2 + 1.5/(1 − pa).
  // ε_3 = sqrt(ln 2 / 6) = 0.339891; softmax with ε_2.
  observe(*policy, 3, {1, 3}, {2, 1});
  double ra = 1.5 + 0.5 / pa, rb = 2 + 1.5 / (1 - pa);
  double eps3 = std::sqrt(std::log(2.0) / 6);
  double sa = 1 / (1 + std::exp(kEps2 * (rb - ra)));
  EXPECT_NEAR(policy->weights()[0], (1 - 2 * eps3) * sa + eps3, 1e-15);
  auto state = policy->save_state();
  EXPECT_NEAR(state["rewards"][0].get<double>(), ra, 1e-15);
  EXPECT_NEAR(state["rewards"][1].get<double>(), rb, 1e-15);
}

TEST(OdmPolicy, SmoothedMeanByHand) {
  auto policy =
      odm({{"alpha", 0.5}, {"init", "uniform"}, {"warmup_steps", 0}, {"variant", "smoothed-mean"}});
  // L = (0, ln 3) twice: R̂ = (0.5·1, 0.5·3) = (0.5, 1.5), then (0.25 + 0.5, 0.75 + 1.5) =
  // (0.75, 2.25), share (1/4, 3/4); π_a = (1 − 2·ε_2)·1/4 + ε_2 = 0.458138.
  observe(*policy, 1, {0, std::log(3.0)}, {1, 1});
  EXPECT_DOUBLE_EQ(policy->weights()[0], 0.5);
  observe(*policy, 2, {0, std::log(3.0)}, {1, 1});
  EXPECT_NEAR(policy->weights()[0], (1 - 2 * kEps2) * 0.25 + kEps2, 1e-15);
  EXPECT_NEAR(policy->weights()[0], 0.458138, 1e-6);
}

TEST(OdmPolicy, WarmupKeepsInitialWeightsButLearns) {
  // Natural init (1/4, 3/4), warm-up 2 steps: π stays (1/4, 3/4) while R̂ updates with it:
  // step 1, L = (1, 1): R̂ = (0.5·1/0.25, 0.5·1/0.75) = (2, 2/3); step 2 the same again:
  // R̂ = (1 + 2, 1/3 + 2/3) = (3, 1). Step 3, L = (1, 1) drawn with (1/4, 3/4):
  // R̂ = (1.5 + 2, 0.5 + 2/3) = (3.5, 7/6); π from softmax(ε_2·R̂) and ε_3.
  auto policy = odm({{"alpha", 0.5}, {"warmup_steps", 2}});
  EXPECT_EQ(policy->weights(), (std::vector<double>{0.25, 0.75}));
  observe(*policy, 1, {1, 1}, {1, 3});
  observe(*policy, 2, {1, 1}, {1, 3});
  EXPECT_EQ(policy->weights(), (std::vector<double>{0.25, 0.75}));
  observe(*policy, 3, {1, 1}, {1, 3});
  double eps3 = std::sqrt(std::log(2.0) / 6);
  double sa = 1 / (1 + std::exp(kEps2 * (7.0 / 6 - 3.5)));
  EXPECT_NEAR(policy->weights()[0], (1 - 2 * eps3) * sa + eps3, 1e-15);
}

TEST(OdmPolicy, DefaultWarmupIsOnePercentOfTheRun) {
  // 100 steps: warm-up 1 step, so step 1 keeps natural weights.
  auto policy = odm(nlohmann::json::object());
  observe(*policy, 1, {1, 1}, {1, 3});
  EXPECT_EQ(policy->weights(), (std::vector<double>{0.25, 0.75}));
}

TEST(OdmPolicy, ResumesExactly) {
  auto run = odm({{"init", "uniform"}, {"warmup_steps", 3}});
  std::unique_ptr<Policy> resumed;
  for (uint64_t step = 1; step <= 40; ++step) {
    std::vector<double> loss{3.0 / std::sqrt(step), 2.0 + 1.0 / step};
    std::vector<uint64_t> count{step % 3 == 0 ? 0u : 2u, 1};
    observe(*run, step, loss, count);
    if (resumed) observe(*resumed, step, loss, count);
    if (step == 17) {
      resumed = odm({{"init", "uniform"}, {"warmup_steps", 3}});
      resumed->load_state(nlohmann::json::parse(run->save_state().dump()));
    }
    if (resumed) {
      ASSERT_EQ(resumed->weights(), run->weights()) << step;
    }
  }
  double sum = run->weights()[0] + run->weights()[1];
  EXPECT_NEAR(sum, 1, 1e-15);
}

TEST(OdmPolicy, RefusesBadInput) {
  auto policy = odm({{"init", "uniform"}});
  EXPECT_THROW(observe(*policy, 1, {NAN, 1}, {1, 1}), Error);
  try {
    observe(*policy, 1, {1, INFINITY}, {1, 1});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("step 1: domain 'b'"), std::string::npos) << e.what();
  }
  observe(*policy, 1, {1, NAN}, {1, 0});                     // an absent domain's loss is ignored
  EXPECT_THROW(observe(*policy, 1, {1, 1}, {1, 1}), Error);  // steps must increase
  EXPECT_THROW(observe(*policy, 2, {1}, {1}), Error);
  EXPECT_THROW(odm({{"variant", "exp4"}}), Error);
  EXPECT_THROW(odm({{"init", "zipf"}}), Error);
  EXPECT_THROW(odm({{"alpha", 1.0}}), Error);
  EXPECT_THROW(make_policy({{"policy", "odm"}}, {{"a"}, {1}, 10}), Error);
  auto other = make_policy({{"policy", "uniform"}}, two_domains());
  EXPECT_THROW(policy->load_state(other->save_state()), Error);
}

}  // namespace
}  // namespace cuvee
