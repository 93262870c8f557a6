// A recipe against a baseline over shared seeds: same seed, same initialisation and data order,
// so the per-seed differences cancel what the seed does to both and leave what the mixture does.
// The verdict comes from the Student t interval of their mean (docs/study.md).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee::study {

struct PairedComparison {
  std::vector<double> diffs;  // recipe − baseline, per seed (negative: the recipe's loss is lower)
  double mean = 0;
  std::optional<double> sd;  // the diffs' sample standard deviation (two seeds or more)
  // The two-sided 95% Student t interval of the mean difference (two seeds or more).
  std::optional<double> ci95_low, ci95_high;
  // "better" (the interval lies below 0), "worse" (above 0), "indistinguishable" (it holds 0),
  // or "one seed" (no interval).
  std::string verdict;
};

// Losses of the recipe and of the baseline, one per seed in the same seed order.
PairedComparison compare_paired(std::span<const double> recipe, std::span<const double> baseline);

// {"diffs": [...], "mean": x, "sd": x|null, "ci95_low": x|null, "ci95_high": x|null,
//  "verdict": "..."}
nlohmann::json paired_json(const PairedComparison& comparison);

}  // namespace cuvee::study
