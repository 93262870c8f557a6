#include "cuvee/study/summary_file.h"

#include <nlohmann/json.hpp>

#include "cuvee/core/json_file.h"

namespace cuvee::study {

void write_summary_file(const std::filesystem::path& path, const ReportData& data) {
  nlohmann::json summary;
  summary["cuvee"] = {{"version", data.provenance.version}, {"commit", data.provenance.commit}};
  summary["provenance"] = provenance_json(data.provenance);
  summary["scale"] = data.scale;
  summary["steps"] = data.steps;
  summary["seeds"] = data.seeds;
  summary["domains"] = data.domains;
  summary["targets"] = data.targets;
  summary["natural_weights"] = nlohmann::json::object();
  for (size_t t = 0; t < data.targets.size(); ++t) {
    summary["natural_weights"][data.targets[t]] = data.natural_weights[t];
  }
  const RecipeSummary* natural = nullptr;
  for (const auto& recipe : data.recipes) {
    if (recipe.name == "natural") natural = &recipe;
  }
  summary["recipes"] = nlohmann::json::array();
  for (const auto& recipe : data.recipes) {
    nlohmann::json json = recipe_json(recipe);
    if (data.oracle && natural != nullptr) {
      auto share = oracle_share(*data.oracle, natural->balanced_per_seed.front(),
                                recipe.balanced_per_seed.front());
      json["oracle_share"] = share ? nlohmann::json(*share) : nlohmann::json(nullptr);
    }
    summary["recipes"].push_back(std::move(json));
  }
  if (data.oracle) summary["oracle"] = oracle_json(*data.oracle, data.domains);
  if (data.bimix) {
    summary["bimix"] = {{"extrapolation_rel_error", data.bimix->extrapolation_rel_error},
                        {"r2_log", data.bimix->r2_log},
                        {"later_steps_rel_error", data.bimix->future_rel_error},
                        {"proxy_steps", data.proxy_steps}};
  }
  if (!data.velocitune_targets.empty()) summary["velocitune_targets"] = data.velocitune_targets;
  if (data.continual) summary["continual"] = continual_json(*data.continual);
  write_json(path, summary);
}

}  // namespace cuvee::study
