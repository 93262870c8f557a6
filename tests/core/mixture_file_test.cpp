#include "cuvee/core/mixture_file.h"

#include <gtest/gtest.h>

#include <string>

#include "cuvee/core/error.h"
#include "cuvee/core/json_file.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

std::string error_of(const std::filesystem::path& path) {
  try {
    read_mixture_file(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(MixtureFile, ReadsWhatTheWriterWrites) {
  testing::TempDir dir;
  MixtureFile file{"law", Mixture::parse("a=0.25,b=0.75"), {{"step", 100}}};
  write_mixture_file(dir / "m.json", file);
  auto json = read_json(dir / "m.json");
  EXPECT_EQ(json["format"], "cuvee-mixture/1");
  EXPECT_EQ(json["method"], "law");
  EXPECT_EQ(json["step"], 100);
  auto back = read_mixture_file(dir / "m.json");
  EXPECT_EQ(back.domains, file.mixture.domains);
  EXPECT_EQ(back.weights, file.mixture.weights);
}

TEST(MixtureFile, ReadsABareMap) {
  testing::TempDir dir;
  auto back = read_mixture_file(dir.write("m.json", R"({"a": 1, "b": 3})"));
  EXPECT_EQ(back.weights_for({"a", "b"}), (std::vector<double>{1, 3}));  // as written
}

TEST(MixtureFile, RefusesWhatIsNotOne) {
  testing::TempDir dir;
  auto message = error_of(dir.write("format.json", R"({"format": "x/1", "mixture": {"a": 1}})"));
  EXPECT_NE(message.find("format.json"), std::string::npos) << message;
  EXPECT_NE(message.find("cuvee-mixture/1"), std::string::npos) << message;
  message = error_of(dir.write("weight.json", R"({"mixture": {"a": "heavy"}})"));
  EXPECT_NE(message.find("weight.json"), std::string::npos) << message;
  EXPECT_NE(message.find("'a'"), std::string::npos) << message;
  EXPECT_NE(error_of(dir.write("list.json", "[1, 2]")).find("list.json"), std::string::npos);
  EXPECT_NE(error_of(dir / "missing.json").find("missing.json"), std::string::npos);
}

}  // namespace
}  // namespace cuvee
