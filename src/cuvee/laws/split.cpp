#include "cuvee/laws/split.h"

#include <algorithm>
#include <map>
#include <set>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"

namespace cuvee {
namespace {

// The address of the fold shuffle in the law stream, apart from the fit starts (which use
// addresses below 2^48: domain << 32 | start).
constexpr uint64_t kFoldShuffleAddress = uint64_t{1} << 62;

std::vector<std::string> runs_in_order(const ObservationTable& table) {
  std::vector<std::string> runs;
  std::set<std::string> seen;
  for (const auto& run : table.runs) {
    if (seen.insert(run).second) runs.push_back(run);
  }
  return runs;
}

}  // namespace

RowSplit split_last_steps(const ObservationTable& table, size_t steps) {
  if (steps == 0) fail("--last-steps must be at least 1");
  std::map<std::string, std::vector<double>> run_steps;
  for (size_t row = 0; row < table.rows(); ++row)
    run_steps[table.runs[row]].push_back(table.steps[row]);
  std::map<std::string, double> first_held;
  for (auto& [run, list] : run_steps) {
    if (list.size() <= steps) {
      fail("{}: run '{}' has {} step(s); holding out its last {} would leave none to fit",
           table.csv.path.string(), run, list.size(), steps);
    }
    std::sort(list.begin(), list.end());
    first_held[run] = list[list.size() - steps];
  }
  RowSplit split;
  for (size_t row = 0; row < table.rows(); ++row) {
    (table.steps[row] >= first_held[table.runs[row]] ? split.held : split.fit).push_back(row);
  }
  return split;
}

RowSplit split_runs(const ObservationTable& table, const std::vector<std::string>& runs) {
  if (runs.empty()) fail("no runs to hold out");
  std::set<std::string> known(table.runs.begin(), table.runs.end());
  std::set<std::string> held;
  for (const auto& run : runs) {
    if (!known.contains(run)) fail("{}: no run '{}'", table.csv.path.string(), run);
    if (!held.insert(run).second) fail("run '{}' is named twice", run);
  }
  if (held.size() == known.size()) fail("holding out every run would leave none to fit");
  RowSplit split;
  for (size_t row = 0; row < table.rows(); ++row) {
    (held.contains(table.runs[row]) ? split.held : split.fit).push_back(row);
  }
  return split;
}

std::vector<size_t> run_folds(const ObservationTable& table, size_t folds, uint64_t seed) {
  auto runs = runs_in_order(table);
  if (folds < 2) fail("cross-validation needs at least 2 folds, got {}", folds);
  if (folds > runs.size()) {
    fail("{}: {} folds but only {} runs; every fold needs a run", table.csv.path.string(), folds,
         runs.size());
  }
  SequentialRng rng(seed, Stream::kLawStarts, kFoldShuffleAddress);
  for (size_t i = runs.size(); i > 1; --i) std::swap(runs[i - 1], runs[rng.below(i)]);
  std::map<std::string, size_t> fold_of;
  for (size_t i = 0; i < runs.size(); ++i) fold_of[runs[i]] = i % folds;
  std::vector<size_t> row_folds;
  for (const auto& run : table.runs) row_folds.push_back(fold_of[run]);
  return row_folds;
}

RowSplit split_fold(const ObservationTable& table, size_t fold, size_t folds, uint64_t seed) {
  auto row_folds = run_folds(table, folds, seed);
  if (fold >= folds) fail("fold {} of {}: folds are numbered 0 to {}", fold, folds, folds - 1);
  RowSplit split;
  for (size_t row = 0; row < table.rows(); ++row) {
    (row_folds[row] == fold ? split.held : split.fit).push_back(row);
  }
  return split;
}

}  // namespace cuvee
