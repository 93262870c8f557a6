#include "cuvee/study/study_config.h"

#include <algorithm>
#include <sstream>

#include <toml++/toml.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/nearest_name.h"
#include "cuvee/run/toml_lines.h"
#include "cuvee/study/recipes.h"

namespace cuvee::study {
namespace {

const std::vector<std::string> kMeasures = {"shannon", "joint", "conditional"};

// The config file and the line of each of its dotted keys, for messages.
struct Source {
  std::filesystem::path path;
  std::map<std::string, uint32_t> lines;
  std::string string() const { return path.string(); }
};

// "file:LINE", the line where the key was set ("file" for a key not in the file).
std::string line_of(const Source& source, const std::string& key) {
  auto line = source.lines.find(key);
  if (line == source.lines.end()) return source.string();
  return fmt::format("{}:{}", source.string(), line->second);
}

// "file:LINE: key", for messages about the key's value.
std::string where(const Source& source, const std::string& key) {
  return line_of(source, key) + ": " + key;
}

// Refuses keys of `table` outside `known`, naming the nearest valid one.
void check_keys(const toml::table& table, const std::vector<std::string>& known,
                const std::string& prefix, const Source& source) {
  for (const auto& [key, node] : table) {
    std::string name(key.str());
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::vector<std::string> full;
    for (const auto& k : known) full.push_back(prefix + k);
    fail("{}: unknown key '{}{}'; did you mean '{}'?", line_of(source, prefix + name), prefix, name,
         nearest_name(prefix + name, full));
  }
}

std::string string_value(const toml::table& table, const std::string& key, const std::string& full,
                         const Source& source, std::string fallback) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  auto value = node->value<std::string>();
  if (!value) fail("{}: expected a string", where(source, full));
  return *value;
}

double number_value(const toml::table& table, const std::string& key, const std::string& full,
                    const Source& source, double fallback) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  auto value = node->value<double>();
  if (!value) fail("{}: expected a number", where(source, full));
  return *value;
}

std::vector<std::string> string_list(const toml::table& table, const std::string& key,
                                     const std::string& full, const Source& source,
                                     std::vector<std::string> fallback) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return fallback;
  const toml::array* array = node->as_array();
  if (array == nullptr) fail("{}: expected a list of strings", where(source, full));
  std::vector<std::string> out;
  for (const auto& item : *array) {
    auto value = item.value<std::string>();
    if (!value) fail("{}: expected a list of strings", where(source, full));
    out.push_back(*value);
  }
  return out;
}

const toml::table* subtable(const toml::table& table, const std::string& key,
                            const std::string& full, const Source& source) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return nullptr;
  if (!node->is_table()) fail("{}: expected a table", where(source, full));
  return node->as_table();
}

ScaleConfig parse_scale(const toml::table& table, const std::string& name, const Source& source) {
  std::string prefix = "scales." + name + ".";
  check_keys(table, {"steps", "eval_every", "seeds", "set"}, prefix, source);
  ScaleConfig scale;
  double steps = number_value(table, "steps", prefix + "steps", source, 0);
  if (steps < 10 || steps != static_cast<double>(static_cast<uint64_t>(steps))) {
    fail("{}: expected a whole number of steps ≥ 10, got {}", where(source, prefix + "steps"),
         steps);
  }
  scale.steps = static_cast<uint64_t>(steps);
  double eval_every = number_value(table, "eval_every", prefix + "eval_every", source,
                                   static_cast<double>(scale.steps / 10));
  if (eval_every < 1 || eval_every > steps ||
      eval_every != static_cast<double>(static_cast<uint64_t>(eval_every))) {
    fail("{}: expected a whole number of steps in [1, {}], got {}",
         where(source, prefix + "eval_every"), scale.steps, eval_every);
  }
  scale.eval_every = static_cast<uint64_t>(eval_every);
  const toml::node* seeds = table.get("seeds");
  if (seeds == nullptr) {
    scale.seeds = {1};
  } else {
    const toml::array* array = seeds->as_array();
    if (array == nullptr || array->empty()) {
      fail("{}: expected a non-empty list of integers", where(source, prefix + "seeds"));
    }
    for (const auto& item : *array) {
      auto seed = item.value<int64_t>();
      if (!seed || item.is_floating_point()) {
        fail("{}: expected a non-empty list of integers", where(source, prefix + "seeds"));
      }
      scale.seeds.push_back(*seed);
    }
  }
  if (const toml::table* set = subtable(table, "set", prefix + "set", source)) {
    for (const auto& [key, node] : *set) {
      std::string name_of_key(key.str());
      if (name_of_key == "train.steps" || name_of_key == "train.eval_every" ||
          name_of_key == "seed" || name_of_key == "run" || name_of_key == "data.paths" ||
          name_of_key.rfind("mixing.", 0) == 0) {
        fail("{}: '{}' is set by the study itself (use scales.{}.steps, eval_every or seeds)",
             where(source, prefix + "set"), name_of_key, name);
      }
      std::ostringstream text;
      node.visit([&](const auto& value) { text << value; });
      scale.set[name_of_key] = text.str();
    }
  }
  return scale;
}

}  // namespace

const ScaleConfig& StudyConfig::scale(std::string_view name) const {
  auto it = scales.find(std::string(name));
  if (it == scales.end()) {
    std::vector<std::string> names;
    for (const auto& [known, _] : scales) names.push_back(known);
    fail("{}: no scale '{}' (scales: {})", source.string(), name, fmt::join(names, ", "));
  }
  return it->second;
}

StudyConfig parse_study_config(std::string_view text, const std::filesystem::path& path) {
  toml::table root;
  try {
    root = toml::parse(text, path.string());
  } catch (const toml::parse_error& e) {
    fail("{}:{}: {}", path.string(), e.source().begin.line, e.description());
  }
  const Source source{path, toml_key_lines(root)};
  check_keys(root,
             {"data", "train", "recipes", "targets", "entropy_measure", "entropy_estimator",
              "bimix", "odm", "oracle", "selection", "continual", "scales"},
             "", source);
  StudyConfig config;
  config.source = path;
  config.data = string_value(root, "data", "data", source, "data");
  config.train = string_value(root, "train", "train", source, "");
  if (config.train.empty()) fail("{}: 'train' (the training config) is required", source.string());
  config.recipes = string_list(root, "recipes", "recipes", source, recipe_names());
  if (config.recipes.empty()) fail("{}: expected at least one recipe", where(source, "recipes"));
  for (size_t i = 0; i < config.recipes.size(); ++i) {
    const auto& recipe = config.recipes[i];
    if (std::find(config.recipes.begin(), config.recipes.begin() + i, recipe) !=
        config.recipes.begin() + i) {
      fail("{}: '{}' is listed twice", where(source, "recipes"), recipe);
    }
    if (std::find(recipe_names().begin(), recipe_names().end(), recipe) == recipe_names().end()) {
      fail("{}: unknown recipe '{}'; did you mean '{}'?", where(source, "recipes"), recipe,
           nearest_name(recipe, recipe_names()));
    }
  }
  if (std::find(config.recipes.begin(), config.recipes.end(), "uniform") == config.recipes.end()) {
    fail("{}: 'uniform' is required (every recipe is compared with it)", where(source, "recipes"));
  }
  const bool has_natural =
      std::find(config.recipes.begin(), config.recipes.end(), "natural") != config.recipes.end();
  for (const auto& name : config.recipes) {
    if (recipe(name).needs_natural && !has_natural) {
      fail("{}: '{}' needs 'natural' (its proxy run or reference model)", where(source, "recipes"),
           name);
    }
  }
  // Checked against the data's domains when the study opens them (study/scoring.h).
  config.targets = string_list(root, "targets", "targets", source, {});
  if (root.get("targets") != nullptr && config.targets.empty()) {
    fail("{}: expected at least one domain (leave it out to score every domain)",
         where(source, "targets"));
  }
  config.entropy_measure =
      string_value(root, "entropy_measure", "entropy_measure", source, "conditional");
  if (std::find(kMeasures.begin(), kMeasures.end(), config.entropy_measure) == kMeasures.end()) {
    fail("{}: expected shannon, joint or conditional, got '{}'", where(source, "entropy_measure"),
         config.entropy_measure);
  }
  config.entropy_estimator =
      string_value(root, "entropy_estimator", "entropy_estimator", source, "miller-madow");
  if (config.entropy_estimator != "plug-in" && config.entropy_estimator != "miller-madow") {
    fail("{}: expected plug-in or miller-madow, got '{}'", where(source, "entropy_estimator"),
         config.entropy_estimator);
  }
  config.bimix_proxy_measures = {"shannon", "joint"};
  if (const toml::table* bimix = subtable(root, "bimix", "bimix", source)) {
    check_keys(*bimix, {"proxy_measures", "proxy_fraction"}, "bimix.", source);
    config.bimix_proxy_measures = string_list(*bimix, "proxy_measures", "bimix.proxy_measures",
                                              source, config.bimix_proxy_measures);
    for (const auto& measure : config.bimix_proxy_measures) {
      if (std::find(kMeasures.begin(), kMeasures.end(), measure) == kMeasures.end()) {
        fail("{}: expected shannon, joint or conditional, got '{}'",
             where(source, "bimix.proxy_measures"), measure);
      }
    }
    config.proxy_fraction =
        number_value(*bimix, "proxy_fraction", "bimix.proxy_fraction", source, 0.5);
    if (!(config.proxy_fraction > 0 && config.proxy_fraction < 1)) {
      fail("{}: expected a fraction in (0, 1), got {}", where(source, "bimix.proxy_fraction"),
           config.proxy_fraction);
    }
  }
  if (const toml::table* continual = subtable(root, "continual", "continual", source)) {
    check_keys(*continual, {"base"}, "continual.", source);
    // Checked against the data's domains when the study opens them.
    config.continual_base = string_list(*continual, "base", "continual.base", source, {});
    if (config.continual_base.empty()) {
      fail("{}: expected the base model's domains (at least one)", where(source, "continual.base"));
    }
    if (std::find(config.recipes.begin(), config.recipes.end(), "natural") ==
        config.recipes.end()) {
      fail("{}: the continual arm needs 'natural' (Velocitune's targets come from its run)",
           where(source, "continual"));
    }
  }
  if (const toml::table* odm = subtable(root, "odm", "odm", source)) {
    check_keys(*odm, {"epsilon_reference_steps"}, "odm.", source);
    config.odm_epsilon_reference_steps =
        number_value(*odm, "epsilon_reference_steps", "odm.epsilon_reference_steps", source, 0);
    if (!(config.odm_epsilon_reference_steps >= 0)) {
      fail("{}: expected a number of steps ≥ 0 (0: the released schedule), got {}",
           where(source, "odm.epsilon_reference_steps"), config.odm_epsilon_reference_steps);
    }
  }
  if (const toml::table* oracle = subtable(root, "oracle", "oracle", source)) {
    check_keys(*oracle, {"samples"}, "oracle.", source);
    double samples = number_value(*oracle, "samples", "oracle.samples", source, 0);
    if (!(samples >= 0 && samples <= 1000) ||
        samples != static_cast<double>(static_cast<uint64_t>(samples))) {
      fail("{}: expected a whole number of mixtures in [0, 1000], got {}",
           where(source, "oracle.samples"), samples);
    }
    config.oracle_samples = static_cast<uint64_t>(samples);
    if (config.oracle_samples > 0 && std::find(config.recipes.begin(), config.recipes.end(),
                                               "natural") == config.recipes.end()) {
      fail("{}: oracle: the oracle's gain is measured over 'natural', which recipes must list",
           source.string());
    }
  }
  if (const toml::table* selection = subtable(root, "selection", "selection", source)) {
    check_keys(*selection, {"keep", "perplexity_band"}, "selection.", source);
    config.selection_keep = number_value(*selection, "keep", "selection.keep", source, 0.5);
    if (!(config.selection_keep > 0 && config.selection_keep < 1)) {
      fail("{}: expected a fraction in (0, 1), got {}", where(source, "selection.keep"),
           config.selection_keep);
    }
    config.perplexity_band =
        string_value(*selection, "perplexity_band", "selection.perplexity_band", source, "mid");
    if (config.perplexity_band != "low" && config.perplexity_band != "mid" &&
        config.perplexity_band != "high") {
      fail("{}: expected low, mid or high, got '{}'", where(source, "selection.perplexity_band"),
           config.perplexity_band);
    }
  }
  const toml::table* scales = subtable(root, "scales", "scales", source);
  if (scales == nullptr) fail("{}: 'scales' is required (demo, small, full)", source.string());
  check_keys(*scales, {"demo", "small", "full"}, "scales.", source);
  for (const auto& [key, node] : *scales) {
    std::string name(key.str());
    if (!node.is_table()) fail("{}: expected a table", where(source, "scales." + name));
    config.scales[name] = parse_scale(*node.as_table(), name, source);
  }
  return config;
}

StudyConfig load_study_config(const std::filesystem::path& path) {
  return parse_study_config(read_file(path), path);
}

}  // namespace cuvee::study
