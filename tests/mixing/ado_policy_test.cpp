#include "cuvee/mixing/ado_policy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

// Two domains with equal tokens (μ = (1/2, 1/2)); every step draws 3 from a and 1 from b, so
// n = 4·step, and each loss follows an exact step law: a: 2 + 3·n^(−0.5), b: 2.5 + n^(−0.3).
PolicyContext two_domains() {
  return {{"a", "b"}, {1, 1}, 1000};
}

nlohmann::json small_ado() {
  return {{"policy", "ado"},
          {"start_step", 200},
          {"refit_every", 100},
          {"ignore_steps", 20},
          {"smooth_window", 11}};
}

std::vector<double> losses(uint64_t step) {
  double n = 4.0 * static_cast<double>(step);
  return {2 + 3 * std::pow(n, -0.5), 2.5 + std::pow(n, -0.3)};
}

void observe(Policy& policy, uint64_t step, std::vector<uint64_t> count = {3, 1}) {
  policy.observe(step, losses(step), count);
}

TEST(AdoPolicy, NaturalUntilTheFirstFitThenTheRuleByHand) {
  auto mixing = small_ado();
  mixing["refit_lag"] = 0;  // the laws take effect at the step that fits them
  auto policy = make_policy(mixing, two_domains());
  auto& ado = dynamic_cast<AdoPolicy&>(*policy);
  for (uint64_t step = 1; step < 200; ++step) {
    observe(*policy, step);
    ASSERT_EQ(policy->weights(), (std::vector<double>{0.5, 0.5})) << step;
  }
  observe(*policy, 200);
  // The fit recovers the laws (smoothing an exact smooth curve changes it little).
  const auto& laws = ado.laws();
  ASSERT_TRUE(laws[0].fitted && laws[1].fitted);
  EXPECT_NEAR(laws[0].epsilon, 2, 2e-2);
  EXPECT_NEAR(laws[0].alpha, 0.5, 2e-2);
  EXPECT_NEAR(laws[1].epsilon, 2.5, 5e-2);
  // h starts at μ = 1/2 and moves towards the shares (3/4, 1/4) by γ1 = 0.1 a step:
  // h_a = 3/4 + (1/2 − 3/4)·0.9^200, h_b = 1/4 + (1/2 − 1/4)·0.9^200.
  double decay = std::pow(0.9, 200);
  double h[2] = {0.75 - 0.25 * decay, 0.25 + 0.25 * decay};
  // f_k = max(α_k, 0.05)·β_k·n^(−α_k)/n at n = 800; ρ_k ∝ μ_k·h_k^0.5·f_k, clipped at 0.01.
  double n = 800, rho[2], total = 0;
  for (int k = 0; k < 2; ++k) {
    double f = std::max(laws[k].alpha, 0.05) * laws[k].beta * std::pow(n, -laws[k].alpha) / n;
    rho[k] = 0.5 * std::sqrt(h[k]) * f;
    total += rho[k];
  }
  double clipped = 0;
  for (double& r : rho) clipped += (r = std::max(r / total, 0.01));
  for (double& r : rho) r /= clipped;
  EXPECT_NEAR(ado.preference()[0], rho[0], 1e-12);
  // π = γ2·ρ + (1 − γ2)·π̄ with π̄ = μ: 0.1·ρ + 0.9·0.5; then π̄ = (μ + ρ)/2.
  EXPECT_NEAR(policy->weights()[0], 0.1 * rho[0] + 0.45, 1e-12);
  observe(*policy, 201);
  double mean_a = (0.5 + rho[0]) / 2;
  EXPECT_NEAR(policy->weights()[0], 0.1 * ado.preference()[0] + 0.9 * mean_a, 1e-12);
  EXPECT_NEAR(policy->weights()[0] + policy->weights()[1], 1, 1e-15);
}

TEST(AdoPolicy, ResumesExactlyAcrossRefits) {
  auto run = make_policy(small_ado(), two_domains());
  std::unique_ptr<Policy> resumed;
  for (uint64_t step = 1; step <= 320; ++step) {
    std::vector<uint64_t> count{3, step % 4 == 0 ? 0u : 1u};  // b absent every 4th step
    observe(*run, step, count);
    if (resumed) observe(*resumed, step, count);
    if (step == 250) {
      resumed = make_policy(small_ado(), two_domains());
      resumed->load_state(nlohmann::json::parse(run->save_state().dump()));
    }
    if (resumed) {
      ASSERT_EQ(resumed->weights(), run->weights()) << step;
    }
  }
}

TEST(AdoPolicy, ABackgroundRefitTakesEffectRefitLagStepsLater) {
  // Refits start at 200 and 300; with refit_lag = 10 their laws take effect at 210 and 310,
  // and they are the laws a synchronous refit finds on the history up to 200 and 300.
  auto mixing = small_ado();
  mixing["refit_lag"] = 0;
  auto synchronous = make_policy(mixing, two_domains());
  mixing["refit_lag"] = 10;
  auto lagged = make_policy(mixing, two_domains());
  auto& sync_ado = dynamic_cast<AdoPolicy&>(*synchronous);
  auto& lagged_ado = dynamic_cast<AdoPolicy&>(*lagged);
  std::vector<AdoLaw> laws_at_200, laws_at_300;
  for (uint64_t step = 1; step <= 320; ++step) {
    observe(*synchronous, step);
    observe(*lagged, step);
    if (step == 200) laws_at_200 = sync_ado.laws();
    if (step == 300) laws_at_300 = sync_ado.laws();
    if (step < 210) {
      ASSERT_EQ(lagged->weights(), (std::vector<double>{0.5, 0.5})) << step;
      ASSERT_FALSE(lagged_ado.laws()[0].fitted) << step;
    }
    const auto& expected = step < 310 ? laws_at_200 : laws_at_300;
    if (step >= 210) {
      for (int k = 0; k < 2; ++k) {
        ASSERT_EQ(lagged_ado.laws()[k].epsilon, expected[k].epsilon) << step;
        ASSERT_EQ(lagged_ado.laws()[k].alpha, expected[k].alpha) << step;
      }
    }
  }
  // The weights differ from the synchronous policy's only by having started later.
  EXPECT_NE(lagged->weights(), synchronous->weights());
  EXPECT_NEAR(lagged->weights()[0] + lagged->weights()[1], 1, 1e-15);
}

TEST(AdoPolicy, ResumesExactlyWithARefitInFlight) {
  // Saved at 205, while the refit started at 200 (taking effect at 210) is in flight: the
  // restored policy starts it again on the same history and continues identically.
  auto mixing = small_ado();
  mixing["refit_lag"] = 10;
  auto run = make_policy(mixing, two_domains());
  std::unique_ptr<Policy> resumed;
  for (uint64_t step = 1; step <= 320; ++step) {
    observe(*run, step);
    if (resumed) observe(*resumed, step);
    if (step == 205) {
      auto state = nlohmann::json::parse(run->save_state().dump());
      EXPECT_EQ(state.at("pending_steps"), 200);  // the history it started from
      resumed = make_policy(mixing, two_domains());
      resumed->load_state(state);
    }
    if (resumed) {
      ASSERT_EQ(resumed->weights(), run->weights()) << step;
    }
  }
  EXPECT_NE(run->weights(), (std::vector<double>{0.5, 0.5}));
}

TEST(AdoPolicy, RefusesAStateWhoseHistoryDoesNotAddUp) {
  auto policy = make_policy(small_ado(), two_domains());
  for (uint64_t step = 1; step <= 50; ++step) observe(*policy, step);
  auto state = policy->save_state();
  state["series"][1].erase(0);
  auto fresh = make_policy(small_ado(), two_domains());
  try {
    fresh->load_state(state);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("domain 'b'"), std::string::npos) << e.what();
  }
}

TEST(AdoPolicy, NeverObservedDomainKeepsTheFloor) {
  // c is never drawn: no law, forecast 0, so ρ_c = 0.01 / (1 + 0.01) after clipping.
  PolicyContext context{{"a", "b", "c"}, {1, 1, 1}, 1000};
  auto policy = make_policy(small_ado(), context);
  for (uint64_t step = 1; step <= 210; ++step) {  // the first refit takes effect at 210
    auto l = losses(step);
    policy->observe(step, std::vector<double>{l[0], l[1], 0}, std::vector<uint64_t>{3, 1, 0});
  }
  auto& ado = dynamic_cast<AdoPolicy&>(*policy);
  EXPECT_FALSE(ado.laws()[2].fitted);
  EXPECT_NEAR(ado.preference()[2], 0.01 / 1.01, 1e-15);
}

TEST(AdoPolicy, RefusesBadSettings) {
  auto with = [](const char* key, nlohmann::json value) {
    auto mixing = small_ado();
    mixing[key] = value;
    return make_policy(mixing, two_domains());
  };
  EXPECT_THROW(with("gamma1", 1.5), Error);
  EXPECT_THROW(with("min_prob", 0.5), Error);
  EXPECT_THROW(with("smooth_window", 10), Error);
  EXPECT_THROW(with("refit_every", 0), Error);
  EXPECT_THROW(with("refit_lag", 100), Error);  // must be below refit_every = 100
  EXPECT_THROW(with("gama2", 0.1), Error);
  auto policy = make_policy(small_ado(), two_domains());
  EXPECT_THROW(policy->observe(1, std::vector<double>{NAN, 1}, std::vector<uint64_t>{1, 1}), Error);
}

}  // namespace
}  // namespace cuvee
