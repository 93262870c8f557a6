#include "cuvee/run/config.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/nearest_name.h"
#include "cuvee/core/utf8.h"
#include "cuvee/run/toml_lines.h"

namespace cuvee {

std::string ModelShape::describe() const {
  return fmt::format("vocab {}, context {}, width {}, depth {}, heads {}", vocab_size, context,
                     width, depth, heads);
}

nlohmann::json ModelShape::to_json() const {
  return {{"vocab_size", vocab_size},
          {"context", context},
          {"width", width},
          {"depth", depth},
          {"heads", heads}};
}

ModelShape ModelShape::from_json(const nlohmann::json& json) {
  ModelShape shape;
  shape.vocab_size = json.at("vocab_size").get<int64_t>();
  shape.context = json.at("context").get<int64_t>();
  shape.width = json.at("width").get<int64_t>();
  shape.depth = json.at("depth").get<int64_t>();
  shape.heads = json.at("heads").get<int64_t>();
  return shape;
}

int64_t ModelShape::parameters() const {
  int64_t per_layer = 12 * width * width + 13 * width;  // qkv, proj, fc, fc2 + biases + 2 LN
  return vocab_size * width + context * width + depth * per_layer + 2 * width;
}

double ModelShape::flops_per_token() const {
  double linear = 12.0 * depth * width * width + static_cast<double>(vocab_size) * width;
  return 6.0 * linear + 12.0 * depth * context * width;
}

namespace {

// One key of the file: how to read it into a TrainConfig and how to write it back.
struct Field {
  std::string key;
  std::function<void(TrainConfig&, const nlohmann::json&, const std::string& where)> read;
  std::function<nlohmann::json(const TrainConfig&)> write;
};

[[noreturn]] void wrong_type(const std::string& where, const std::string& key, const char* expected,
                             const nlohmann::json& value) {
  fail("{}: '{}' must be {}, got {}", where, key, expected, value.dump());
}

uint64_t as_count(const std::string& where, const std::string& key, const nlohmann::json& value) {
  if (!value.is_number_integer() || value.get<int64_t>() < 0) {
    wrong_type(where, key, "a non-negative integer", value);
  }
  return value.get<uint64_t>();
}

double as_number(const std::string& where, const std::string& key, const nlohmann::json& value) {
  if (!value.is_number()) wrong_type(where, key, "a number", value);
  return value.get<double>();
}

template <typename T>
Field count_field(std::string key, T TrainConfig::*member) {
  return {key,
          [key, member](TrainConfig& c, const nlohmann::json& v, const std::string& where) {
            c.*member = static_cast<T>(as_count(where, key, v));
          },
          [member](const TrainConfig& c) { return nlohmann::json(c.*member); }};
}

Field number_field(std::string key, double TrainConfig::*member) {
  return {key,
          [key, member](TrainConfig& c, const nlohmann::json& v, const std::string& where) {
            c.*member = as_number(where, key, v);
          },
          [member](const TrainConfig& c) { return nlohmann::json(c.*member); }};
}

Field shape_field(std::string key, int64_t ModelShape::*member) {
  return {key,
          [key, member](TrainConfig& c, const nlohmann::json& v, const std::string& where) {
            c.model.*member = static_cast<int64_t>(as_count(where, key, v));
          },
          [member](const TrainConfig& c) { return nlohmann::json(c.model.*member); }};
}

Field string_field(std::string key, std::string TrainConfig::*member) {
  return {key,
          [key, member](TrainConfig& c, const nlohmann::json& v, const std::string& where) {
            if (!v.is_string()) wrong_type(where, key, "a string", v);
            c.*member = v.get<std::string>();
          },
          [member](const TrainConfig& c) { return nlohmann::json(c.*member); }};
}

Field shape_name_field() {
  const std::string key = "train.schedule";
  return {key,
          [key](TrainConfig& c, const nlohmann::json& v, const std::string& where) {
            if (v == "cosine") {
              c.schedule = LrShape::cosine;
            } else if (v == "wsd") {
              c.schedule = LrShape::wsd;
            } else {
              wrong_type(where, key, "\"cosine\" or \"wsd\"", v);
            }
          },
          [](const TrainConfig& c) {
            return nlohmann::json(c.schedule == LrShape::wsd ? "wsd" : "cosine");
          }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> all = [] {
    std::vector<Field> f;
    f.push_back(string_field("run", &TrainConfig::run));
    f.push_back(count_field("seed", &TrainConfig::seed));
    f.push_back({"data.paths",
                 [](TrainConfig& c, const nlohmann::json& v, const std::string& where) {
                   c.data.clear();
                   if (v.is_string()) {
                     c.data.emplace_back(v.get<std::string>());
                     return;
                   }
                   if (!v.is_array()) wrong_type(where, "data.paths", "a list of paths", v);
                   for (const auto& path : v) {
                     if (!path.is_string()) wrong_type(where, "data.paths", "a list of paths", v);
                     c.data.emplace_back(path.get<std::string>());
                   }
                 },
                 [](const TrainConfig& c) {
                   nlohmann::json paths = nlohmann::json::array();
                   for (const auto& p : c.data) paths.push_back(p.string());
                   return paths;
                 }});
    f.push_back(shape_field("model.context", &ModelShape::context));
    f.push_back(shape_field("model.width", &ModelShape::width));
    f.push_back(shape_field("model.depth", &ModelShape::depth));
    f.push_back(shape_field("model.heads", &ModelShape::heads));
    f.push_back(count_field("train.steps", &TrainConfig::steps));
    f.push_back(count_field("train.batch_size", &TrainConfig::batch_size));
    f.push_back(number_field("train.lr", &TrainConfig::lr));
    f.push_back(number_field("train.min_lr", &TrainConfig::min_lr));
    f.push_back(count_field("train.warmup_steps", &TrainConfig::warmup_steps));
    f.push_back(shape_name_field());
    f.push_back(number_field("train.decay_fraction", &TrainConfig::decay_fraction));
    f.push_back(number_field("train.weight_decay", &TrainConfig::weight_decay));
    f.push_back(number_field("train.beta1", &TrainConfig::beta1));
    f.push_back(number_field("train.beta2", &TrainConfig::beta2));
    f.push_back(number_field("train.eps", &TrainConfig::eps));
    f.push_back(number_field("train.grad_clip", &TrainConfig::grad_clip));
    f.push_back(count_field("train.eval_every", &TrainConfig::eval_every));
    f.push_back(count_field("train.eval_sequences", &TrainConfig::eval_sequences));
    f.push_back(count_field("train.save_every", &TrainConfig::save_every));
    f.push_back(count_field("train.threads", &TrainConfig::threads));
    f.push_back(string_field("train.device", &TrainConfig::device));
    return f;
  }();
  return all;
}

// Checks the values together, once every key is read.
void validate(const TrainConfig& c) {
  auto require = [&](bool ok, const char* key, const std::string& expected) {
    if (!ok) fail("{}: '{}' {}", c.where(key), key, expected);
  };
  require(!c.data.empty(), "data.paths", "must name at least one domain folder");
  require(c.model.context > 0, "model.context", "must be > 0");
  require(c.model.width > 0, "model.width", "must be > 0");
  require(c.model.depth > 0, "model.depth", "must be > 0");
  require(c.model.heads > 0 && c.model.width % c.model.heads == 0, "model.heads",
          fmt::format("must be > 0 and divide model.width ({})", c.model.width));
  require(c.steps > 0, "train.steps", "must be > 0");
  require(c.batch_size > 0, "train.batch_size", "must be > 0");
  require(c.lr > 0 && std::isfinite(c.lr), "train.lr", "must be a finite number > 0");
  require(c.min_lr >= 0 && c.min_lr <= c.lr, "train.min_lr",
          fmt::format("must be between 0 and train.lr ({})", c.lr));
  require(c.warmup_steps <= c.steps, "train.warmup_steps",
          fmt::format("must not exceed train.steps ({})", c.steps));
  require(c.decay_fraction > 0 && c.decay_fraction <= 1, "train.decay_fraction",
          "must be in (0, 1]");
  if (c.schedule == LrShape::wsd) {
    require(c.warmup_steps + c.decay_steps() <= c.steps, "train.decay_fraction",
            fmt::format("gives a decay of {} steps, which with the warm-up's {} exceeds "
                        "train.steps ({})",
                        c.decay_steps(), c.warmup_steps, c.steps));
  }
  require(c.weight_decay >= 0, "train.weight_decay", "must be >= 0");
  require(c.beta1 >= 0 && c.beta1 < 1, "train.beta1", "must be in [0, 1)");
  require(c.beta2 >= 0 && c.beta2 < 1, "train.beta2", "must be in [0, 1)");
  require(c.eps > 0, "train.eps", "must be > 0");
  require(c.grad_clip >= 0, "train.grad_clip", "must be >= 0 (0 disables clipping)");
  require(c.eval_every > 0, "train.eval_every", "must be > 0");
  require(c.eval_sequences > 0, "train.eval_sequences", "must be > 0");
  require(c.device == "auto" || c.device == "cpu" || c.device == "cuda", "train.device",
          fmt::format("must be \"auto\", \"cpu\" or \"cuda\", got \"{}\"", c.device));
  if (!c.mixing.is_object()) fail("{}: 'mixing' must be a table", c.where("mixing"));
}

nlohmann::json toml_to_json(const toml::node& node, const std::string& where,
                            const std::string& key) {
  if (auto* table = node.as_table()) {
    nlohmann::json object = nlohmann::json::object();
    for (const auto& [name, child] : *table) {
      std::string child_key =
          key.empty() ? std::string(name.str()) : key + "." + std::string(name.str());
      object[std::string(name.str())] = toml_to_json(child, where, child_key);
    }
    return object;
  }
  if (auto* array = node.as_array()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& child : *array) list.push_back(toml_to_json(child, where, key));
    return list;
  }
  if (auto* value = node.as_string()) return value->get();
  if (auto* value = node.as_integer()) return value->get();
  if (auto* value = node.as_floating_point()) return value->get();
  if (auto* value = node.as_boolean()) return value->get();
  fail("{}: '{}' has a type cuvee does not read (dates and times)", where, key);
}

// "a.b.c=value" applied to nested JSON; the value is TOML if it parses as one, else a string.
void apply_override(nlohmann::json& json, const std::string& override,
                    std::map<std::string, std::string>& origins) {
  auto eq = override.find('=');
  if (eq == std::string::npos || eq == 0) {
    fail("--set {}: expected key=value, e.g. --set train.lr=3e-4", override);
  }
  // The value may be kept as a string, which must be valid UTF-8 to be JSON (as a TOML file's
  // strings are, toml++ checks them).
  if (size_t bad = find_invalid_utf8(override); bad != std::string::npos) {
    fail("--set: invalid UTF-8 at byte {} of '{}'", bad, override.substr(0, bad));
  }
  std::string key = override.substr(0, eq);
  std::string text = override.substr(eq + 1);
  auto keys = train_config_keys();
  bool known =
      key.rfind("mixing.", 0) == 0 || std::find(keys.begin(), keys.end(), key) != keys.end();
  if (!known) {
    keys.push_back("mixing.policy");
    fail("--set {}: unknown key '{}'; did you mean '{}'?", override, key, nearest_name(key, keys));
  }
  nlohmann::json value = text;
  try {
    auto parsed = toml::parse("v = " + text);
    value = toml_to_json(*parsed.get("v"), "--set " + override, key);
  } catch (const toml::parse_error&) {
    // not a TOML value: a bare string such as `uniform` or `a=0.5,b=0.5`
  }
  nlohmann::json* node = &json;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    std::string part =
        key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty()) fail("--set {}: empty key part in '{}'", override, key);
    if (!node->is_object())
      fail("--set {}: '{}' is not a table", override, key.substr(0, start - 1));
    if (dot == std::string::npos) {
      (*node)[part] = value;
      origins[key] = "--set " + override;
      return;
    }
    node = &(*node)[part];
    if (node->is_null()) *node = nlohmann::json::object();
    start = dot + 1;
  }
}

// Flattens nested JSON (outside "mixing") to dotted keys and reads each through its Field.
void read_fields(TrainConfig& config, const nlohmann::json& json, const std::string& prefix) {
  for (const auto& [name, value] : json.items()) {
    std::string key = prefix.empty() ? name : prefix + "." + name;
    if (key == "mixing") {
      config.mixing = value;
      continue;
    }
    const Field* field = nullptr;
    for (const auto& f : fields()) {
      if (f.key == key) field = &f;
    }
    if (field != nullptr) {
      field->read(config, value, config.where(key));
      continue;
    }
    bool is_section = false;
    for (const auto& f : fields()) is_section = is_section || f.key.rfind(key + ".", 0) == 0;
    if (is_section && value.is_object()) {
      read_fields(config, value, key);
      continue;
    }
    // An unknown table is reported by its first key, so the suggestion can be a full key.
    std::string unknown = key;
    for (const nlohmann::json* v = &value; v->is_object() && !v->empty(); v = &v->begin().value()) {
      unknown += "." + v->begin().key();
    }
    auto keys = train_config_keys();
    keys.push_back("mixing.policy");
    fail("{}: unknown key '{}'; did you mean '{}'?", config.where(unknown), unknown,
         nearest_name(unknown, keys));
  }
}

}  // namespace

std::vector<std::string> train_config_keys() {
  std::vector<std::string> keys;
  for (const auto& f : fields()) keys.push_back(f.key);
  return keys;
}

nlohmann::json TrainConfig::to_json() const {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& f : fields()) {
    nlohmann::json* node = &json;
    size_t start = 0, dot;
    while ((dot = f.key.find('.', start)) != std::string::npos) {
      node = &(*node)[f.key.substr(start, dot - start)];
      start = dot + 1;
    }
    (*node)[f.key.substr(start)] = f.write(*this);
  }
  json["mixing"] = mixing;
  return json;
}

uint64_t TrainConfig::decay_steps() const {
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(decay_fraction * steps)));
}

namespace {

TrainConfig from_json(const nlohmann::json& json, const std::filesystem::path& name,
                      std::map<std::string, std::string> origins) {
  if (!json.is_object()) fail("{}: expected a table of settings", name.string());
  TrainConfig config;
  config.file = name;
  config.run = name.stem().string();
  config.origins = std::move(origins);
  read_fields(config, json, "");
  validate(config);
  return config;
}

}  // namespace

std::string TrainConfig::where(const std::string& key) const {
  for (std::string k = key; !k.empty();) {
    if (auto it = origins.find(k); it != origins.end()) return it->second;
    size_t dot = k.rfind('.');
    k = dot == std::string::npos ? "" : k.substr(0, dot);
  }
  return file.string();
}

std::string TrainConfig::locate(const std::string& message) const {
  size_t colon = message.find(": ");
  std::string key = message.substr(0, colon);
  bool names_key =
      colon != std::string::npos && !key.empty() && key.find_first_of(" '\"") == std::string::npos;
  return fmt::format("{}: {}", names_key ? where(key) : file.string(), message);
}

TrainConfig train_config_from_json(const nlohmann::json& json, const std::filesystem::path& name) {
  return from_json(json, name, {});
}

TrainConfig parse_train_config(std::string_view toml, const std::filesystem::path& name,
                               std::span<const std::string> overrides) {
  nlohmann::json json;
  std::map<std::string, std::string> origins;
  try {
    auto table = toml::parse(toml, name.string());
    // The values are checked after conversion (and overrides), so each key keeps its line.
    for (const auto& [key, line] : toml_key_lines(table)) {
      origins[key] = fmt::format("{}:{}", name.string(), line);
    }
    json = toml_to_json(table, name.string(), "");
  } catch (const toml::parse_error& e) {
    fail("{}:{}:{}: {}", name.string(), e.source().begin.line, e.source().begin.column,
         e.description());
  }
  for (const auto& override : overrides) apply_override(json, override, origins);
  return from_json(json, name, std::move(origins));
}

TrainConfig load_train_config(const std::filesystem::path& file,
                              std::span<const std::string> overrides) {
  return parse_train_config(read_file(file), file, overrides);
}

}  // namespace cuvee
