// How well BiMix's law fitted the study's proxy runs, and how well it predicted what came after
// them: the report's and the summary's "bimix" section. Also the study's bimix/ folder, whose
// files are named here and only here.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace cuvee::study {

// The study's bimix/ folder: the proxies' evaluations, the fits and the mixture.
struct BimixFolder {
  std::filesystem::path dir;
  // Every proxy evaluation up to the window (the fit's data), and the fit of all of them.
  std::filesystem::path proxies() const { return dir / "proxies.csv"; }
  std::filesystem::path fit() const { return dir / "fit.json"; }
  // The paper's extrapolation protocol: fitted without each proxy's last evaluation, which is
  // held out to score the fit.
  std::filesystem::path extrapolation_data() const { return dir / "extrapolation_fit.csv"; }
  std::filesystem::path extrapolation_fit() const { return dir / "extrapolation_fit.json"; }
  std::filesystem::path extrapolation_held_out() const {
    return dir / "extrapolation_held_out.csv";
  }
  std::filesystem::path mixture() const { return dir / "mixture.json"; }  // law optimize's
  std::filesystem::path log() const { return dir / "law.log"; }
};

struct BimixQuality {
  double extrapolation_rel_error = 0;  // proxies' last evaluations, fitted without them
  double r2_log = 0;                   // on the evaluations after the proxies' window
  double future_rel_error = 0;         // the same points' mean relative error
  // (predicted, observed) per run the law was checked on, after the proxies' window.
  std::vector<std::pair<std::string, std::vector<std::pair<double, double>>>> points;
};

// Scores the fits in `folder` against the held-out last evaluations, and the full fit against
// every evaluation after the window of `proxy_tables` (the proxies' observations, trained past
// the window where they are full runs) and of `bimix_runs`' observations (all of them).
BimixQuality bimix_quality(const BimixFolder& folder,
                           const std::vector<std::filesystem::path>& proxy_tables,
                           const std::vector<std::filesystem::path>& bimix_tables,
                           uint64_t proxy_steps);

}  // namespace cuvee::study
