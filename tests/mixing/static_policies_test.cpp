#include "cuvee/mixing/static_policies.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "cuvee/core/error.h"
#include "cuvee/mixing/policy_factory.h"

namespace cuvee {
namespace {

PolicyContext three_domains() {
  return {{"a", "b", "c"}, {100, 300, 0}, 1000};
}

std::unique_ptr<Policy> make(const nlohmann::json& mixing) {
  return make_policy(mixing, three_domains());
}

TEST(StaticPolicies, NaturalIsTokenProportions) {
  auto policy = make({{"policy", "natural"}});
  EXPECT_EQ(policy->name(), "natural");
  auto w = policy->weights();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_DOUBLE_EQ(w[0], 0.25);
  EXPECT_DOUBLE_EQ(w[1], 0.75);
  EXPECT_EQ(w[2], 0.0);
  // natural is the default
  EXPECT_EQ(make(nlohmann::json::object())->weights(), w);
}

TEST(StaticPolicies, UniformIgnoresTokens) {
  EXPECT_EQ(make({{"policy", "uniform"}})->weights(), (std::vector<double>(3, 1.0 / 3)));
}

TEST(StaticPolicies, TemperatureFlattensByPower) {
  // T = 2: weights ∝ sqrt(100), sqrt(300) = 10, 17.32...
  auto w = make({{"policy", "temperature"}, {"temperature", 2}})->weights();
  double a = 10, b = std::sqrt(300.0);
  EXPECT_NEAR(w[0], a / (a + b), 1e-15);
  EXPECT_NEAR(w[1], b / (a + b), 1e-15);
  EXPECT_EQ(w[2], 0.0);
  // T = 1 is natural; a huge T approaches uniform over the non-empty domains
  auto natural = natural_weights(three_domains().train_tokens);
  auto t1 = temperature_weights(three_domains().train_tokens, 1.0);
  EXPECT_NEAR(t1[0], natural[0], 1e-15);
  auto hot = temperature_weights(three_domains().train_tokens, 1e9);
  EXPECT_NEAR(hot[0], 0.5, 1e-8);
  // no overflow with large counts and small T
  std::vector<uint64_t> big{uint64_t{1} << 40, uint64_t{1} << 41};
  auto cold = temperature_weights(big, 0.01);
  EXPECT_TRUE(std::isfinite(cold[0]));
  EXPECT_NEAR(cold[1], 1.0, 1e-12);
}

TEST(StaticPolicies, FixedFromTableStringOrFile) {
  auto table = make({{"policy", "fixed"}, {"weights", {{"a", 1}, {"b", 1}, {"c", 2}}}});
  EXPECT_EQ(table->weights(), (std::vector<double>{0.25, 0.25, 0.5}));
  auto text = make({{"policy", "fixed"}, {"weights", "c=2,b=1,a=1"}});
  EXPECT_EQ(text->weights(), table->weights());

  auto dir = std::filesystem::path(::testing::TempDir()) / "static_policies_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "mix.json")
      << R"({"method": "test", "mixture": {"a": 0.5, "b": 0.5, "c": 0}})";
  auto file = make({{"policy", "fixed"}, {"file", (dir / "mix.json").string()}});
  EXPECT_EQ(file->weights(), (std::vector<double>{0.5, 0.5, 0.0}));
}

TEST(StaticPolicies, FixedRejectsBadWeights) {
  EXPECT_THROW(make({{"policy", "fixed"}}), Error);
  EXPECT_THROW(make({{"policy", "fixed"}, {"weights", "a=1,b=1"}}), Error);          // c missing
  EXPECT_THROW(make({{"policy", "fixed"}, {"weights", "a=1,b=1,c=1,d=1"}}), Error);  // d unknown
  EXPECT_THROW(make({{"policy", "fixed"}, {"weights", "a=-1,b=1,c=1"}}), Error);
  EXPECT_THROW(make({{"policy", "fixed"}, {"weights", "a=1,b=1,c=1"}, {"file", "x.json"}}), Error);
}

TEST(StaticPolicies, IgnoreObservations) {
  auto policy = make({{"policy", "natural"}});
  auto before = policy->weights();
  std::vector<double> loss{1.0, 2.0, 0.0};
  std::vector<uint64_t> count{3, 5, 0};
  policy->observe(1, loss, count);
  EXPECT_EQ(policy->weights(), before);
}

TEST(StaticPolicies, StateRoundTripsAndRefusesAnotherMixture) {
  auto natural = make({{"policy", "natural"}});
  auto state = natural->save_state();
  auto again = make({{"policy", "natural"}});
  again->load_state(state);
  EXPECT_EQ(again->weights(), natural->weights());
  auto uniform = make({{"policy", "uniform"}});
  EXPECT_THROW(uniform->load_state(state), Error);
  auto fixed = make({{"policy", "fixed"}, {"weights", "a=1,b=1,c=1"}});
  auto other = make({{"policy", "fixed"}, {"weights", "a=1,b=2,c=1"}});
  EXPECT_THROW(other->load_state(fixed->save_state()), Error);
}

TEST(StaticPolicies, RejectsBadTemperature) {
  EXPECT_THROW(make({{"policy", "temperature"}}), Error);
  EXPECT_THROW(make({{"policy", "temperature"}, {"temperature", 0}}), Error);
  EXPECT_THROW(make({{"policy", "temperature"}, {"temperature", "hot"}}), Error);
}

}  // namespace
}  // namespace cuvee
