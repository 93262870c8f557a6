// `cuvee study`: the end-to-end data-mixing study (docs/study.md). Decides the mixtures of every
// recipe (static, entropy, BiMix fitted on proxy runs, online policies, density selection),
// trains the same model on each as `cuvee train` child processes (skipping finished runs,
// resuming interrupted ones), and writes summary.json and report.html into the output folder.
#pragma once

#include <filesystem>
#include <string>

#include "cuvee/study/study_config.h"

namespace cuvee::study {

struct StudyOptions {
  std::string scale = "demo";
  std::filesystem::path out;
};

void run_study(const StudyConfig& config, const StudyOptions& options);

}  // namespace cuvee::study
