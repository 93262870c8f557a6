// The metrics record of a run: what the trainer appends to its run folder as training goes, and
// what the tools that read runs (the study, its report) get back. Its one writer (MetricsLog)
// and its one reader (read_run_metrics) are here. Two files (run/run_folder.h names them):
//
//   metrics.jsonl      one JSON object per line:
//     {"kind":"step","step":s,"train_loss":…,"lr":…,"tokens":…,"grad_norm":…,
//      "weights.<d>":…,"train_loss.<d>":…|null,"count.<d>":…}     after every step
//     {"kind":"eval","step":s,"validation_loss":…,"validation_loss.<d>":…,
//      "test_loss":…,"test_loss.<d>":…}                          at step 0 and every evaluation
//   observations.csv   run,step,p.<d>...,loss.<d>...              one row per evaluation after
//                                                                  step 0
//
// `tokens` counts training tokens through step s (s × batch × context). `weights.<d>` are the
// proportions step s was drawn with; `train_loss.<d>` is null where count.<d> is 0. An
// evaluation measures both held-out splits (corpus/domain.h): validation, which the policy is
// given, and test, which only scores; `validation_loss` and `test_loss` are the means over the
// domains. In observations.csv (the observation table of docs/laws.md, which `cuvee law fit`
// reads, so the validation losses: a law steers), p.<d> is the mean of the proportions of steps
// 1..s (for a static mixture, its weights exactly). Nothing here depends on timing: the same
// config and seed give the same bytes. docs/training.md describes the files for users.
//
// A new field of a record is added in three places: its struct below, the writer and the
// reader (metrics.cpp); a line of a kind the reader does not know is skipped, so older readers
// keep working on newer runs.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cuvee {

// One training step, as the writer takes it (spans over the trainer's buffers, per domain).
struct StepRecord {
  uint64_t step = 0;
  double train_loss = 0;
  double lr = 0;
  uint64_t tokens = 0;
  double grad_norm = 0;
  std::span<const double> weights;
  std::span<const double> domain_loss;
  std::span<const uint64_t> count;
};

// One evaluation, as the writer takes it.
struct EvalRecord {
  uint64_t step = 0;
  std::span<const double> validation;   // loss per domain on the validation split
  std::span<const double> test;         // loss per domain on the test split
  std::span<const double> proportions;  // the run's training proportions so far (p.<d>; none
                                        // at step 0)
};

// The writer.
class MetricsLog {
 public:
  // Creates the two files in `dir` (with the CSV header) when `resume_bytes` is null; otherwise
  // cuts them back to the sizes a checkpoint recorded ({metrics.jsonl, observations.csv}),
  // dropping what was written after it, and appends.
  MetricsLog(const std::filesystem::path& dir, std::string run, std::vector<std::string> domains,
             const std::pair<uint64_t, uint64_t>* resume_bytes);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  void step(const StepRecord& record);
  void eval(const EvalRecord& record);
  // Flushes both files and returns their sizes, for a checkpoint.
  std::pair<uint64_t, uint64_t> sync();

 private:
  void append(std::FILE* file, const char* name, const std::string& text);
  std::filesystem::path dir_;
  std::string run_;
  std::vector<std::string> domains_;
  std::FILE* metrics_ = nullptr;
  std::FILE* observations_ = nullptr;
};

// What the reader gives back.
struct EvalPoint {
  uint64_t step = 0;
  std::vector<double> validation;  // per domain, in RunCurves::domains order
  std::vector<double> test;        // per domain
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

// The reader: parses metrics.jsonl text; `source` names it in errors (line and field).
RunCurves parse_run_metrics(std::string_view text, const std::filesystem::path& source,
                            size_t max_weight_points = 200);
// The same from a run folder's metrics.jsonl.
RunCurves read_run_metrics(const std::filesystem::path& run_folder, size_t max_weight_points = 200);

}  // namespace cuvee
