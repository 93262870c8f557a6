// Fitting whole observation tables: refusals that say what to do, JSON round trips, predictions.
#include "cuvee/laws/law_fit.h"

#include <cmath>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cuvee/core/error.h"
#include "cuvee/core/json_file.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

ObservationTable parse(const std::string& text) {
  return parse_observations(parse_csv(text, "obs.csv"));
}

// A BiMix world over two domains, runs at four mixtures and five steps.
std::string bimix_table(bool with_zero_run) {
  std::string text = "run,step,p.a,p.b,loss.a,loss.b\n";
  auto law = [](double r, double s, double scale) {
    return std::pow(r, -0.1) * (scale / std::pow(s, 0.5) + 2.0);
  };
  std::vector<double> shares = {0.2, 0.4, 0.6, 0.8};
  if (with_zero_run) shares.push_back(1.0);
  for (double a : shares) {
    for (double s : {1000.0, 2000.0, 4000.0, 8000.0, 16000.0}) {
      double b = 1 - a;
      std::string lb = b > 0 ? fmt::format("{}", law(b, s, 40)) : "5.5";
      text += fmt::format("m{},{},{},{},{},{}\n", a, s, a, b, law(a, s, 30), lb);
    }
  }
  return text;
}

std::string fit_error(const std::string& law, const ObservationTable& table,
                      TableFitOptions options = {}) {
  try {
    fit_observations(law, table, options);
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(LawFit, FitsEveryLossDomainAndPredicts) {
  auto table = parse(bimix_table(false));
  auto fit = fit_observations("bimix", table, {});
  ASSERT_EQ(fit.loss_domains, (std::vector<std::string>{"a", "b"}));
  EXPECT_NEAR(fit.fits[0].parameters[1], 0.1, 1e-6);  // alpha of a
  EXPECT_NEAR(fit.fits[1].parameters[2], 40, 1e-3);   // B of b
  auto predictions = predict_observations(fit, table);
  for (size_t i = 0; i < predictions.size(); ++i) {
    EXPECT_NEAR(predictions[i], table.losses[i], 1e-8);
  }
  EXPECT_EQ(fit.data_rows, 20u);
  EXPECT_FALSE(fit.step);
  EXPECT_NEAR(fit.proportion_mean[0], 0.5, 1e-12);
}

TEST(LawFit, JsonRoundTripKeepsPredictions) {
  testing::TempDir dir;
  auto path = dir.write("obs.csv", bimix_table(false));
  auto table = read_observations(path);
  TableFitOptions options;
  options.fit.huber = 0.01;
  options.fit.bounds["beta"] = {0, 2};
  auto fit = fit_observations("bimix", table, options);
  write_law_fit(dir / "fit.json", fit);
  auto back = read_law_fit(dir / "fit.json");
  EXPECT_EQ(back.law, "bimix");
  EXPECT_EQ(back.data_hash.size(), 16u);
  EXPECT_EQ(back.options.huber, 0.01);
  EXPECT_EQ(back.options.bounds.at("beta").upper, 2);
  EXPECT_EQ(back.fits[1].parameters, fit.fits[1].parameters);
  EXPECT_EQ(predict_observations(back, table), predict_observations(fit, table));
  auto json = read_json(dir / "fit.json");
  EXPECT_EQ(json["domains"]["a"]["parameters"]["A"], 1.0);
  EXPECT_EQ(json["formula"], "L = A / r^alpha * (B / s^beta + C)");
}

TEST(LawFit, RefusesBrokenFitFiles) {
  testing::TempDir dir;
  auto table = parse(bimix_table(false));
  auto json = fit_observations("bimix", table, {}).to_json();
  auto broken = json;
  broken["format"] = "other/1";
  write_json(dir / "a.json", broken);
  EXPECT_THROW(read_law_fit(dir / "a.json"), Error);
  broken = json;
  broken["domains"]["b"]["parameters"].erase("beta");
  write_json(dir / "b.json", broken);
  try {
    read_law_fit(dir / "b.json");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              (dir / "b.json").string() + ": domains.b: missing field 'beta'");
  }
  broken = json;
  broken["law"] = "cubic";
  write_json(dir / "c.json", broken);
  EXPECT_THROW(read_law_fit(dir / "c.json"), Error);
}

TEST(LawFit, BimixRefusesZeroProportionsNamingRunAndDomain) {
  auto table = parse(bimix_table(true));
  EXPECT_EQ(fit_error("bimix", table),
            "obs.csv:22 (run 'm1', step 1000): run 'm1' has p.b = 0, where law 'bimix' (L = A / "
            "r^alpha * (B / s^beta + C)) is undefined; leave such rows out of each domain's fit "
            "with --skip-zero-proportions, or fit a law that accepts zero proportions (--law "
            "exponential or --law linear)");
  TableFitOptions skip;
  skip.skip_zero_proportions = true;
  auto fit = fit_observations("bimix", table, skip);
  EXPECT_EQ(fit.fits[0].points, 25u);
  EXPECT_EQ(fit.fits[1].points, 20u);
  auto predictions = predict_observations(fit, table);
  EXPECT_TRUE(std::isnan(predictions[20 * 2 + 1]));  // row of run m1, domain b
  EXPECT_FALSE(std::isnan(predictions[20 * 2]));
  // A fit made without the skip refuses such rows when predicting, too.
  auto strict = fit_observations("bimix", parse(bimix_table(false)), {});
  EXPECT_THROW(predict_observations(strict, table), Error);
  EXPECT_EQ(fit_error("exponential", table.at_step(1000), skip),
            "--skip-zero-proportions applies to bimix only; law 'exponential' accepts zero "
            "proportions");
}

TEST(LawFit, StepFreeLawsNeedOneStep) {
  auto table = parse(bimix_table(true));
  EXPECT_EQ(fit_error("exponential", table),
            "obs.csv: law 'exponential' has no step term, but the rows are at 1000, 2000, 4000, "
            "8000, 16000; fit the rows of one step (--step 16000, the last step every run "
            "reached)");
  auto fit = fit_observations("exponential", table.at_step(16000), {});
  EXPECT_EQ(*fit.step, 16000);
  try {
    predict_observations(fit, table);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "obs.csv:2 (run 'm0.2', step 1000): law 'exponential' has no step term and was "
                 "fitted at step 16000; it cannot predict step 1000 (select the rows of step "
                 "16000 with --step)");
  }
}

TEST(LawFit, RefusesWhatALawCannotUse) {
  auto table = parse(bimix_table(false));
  EXPECT_EQ(fit_error("step", table),
            "obs.csv: law 'step' ignores the proportions, but the rows have 4 different "
            "mixtures; fit the rows of one mixture (cuvee law split --runs ...)");
  auto one_run =
      parse("run,step,p.a,loss.a\nr,1000,1,3\nr,2000,1,2.8\nr,4000,1,2.7\nr,8000,1,2.65\n");
  EXPECT_EQ(fit_error("chinchilla", one_run),
            "obs.csv: law 'chinchilla' needs the model size of every run: add a column 'params'");
  EXPECT_NO_THROW(fit_observations("step", one_run, {}));
  auto step_zero = parse("run,step,p.a,loss.a\nr,0,1,3\nr,2000,1,2.8\nr,4000,1,2.7\n");
  EXPECT_EQ(fit_error("step", step_zero),
            "obs.csv:2 (run 'r', step 0): law 'step' needs steps > 0 (its step term s^-beta is "
            "undefined at 0)");
  TableFitOptions log_loss;
  log_loss.fit.log_loss = true;
  EXPECT_EQ(fit_error("linear", table.at_step(1000), log_loss),
            "law 'linear' can predict losses <= 0, which --log-loss cannot take the log of; fit "
            "it without --log-loss");
  auto unmeasured =
      parse("run,step,p.a,p.b,loss.a,loss.b\nr,1,0.5,0.5,3,\ns,1,0.2,0.8,3.2,\nt,1,0.9,0.1,2.9,\n");
  EXPECT_EQ(fit_error("linear", unmeasured), "obs.csv: loss.b has no observations to fit");
}

TEST(LawFit, PredictionsNeedTheFitsColumns) {
  auto fit = fit_observations("bimix", parse(bimix_table(false)), {});
  auto error_of = [&](const std::string& text) {
    try {
      predict_observations(fit, parse(text));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(error_of("run,step,p.a,loss.a\nr,1,1,3\n"),
            "obs.csv: missing column 'p.b', a proportion domain of the fit");
  EXPECT_EQ(error_of("run,step,p.a,p.b,p.c,loss.a\nr,1,0.5,0.5,0,3\n"),
            "obs.csv: column 'p.c' is not a proportion domain of the fit");
  EXPECT_EQ(error_of("run,step,p.a,p.b,loss.c\nr,1,0.5,0.5,3\n"),
            "obs.csv: column 'loss.c' is not a loss domain of the fit (it has: a, b)");
  // Columns in another order are matched by name.
  auto swapped = parse("run,step,p.b,p.a,loss.b\nr,1000,0.8,0.2,3\n");
  auto direct = parse("run,step,p.a,p.b,loss.b\nr,1000,0.2,0.8,3\n");
  EXPECT_EQ(predict_observations(fit, swapped), predict_observations(fit, direct));
}

}  // namespace
}  // namespace cuvee
