// A run folder (`cuvee train --out DIR`): every file name in it is spelled here and only here.
//
//   checkpoint.pt        model, optimizer, sampler and policy state (train/checkpoint.h)
//   metrics.jsonl        one record per step and per evaluation (run/metrics.h)
//   observations.csv     one observation-table row per evaluation (run/metrics.h)
//   train.log            the trainer's output, when the study runs it as a child
//   train.lock           held (flock) by the trainer while it runs (core/folder_lock.h)
//   study-finished.txt   the study's marker that the run trained to its end; it holds the run's
//                        key text (study/run_key.h)
//
// docs/training.md describes the folder for users.
#pragma once

namespace cuvee {

inline constexpr const char* kCheckpointFile = "checkpoint.pt";
inline constexpr const char* kMetricsFile = "metrics.jsonl";
inline constexpr const char* kObservationsFile = "observations.csv";
inline constexpr const char* kTrainLogFile = "train.log";
inline constexpr const char* kTrainLockFile = "train.lock";
inline constexpr const char* kFinishedMarker = "study-finished.txt";

}  // namespace cuvee
