#include "cuvee/mixing/velocitune_policy.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "cuvee/core/error.h"
#include "cuvee/laws/law_fit.h"
#include "cuvee/mixing/policy_factory.h"

namespace cuvee {
namespace {

PolicyContext two_domains() {
  return {{"a", "b"}, {1, 3}, 100};
}

std::unique_ptr<Policy> velocitune(nlohmann::json mixing) {
  mixing["policy"] = "velocitune";
  return make_policy(mixing, two_domains());
}

void eval(Policy& policy, uint64_t step, std::vector<double> loss) {
  policy.observe_eval(step, loss);
}

TEST(VelocitunePolicy, VelocityUpdateByHand) {
  auto policy = velocitune({{"targets", "a=1,b=2"}, {"init", "uniform"}});
  // ℓ_init = (3, 4) at step 0: weights unchanged.
  eval(*policy, 0, {3, 4});
  EXPECT_EQ(policy->weights(), (std::vector<double>{0.5, 0.5}));
  // Step 10, ℓ = (2, 4): V = ((2 − 1)/(3 − 1), (4 − 2)/(4 − 2)) = (0.5, 1);
  // w ∝ (0.5·e^0.5, 0.5·e^1), so w_a = 1/(1 + e^0.5) = 0.377541.
  eval(*policy, 10, {2, 4});
  EXPECT_NEAR(policy->weights()[0], 1 / (1 + std::exp(0.5)), 1e-15);
  // Step 20, ℓ = (0.5, 5): V clamps to (0, 1); w_a ∝ 0.377541·1, w_b ∝ 0.622459·e.
  double wa = 1 / (1 + std::exp(0.5)), wb = 1 - wa;
  eval(*policy, 20, {0.5, 5});
  EXPECT_NEAR(policy->weights()[0], wa / (wa + wb * std::exp(1.0)), 1e-15);
}

TEST(VelocitunePolicy, EveryAndEtaAndTable) {
  // Targets as a table, η = 2, natural init (1/4, 3/4), update at most every 20 steps.
  auto policy = velocitune({{"targets", {{"a", 1}, {"b", 5}}}, {"eta", 2}, {"every", 20}});
  eval(*policy, 0, {3, 4});
  eval(*policy, 10, {2, 3});  // 10 < 0 + 20: ignored
  EXPECT_EQ(policy->weights(), (std::vector<double>{0.25, 0.75}));
  // Step 20, ℓ = (2, 3): V_a = (2 − 1)/(3 − 1) = 0.5; ℓ_init,b = 4 < 5 = target so V_b = 0.
  // w ∝ (0.25·e^(2·0.5), 0.75·e^0) = (0.25e, 0.75).
  eval(*policy, 20, {2, 3});
  double e = std::exp(1.0);
  EXPECT_NEAR(policy->weights()[0], 0.25 * e / (0.25 * e + 0.75), 1e-15);
}

TEST(VelocitunePolicy, IgnoresTrainingLossAndResumesExactly) {
  auto run = velocitune({{"targets", "a=1,b=2"}});
  std::unique_ptr<Policy> resumed;
  for (uint64_t step = 1; step <= 30; ++step) {
    run->observe(step, std::vector<double>{9, 9}, std::vector<uint64_t>{1, 1});
    if (resumed) resumed->observe(step, std::vector<double>{9, 9}, std::vector<uint64_t>{1, 1});
    if (step % 5 == 0 || step == 1) {
      std::vector<double> loss{1 + 3.0 / step, 2 + 2.0 / std::sqrt(step)};
      eval(*run, step, loss);
      if (resumed) eval(*resumed, step, loss);
    }
    if (step == 12) {
      resumed = velocitune({{"targets", "a=1,b=2"}});
      resumed->load_state(nlohmann::json::parse(run->save_state().dump()));
    }
    if (resumed) {
      ASSERT_EQ(resumed->weights(), run->weights()) << step;
    }
  }
  EXPECT_NE(run->weights()[0], 0.25);
}

TEST(VelocitunePolicy, TargetsFromAChinchillaFitOfAProxyRun) {
  // Proxy runs of 3 sizes evaluated at 5 steps, losses exactly E + A/N^0.3 + B/D^0.4 with
  // (E, A, B) = (2, 40, 30) for a and (1.5, 60, 20) for b; the targets are the fit's
  // extrapolation to N = 1e8, D = 1e6: 2 + 40/1e8^0.3 + 30/1e6^0.4 = 2.1434... for a.
  auto law = [](double e, double a, double b, double n, double d) {
    return e + a / std::pow(n, 0.3) + b / std::pow(d, 0.4);
  };
  auto dir =
      std::filesystem::temp_directory_path() / fmt::format("cuvee-velocitune-test-{}", ::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "obs.csv");
    csv << "run,step,p.a,p.b,loss.a,loss.b,params\n";
    for (double n : {1e6, 4e6, 1.6e7}) {
      for (double d : {1e3, 3e3, 1e4, 3e4, 1e5}) {
        csv << fmt::format("r{},{},0.5,0.5,{},{},{}\n", n, d, law(2, 40, 30, n, d),
                           law(1.5, 60, 20, n, d), n);
      }
    }
  }
  auto fit = fit_observations("chinchilla", read_observations(dir / "obs.csv", {}), {});
  write_law_fit(dir / "fit.json", fit);
  auto policy = velocitune(
      {{"targets_fit", (dir / "fit.json").string()}, {"model_size", 1e8}, {"target_steps", 1e6}});
  auto targets = policy->save_state()["targets"].get<std::vector<double>>();
  std::filesystem::remove_all(dir);
  EXPECT_NEAR(targets[0], law(2, 40, 30, 1e8, 1e6), 1e-3);
  EXPECT_NEAR(targets[1], law(1.5, 60, 20, 1e8, 1e6), 1e-3);
}

TEST(VelocitunePolicy, TargetsFromAStepFitOfAProxyRun) {
  // One proxy run evaluated every 10 steps to 100, losses exactly eps + beta * s^-alpha with
  // (eps, beta, alpha) = (2, 6, 0.5) for a and (1, 9, 0.25) for b; the targets are the fit's
  // extrapolation to step 600 (no model size: the step law has none).
  auto law = [](double eps, double beta, double alpha, double s) {
    return eps + beta * std::pow(s, -alpha);
  };
  auto dir = std::filesystem::temp_directory_path() /
             fmt::format("cuvee-velocitune-step-test-{}", ::getpid());
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "obs.csv");
    csv << "run,step,p.a,p.b,loss.a,loss.b\n";
    for (int s = 10; s <= 100; s += 10) {
      csv << fmt::format("proxy,{},0.5,0.5,{},{}\n", s, law(2, 6, 0.5, s), law(1, 9, 0.25, s));
    }
  }
  write_law_fit(dir / "fit.json",
                fit_observations("step", read_observations(dir / "obs.csv", {}), {}));
  auto policy = velocitune({{"targets_fit", (dir / "fit.json").string()}, {"target_steps", 600}});
  auto targets = policy->save_state()["targets"].get<std::vector<double>>();
  // Without the step to extrapolate to, it is refused.
  EXPECT_THROW(velocitune({{"targets_fit", (dir / "fit.json").string()}}), Error);
  std::filesystem::remove_all(dir);
  EXPECT_NEAR(targets[0], law(2, 6, 0.5, 600), 1e-4);
  EXPECT_NEAR(targets[1], law(1, 9, 0.25, 600), 1e-4);
}

TEST(VelocitunePolicy, RefusesBadInput) {
  EXPECT_THROW(velocitune(nlohmann::json::object()), Error);      // no targets
  EXPECT_THROW(velocitune({{"targets", "a=1"}}), Error);          // b missing
  EXPECT_THROW(velocitune({{"targets", "a=1,b=2,c=3"}}), Error);  // unknown domain
  EXPECT_THROW(velocitune({{"targets", "a=1,b=x"}}), Error);      // not a number
  EXPECT_THROW(velocitune({{"targets", "a=1,b=2"}, {"eta", 0}}), Error);
  auto policy = velocitune({{"targets", "a=1,b=2"}});
  try {
    eval(*policy, 0, {3, NAN});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("step 0: domain 'b'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(eval(*policy, 0, {3}), Error);
  auto other = velocitune({{"targets", "a=1,b=3"}});
  EXPECT_THROW(other->load_state(policy->save_state()), Error);  // other targets
}

}  // namespace
}  // namespace cuvee
