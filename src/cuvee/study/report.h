// The study's report: one self-contained HTML page (inline CSS and SVG, no external assets)
// with the results table, the final losses, the loss curves, the online policies' proportion
// trajectories and BiMix's predictions against observations.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cuvee/run/metrics.h"
#include "cuvee/study/continual.h"
#include "cuvee/study/oracle.h"
#include "cuvee/study/summary.h"

namespace cuvee::study {

struct BimixQuality {
  double extrapolation_rel_error = 0;  // proxies' last evaluations, fitted without them
  double r2_log = 0;                   // on the evaluations after the proxies' window
  double future_rel_error = 0;         // the same points' mean relative error
  // (predicted, observed) per run the law was checked on, after the proxies' window.
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> points;
};

struct ReportData {
  std::string scale;
  std::string config;
  std::vector<RecipeSummary> recipes;             // compare_with_baselines() already applied
  std::vector<std::string> targets;               // the scored domains (study/scoring.h)
  std::map<std::string, RunCurves> trajectories;  // online policy → its first seed's run
  // Static mixtures by recipe (natural, uniform, entropy, bimix, ...), over `domains`.
  std::vector<std::string> domains;
  std::vector<std::pair<std::string, std::vector<double>>> mixtures;
  std::optional<BimixQuality> bimix;
  std::optional<Oracle> oracle;           // when the config asks for the oracle's search
  std::optional<ContinualArm> continual;  // when the config asks for the continual arm
  std::vector<std::string> notes;         // what the study left out, and why
  std::string version;                    // the cuvee that made the report (version_line())
  double tokens_per_step = 0;             // training tokens per step (batch × context): the x axes
};

std::string render_report(const ReportData& data);

}  // namespace cuvee::study
