#include "cuvee/study/report.h"

#include <regex>

#include <gtest/gtest.h>

namespace cuvee::study {
namespace {

RunCurves run(double last) {
  RunCurves curves;
  curves.domains = {"code", "mail"};
  curves.evals = {{0, {9, 9}, {9, 9}}, {50, {5, 7}, {5, 7}}, {100, {0, 0}, {last - 1, last + 1}}};
  curves.weights = {{1, {0.5, 0.5}}, {100, {0.7, 0.3}}};
  return curves;
}

ReportData data() {
  ReportData d;
  d.scale = "demo";
  d.config = "examples/localpile.toml";
  d.domains = {"code", "mail"};
  std::vector<uint64_t> tokens = {1, 1};
  Scoring scoring({"code", "mail"}, tokens, {}, "study.toml");
  d.recipes = {summarise_recipe("uniform", {run(5)}, scoring),
               summarise_recipe("odm", {run(4.5)}, scoring),
               summarise_recipe("natural", {run(5.5)}, scoring)};
  compare_with_baselines(d.recipes, {"natural", "uniform"}, 1024);
  d.targets = {"code", "mail"};
  d.trajectories["odm"] = run(4.5);
  d.mixtures = {{"uniform", {0.5, 0.5}}, {"bimix", {0.6, 0.4}}};
  d.bimix = BimixQuality{0.012, 0.95, 0.02, {{"natural", {{5.1, 5.0}, {6.9, 7.0}}}}};
  d.oracle = choose_oracle(
      {{"natural", {0.5, 0.5}, 5.5}, {"uniform", {0.5, 0.5}, 5}, {"oracle.1", {0.2, 0.8}, 4.4}},
      std::nullopt);
  d.provenance.version = "0.1.0";
  d.provenance.commit = "abc123";
  d.provenance.version_line = "cuvee 0.1.0 (commit abc123)";
  d.provenance.config_hash = "00ff";
  d.provenance.model = "vocab 257, context 64, width 128, depth 2, heads 4";
  d.provenance.parameters = 123456;
  d.invocation.cpu = "A <cpu>";
  d.invocation.cores = 2;
  d.invocation.wall_seconds = 125;
  d.invocation.runs_trained = 3;
  d.invocation.runs_reused = 1;
  d.invocation.training_seconds = 100;
  return d;
}

TEST(Report, HasEverySection) {
  auto html = render_report(data());
  for (const char* id : {"results", "oracle", "curves", "trajectories", "bimix", "provenance"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  EXPECT_NE(html.find("Lowest balanced score: <b>odm</b>"), std::string::npos);
  // The headline states the verdict against both baselines; one seed says so.
  EXPECT_NE(html.find("-1.0000 against natural (one seed); -0.5000 against uniform (one seed)"),
            std::string::npos);
  EXPECT_NE(html.find("no difference here is tested against seed noise"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"best\"><td>odm</td>"), std::string::npos);
  // Odm (6 at step 50, 4.5 at 100) reaches natural's final 5.5 at step 66.7 and uniform's 5 at
  // 83.3, interpolated; 1024 tokens a step.
  EXPECT_NE(html.find("<td>-0.5000</td><td>one seed</td><td>67 (33% saved; 0.07M tokens)</td>"
                      "<td>83 (17% saved; 0.09M tokens)</td>"),
            std::string::npos);
  EXPECT_NE(html.find("Test loss per domain"), std::string::npos);
  EXPECT_NE(html.find("<td><b>3.500</b></td>"), std::string::npos);  // odm's code loss, lowest
  EXPECT_NE(html.find("1.20%"), std::string::npos);                  // extrapolation error
  // Provenance: the cuvee, the configs' hash, the model and its size, the machine, the time.
  EXPECT_NE(html.find("<td>cuvee 0.1.0 (commit abc123)</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>00ff</td>"), std::string::npos);
  EXPECT_NE(html.find("heads 4, 123456 parameters"), std::string::npos);
  EXPECT_NE(html.find("A &lt;cpu&gt;, 2 cores"), std::string::npos);
  EXPECT_NE(html.find("3 runs trained in"), std::string::npos);
  EXPECT_NE(html.find("1 found finished from an earlier invocation"), std::string::npos);
  EXPECT_NE(html.find("Best: <b>oracle.1</b>, balanced score 4.4000: 1.1000 below natural"),
            std::string::npos);
  EXPECT_NE(html.find("Headroom not judged"), std::string::npos);
  EXPECT_NE(html.find("odm: proportion of each domain"), std::string::npos);
}

// Curves over tokens, shaded by the seeds' range when there are seeds, and one small chart per
// domain (a domain outside the targets marked).
TEST(Report, CurvesShadeTheSeedsAndShowEveryDomain) {
  auto one = data();
  one.tokens_per_step = 1e4;
  one.targets = {"code"};
  auto html = render_report(one);
  EXPECT_NE(html.find("training tokens (millions)"), std::string::npos);
  EXPECT_EQ(html.find("class=\"band\""), std::string::npos);
  EXPECT_NE(html.find("One seed: no band of seeds to shade"), std::string::npos);
  EXPECT_NE(html.find("Per domain (test loss"), std::string::npos);
  EXPECT_NE(html.find(">code<"), std::string::npos);
  EXPECT_NE(html.find("mail (not scored)"), std::string::npos);
  std::vector<uint64_t> tokens = {1, 1};
  Scoring scoring({"code", "mail"}, tokens, {}, "study.toml");
  auto seeds = one;
  seeds.recipes = {summarise_recipe("uniform", {run(5), run(5.2)}, scoring),
                   summarise_recipe("natural", {run(5.5), run(5.4)}, scoring)};
  compare_with_baselines(seeds.recipes, {"natural", "uniform"}, 1024);
  html = render_report(seeds);
  EXPECT_NE(html.find("class=\"band\""), std::string::npos);
  EXPECT_NE(html.find("Shaded: the range of the seeds"), std::string::npos);
}

TEST(Report, IsSelfContainedAndBalanced) {
  auto html = render_report(data());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("http:"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  // Every element that is opened is closed, in order.
  std::regex tag("<(/?)(html|head|body|section|table|tr|svg|p|ul|li|h1|h2|h3|div|th|td)[ >]");
  std::vector<std::string> stack;
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator();
       ++it) {
    if ((*it)[1] == "") {
      stack.push_back((*it)[2]);
    } else {
      ASSERT_FALSE(stack.empty()) << "closing " << (*it)[2];
      ASSERT_EQ(stack.back(), (*it)[2]);
      stack.pop_back();
    }
  }
  EXPECT_TRUE(stack.empty());
}

TEST(Report, SaysWhenNothingFinished) {
  ReportData empty;
  auto html = render_report(empty);
  EXPECT_NE(html.find("No recipe has finished"), std::string::npos);
}

}  // namespace
}  // namespace cuvee::study
