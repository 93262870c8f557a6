#include "cuvee/mixing/policy.h"

#include <gtest/gtest.h>

#include <string>

#include "cuvee/core/error.h"
#include "cuvee/mixing/policy_factory.h"

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

}  // namespace
}  // namespace cuvee
