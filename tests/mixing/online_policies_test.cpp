#include "cuvee/mixing/policy_factory.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

PolicyContext two_domains() {
  return {{"a", "b"}, {1, 3}, 100};
}

TEST(OnlinePolicies, MakePolicyDispatchesByName) {
  auto names = policy_names();
  for (const char* name : {"ado", "odm", "velocitune"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  EXPECT_EQ(make_policy({{"policy", "odm"}}, two_domains())->name(), "odm");
  EXPECT_EQ(make_policy({{"policy", "ado"}}, two_domains())->name(), "ado");
  EXPECT_EQ(make_policy({{"policy", "velocitune"}, {"targets", "a=1,b=1"}}, two_domains())->name(),
            "velocitune");
  // Every online policy starts from the natural proportions by default.
  EXPECT_EQ(make_policy({{"policy", "ado"}}, two_domains())->weights(),
            (std::vector<double>{0.25, 0.75}));
}

TEST(OnlinePolicies, MisspeltParameterNamesTheNearest) {
  try {
    make_policy({{"policy", "odm"}, {"alpah", 0.5}}, two_domains());
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("alpha"), std::string::npos) << e.what();
  }
}

TEST(OnlinePolicies, StaticStateDoesNotLoadIntoAnOnlinePolicy) {
  auto odm = make_policy({{"policy", "odm"}}, two_domains());
  auto ado = make_policy({{"policy", "ado"}}, two_domains());
  EXPECT_THROW(ado->load_state(odm->save_state()), Error);
  EXPECT_THROW(odm->load_state(nlohmann::json::object()), Error);
}

}  // namespace
}  // namespace cuvee
