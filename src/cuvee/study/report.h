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
#include "cuvee/study/bimix_quality.h"
#include "cuvee/study/continual.h"
#include "cuvee/study/oracle.h"
#include "cuvee/study/provenance.h"
#include "cuvee/study/summary.h"

namespace cuvee::study {

struct ReportData {
  std::string scale;
  std::string config;
  uint64_t steps = 0;                             // every recipe's run length
  std::vector<int64_t> seeds;                     // the scale's seeds, in order
  std::vector<RecipeSummary> recipes;             // compare_with_baselines() already applied
  std::vector<std::string> targets;               // the scored domains (study/scoring.h)
  std::vector<double> natural_weights;            // per target: its natural-weighted score weight
  std::map<std::string, RunCurves> trajectories;  // online policy → its first seed's run
  // Static mixtures by recipe (natural, uniform, entropy, bimix, ...), over `domains`.
  std::vector<std::string> domains;
  std::vector<std::pair<std::string, std::vector<double>>> mixtures;
  std::optional<BimixQuality> bimix;
  uint64_t proxy_steps = 0;  // BiMix's proxy window, when it ran
  // Velocitune's target loss per domain, when it ran (the step fit of natural's proxy window).
  std::map<std::string, double> velocitune_targets;
  std::optional<Oracle> oracle;           // when the config asks for the oracle's search
  std::optional<ContinualArm> continual;  // when the config asks for the continual arm
  Provenance provenance;                  // which cuvee, configs and model
  Invocation invocation;                  // which machine, how long
  double tokens_per_step = 0;             // training tokens per step (batch × context): the x axes
};

std::string render_report(const ReportData& data);

}  // namespace cuvee::study
