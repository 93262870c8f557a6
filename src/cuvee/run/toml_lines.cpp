#include "cuvee/run/toml_lines.h"

namespace cuvee {
namespace {

void collect(const toml::table& table, const std::string& prefix,
             std::map<std::string, uint32_t>& lines) {
  for (const auto& [name, node] : table) {
    std::string key =
        prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
    if (node.source().begin.line > 0) lines[key] = node.source().begin.line;
    if (const auto* inner = node.as_table()) collect(*inner, key, lines);
  }
}

}  // namespace

std::map<std::string, uint32_t> toml_key_lines(const toml::table& table) {
  std::map<std::string, uint32_t> lines;
  collect(table, "", lines);
  return lines;
}

}  // namespace cuvee
