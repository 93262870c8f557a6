#include "cuvee/mixing/policy.h"

#include <gtest/gtest.h>

#include <string>

#include "cuvee/core/error.h"
#include "cuvee/mixing/policy_params.h"

namespace cuvee {
namespace {

PolicyContext two_domains() {
  return {{"a", "b"}, {1, 3}, 100};
}

std::string error_of(const nlohmann::json& mixing) {
  try {
    make_policy(mixing, two_domains());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Policy, UnknownPolicyNamesTheNearest) {
  auto message = error_of({{"policy", "tempreature"}});
  EXPECT_NE(message.find("'tempreature'"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'temperature'"), std::string::npos) << message;
}

TEST(Policy, UnknownSettingNamesTheNearest) {
  auto message = error_of({{"policy", "temperature"}, {"temperature", 2}, {"temprature", 3}});
  EXPECT_NE(message.find("mixing.temprature"), std::string::npos) << message;
  EXPECT_NE(message.find("did you mean 'mixing.temperature'"), std::string::npos) << message;
  // a setting of another policy is unknown to this one
  message = error_of({{"policy", "uniform"}, {"temperature", 2}});
  EXPECT_NE(message.find("mixing.temperature"), std::string::npos) << message;
}

TEST(Policy, RejectsMalformedSections) {
  EXPECT_NE(error_of(nlohmann::json::array()), "");
  EXPECT_NE(error_of({{"policy", 3}}), "");
  EXPECT_THROW(make_policy(nlohmann::json::object(), PolicyContext{}), Error);
  EXPECT_THROW(make_policy(nlohmann::json::object(), PolicyContext{{"a"}, {}, 1}), Error);
}

TEST(Policy, NamesIncludeTheStaticRecipes) {
  auto names = policy_names();
  for (const char* name : {"natural", "uniform", "temperature", "fixed"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST(PolicyParams, EditDistance) {
  EXPECT_EQ(edit_distance("", ""), 0u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("abc", ""), 3u);
  std::vector<std::string> names{"width", "depth", "heads"};
  EXPECT_EQ(nearest_name("widht", names), "width");
  EXPECT_EQ(nearest_name("dpeth", names), "depth");
  std::vector<std::string> keys{"train.lr", "train.beta1", "train.warmup_steps",
                                "train.eval_every"};
  EXPECT_EQ(nearest_name("train.warmup", keys), "train.warmup_steps");
  EXPECT_EQ(nearest_name("eval.every", keys), "train.eval_every");
  EXPECT_EQ(nearest_name("train.lrr", keys), "train.lr");
}

}  // namespace
}  // namespace cuvee
