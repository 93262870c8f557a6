#include "cuvee/mixing/ado_policy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/mixing/policy_factory.h"

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
  // The released code first refits after its iteration 200 (itr >= start_step, itr % 100 ==
  // 0), cuvee's step 201.
  for (uint64_t step = 1; step <= 200; ++step) {
    observe(*policy, step);
    ASSERT_EQ(policy->weights(), (std::vector<double>{0.5, 0.5})) << step;
  }
  observe(*policy, 201);
  // The fit recovers the laws (smoothing an exact smooth curve changes it little).
  const auto& laws = ado.laws();
  ASSERT_TRUE(laws[0].fitted && laws[1].fitted);
  EXPECT_NEAR(laws[0].epsilon, 2, 2e-2);
  EXPECT_NEAR(laws[0].alpha, 0.5, 2e-2);
  EXPECT_NEAR(laws[1].epsilon, 2.5, 5e-2);
  // h starts at μ = 1/2 and moves towards the shares (3/4, 1/4) by γ1 = 0.1 a step:
  // h_a = 3/4 + (1/2 − 3/4)·0.9^201, h_b = 1/4 + (1/2 − 1/4)·0.9^201.
  double decay = std::pow(0.9, 201);
  double h[2] = {0.75 - 0.25 * decay, 0.25 + 0.25 * decay};
  // f_k = max(α_k, 0.05)·β_k·n^(−α_k)/n at n = 804; ρ_k ∝ μ_k·h_k^0.5·f_k, clipped at 0.01.
  double n = 804, rho[2], total = 0;
  for (int k = 0; k < 2; ++k) {
    double f = std::max(laws[k].alpha, 0.05) * laws[k].beta * std::pow(n, -laws[k].alpha) / n;
    rho[k] = 0.5 * std::sqrt(h[k]) * f;
    total += rho[k];
  }
  double clipped = 0;
  for (double& r : rho) clipped += (r = std::max(r / total, 0.01));
  for (double& r : rho) r /= clipped;
  EXPECT_NEAR(ado.preference()[0], rho[0], 1e-12);
  // π = γ2·ρ + (1 − γ2)·π̄ with π̄ = μ: 0.1·ρ + 0.9·0.5; then the running mean over training
  // steps, as released: π̄ = (1 − 1/201)·μ + ρ/201, so μ keeps 200/201 of it.
  EXPECT_NEAR(policy->weights()[0], 0.1 * rho[0] + 0.45, 1e-12);
  observe(*policy, 202);
  double mean_a = 0.5 * 200 / 201 + rho[0] / 201;
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
  // Refits start at 201 and 301 (after the released code's iterations 200 and 300); with
  // refit_lag = 10 their laws take effect at 211 and 311, and they are the laws a synchronous
  // refit finds on the history up to 201 and 301.
  auto mixing = small_ado();
  mixing["refit_lag"] = 0;
  auto synchronous = make_policy(mixing, two_domains());
  mixing["refit_lag"] = 10;
  auto lagged = make_policy(mixing, two_domains());
  auto& sync_ado = dynamic_cast<AdoPolicy&>(*synchronous);
  auto& lagged_ado = dynamic_cast<AdoPolicy&>(*lagged);
  std::vector<AdoLaw> laws_at_201, laws_at_301;
  for (uint64_t step = 1; step <= 320; ++step) {
    observe(*synchronous, step);
    observe(*lagged, step);
    if (step == 201) laws_at_201 = sync_ado.laws();
    if (step == 301) laws_at_301 = sync_ado.laws();
    if (step < 211) {
      ASSERT_EQ(lagged->weights(), (std::vector<double>{0.5, 0.5})) << step;
      ASSERT_FALSE(lagged_ado.laws()[0].fitted) << step;
    }
    const auto& expected = step < 311 ? laws_at_201 : laws_at_301;
    if (step >= 211) {
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
  // Saved at 205, while the refit started at 201 (taking effect at 211) is in flight: the
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
      EXPECT_EQ(state.at("pending_steps"), 201);  // the history it started from
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
  for (uint64_t step = 1; step <= 211; ++step) {  // the first refit takes effect at 211
    auto l = losses(step);
    policy->observe(step, std::vector<double>{l[0], l[1], 0}, std::vector<uint64_t>{3, 1, 0});
  }
  auto& ado = dynamic_cast<AdoPolicy&>(*policy);
  EXPECT_FALSE(ado.laws()[2].fitted);
  EXPECT_NEAR(ado.preference()[2], 0.01 / 1.01, 1e-15);
}

TEST(AdoPolicy, TheFitsEpsilonFloorIsASetting) {
  // Losses 1 + 3·n^(−0.5): ε = 1 nat is under the released floor e^0.5 ≈ 1.65 (set on the Pile's
  // tokens), and is found once min_log_epsilon allows it.
  auto fitted_epsilon = [](nlohmann::json mixing) {
    mixing["refit_lag"] = 0;
    auto policy = make_policy(mixing, two_domains());
    for (uint64_t step = 1; step <= 201; ++step) {
      double n = 4.0 * static_cast<double>(step);
      policy->observe(step, std::vector<double>{1 + 3 / std::sqrt(n), 1 + 3 / std::sqrt(n)},
                      std::vector<uint64_t>{3, 1});
    }
    return dynamic_cast<AdoPolicy&>(*policy).laws()[0].epsilon;
  };
  EXPECT_NEAR(fitted_epsilon(small_ado()), std::exp(0.5), 1e-9);
  auto lowered = small_ado();
  lowered["min_log_epsilon"] = -1;
  EXPECT_NEAR(fitted_epsilon(lowered), 1, 2e-2);
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
