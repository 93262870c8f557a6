// summary.json, the study's machine-readable result (docs/study.md, "Outputs"): its one writer.
// It holds what the report shows, as numbers: the provenance, every recipe's scores and paired
// comparisons, the oracle and each recipe's share of its gain, BiMix's fit quality, Velocitune's
// targets and the continual arm.
#pragma once

#include <filesystem>

#include "cuvee/study/report.h"

namespace cuvee::study {

// Written atomically.
void write_summary_file(const std::filesystem::path& path, const ReportData& data);

}  // namespace cuvee::study
