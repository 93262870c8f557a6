// The line of every key of a parsed TOML document, by dotted key ("train.lr", "scales.demo"),
// tables included: configs are checked after parsing, and their messages name the line.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <toml++/toml.h>

namespace cuvee {

std::map<std::string, uint32_t> toml_key_lines(const toml::table& table);

}  // namespace cuvee
