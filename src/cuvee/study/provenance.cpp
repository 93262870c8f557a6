#include "cuvee/study/provenance.h"

#include <fstream>

#include "cuvee/core/json_file.h"

namespace cuvee::study {

std::string cpu_model_name() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "unknown" : line.substr(start);
  }
  return "unknown";
}

nlohmann::json provenance_json(const Provenance& p) {
  return {{"version", p.version},
          {"commit", p.commit},
          {"config_hash", p.config_hash},
          {"model", p.model},
          {"parameters", p.parameters}};
}

void write_invocation_file(const std::filesystem::path& path, const Invocation& i) {
  write_json(path, {{"cpu", i.cpu},
                    {"cores", i.cores},
                    {"wall_seconds", i.wall_seconds},
                    {"runs_trained", i.runs_trained},
                    {"runs_reused", i.runs_reused},
                    {"training_seconds", i.training_seconds}});
}

}  // namespace cuvee::study
