// Where a study's numbers came from, for the summary and the report: which cuvee, which configs
// (hashed) and which model (Provenance: it decides the numbers, so summary.json holds it and
// stays the same bytes when a study is resumed), and which machine and how long this invocation
// took (Invocation: the report and invocation.json hold it).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace cuvee::study {

struct Provenance {
  std::string version, commit;  // core/version.h
  std::string version_line;     // "cuvee 0.1.0 (commit …)", as `cuvee --version` prints it
  // hash64 of the study config's text, then the training config's: two studies with the same
  // hash ran the same configs.
  std::string config_hash;
  std::string model;       // ModelShape::describe()
  int64_t parameters = 0;  // the model's parameters (the tied embedding once)
};

struct Invocation {
  std::string cpu;          // the CPU's model name (/proc/cpuinfo), or "unknown"
  unsigned cores = 0;       // the cores this process may run on
  double wall_seconds = 0;  // this invocation of `cuvee study`, start to summary
  // Runs this invocation trained (and their wall time) and runs it found finished earlier.
  uint64_t runs_trained = 0, runs_reused = 0;
  double training_seconds = 0;
};

// The CPU's model name, or "unknown" where /proc/cpuinfo does not say.
std::string cpu_model_name();

// {"version", "commit", "config_hash", "model", "parameters"}
nlohmann::json provenance_json(const Provenance& provenance);

// invocation.json: {"cpu", "cores", "wall_seconds", "runs_trained", "runs_reused",
// "training_seconds"}, written atomically.
void write_invocation_file(const std::filesystem::path& path, const Invocation& invocation);

}  // namespace cuvee::study
