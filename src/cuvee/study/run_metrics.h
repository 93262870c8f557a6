// What the study reads back from a run's metrics.jsonl (docs/training.md): the held-out losses
// at each evaluation and the proportions each step was drawn with.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cuvee::study {

struct EvalPoint {
  uint64_t step = 0;
  double avg = 0;            // eval_loss: the mean over domains
  std::vector<double> loss;  // per domain, in RunCurves::domains order
};

struct WeightPoint {
  uint64_t step = 0;
  std::vector<double> weights;  // per domain
};

struct RunCurves {
  std::vector<std::string> domains;  // sorted, as the trainer orders them
  std::vector<EvalPoint> evals;
  std::vector<WeightPoint> weights;  // at most `max_weight_points`, evenly spaced, last kept
};

// Parses metrics.jsonl text; `source` names it in errors (line and field).
RunCurves parse_run_metrics(std::string_view text, const std::filesystem::path& source,
                            size_t max_weight_points = 200);
RunCurves read_run_metrics(const std::filesystem::path& path, size_t max_weight_points = 200);

}  // namespace cuvee::study
