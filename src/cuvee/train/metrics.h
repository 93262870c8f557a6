// What a run records, for people and for the tools that read runs (law fitting, policy replay,
// the study's report). Two files in the run folder, appended as training goes:
//
//   metrics.jsonl      one JSON object per line:
//     {"kind":"step","step":s,"train_loss":…,"lr":…,"tokens":…,"grad_norm":…,
//      "weights.<d>":…,"train_loss.<d>":…|null,"count.<d>":…}     after every step
//     {"kind":"eval","step":s,"eval_loss":…,"eval_loss.<d>":…}   after every evaluation
//   observations.csv   run,step,p.<d>...,loss.<d>...              one row per evaluation
//
// `tokens` counts training tokens through step s (s × batch × context). `weights.<d>` are the
// proportions step s was drawn with; `train_loss.<d>` is null where count.<d> is 0. `eval_loss`
// is the mean of the domains' held-out losses. In observations.csv, p.<d> is the mean of the
// proportions of steps 1..s (for a static mixture, its weights exactly). Nothing here depends
// on timing: the same config and seed give the same bytes.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace cuvee {

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

class MetricsLog {
 public:
  // Creates the two files (with the CSV header) when `resume_bytes` is null; otherwise cuts them
  // back to the sizes a checkpoint recorded ({metrics.jsonl, observations.csv}), dropping what
  // was written after it, and appends.
  MetricsLog(const std::filesystem::path& dir, std::string run, std::vector<std::string> domains,
             const std::pair<uint64_t, uint64_t>* resume_bytes);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  void step(const StepRecord& record);
  void eval(uint64_t step, std::span<const double> eval_loss, std::span<const double> proportions);
  // Flushes both files and returns their sizes, for a checkpoint.
  std::pair<uint64_t, uint64_t> sync();

  static constexpr const char* kMetricsFile = "metrics.jsonl";
  static constexpr const char* kObservationsFile = "observations.csv";

 private:
  void append(std::FILE* file, const std::string& text);
  std::filesystem::path dir_;
  std::string run_;
  std::vector<std::string> domains_;
  std::FILE* metrics_ = nullptr;
  std::FILE* observations_ = nullptr;
};

}  // namespace cuvee
