#include "cuvee/core/mixture.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cuvee/core/error.h"

namespace cuvee {
namespace {

TEST(Mixture, ParsesAndNormalises) {
  auto m = Mixture::parse("a=1,b=3").normalised();
  EXPECT_EQ(m.domains, (std::vector<std::string>{"a", "b"}));
  EXPECT_DOUBLE_EQ(m.weight("b"), 0.75);
  EXPECT_EQ(m.weights_for({"b", "a"}), (std::vector<double>{0.75, 0.25}));
}

TEST(Mixture, RejectsBadSpecs) {
  EXPECT_THROW(Mixture::parse("a=0.5,b"), Error);
  EXPECT_THROW(Mixture::parse("a=x"), Error);
  EXPECT_THROW(Mixture::parse("a=1,a=2"), Error);
  EXPECT_THROW(Mixture::parse("a=-1,b=2").normalised(), Error);
  EXPECT_THROW(Mixture::parse("a=0,b=0").normalised(), Error);
  EXPECT_THROW(Mixture::parse("a=1").weights_for({"b"}), Error);
  EXPECT_THROW(Mixture::parse("a=1,c=1").weights_for({"a"}), Error);
}

TEST(Mixture, JsonRoundTrip) {
  auto m = Mixture::parse("x=0.25,y=0.75");
  auto back = Mixture::from_json(m.to_json());
  EXPECT_DOUBLE_EQ(back.weight("x"), 0.25);
  EXPECT_DOUBLE_EQ(back.weight("y"), 0.75);
}

}  // namespace
}  // namespace cuvee
