// The nearest valid name to a misspelt one, for messages such as "unknown key 'train.lrr'; did
// you mean 'train.lr'?" (configs, policies, the study's recipes).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace cuvee {

// Levenshtein distance (insertions, deletions, substitutions each cost 1).
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate most like `name`: one whose last dotted part contains or is contained in the
// name's if any, then the least edit distance (the first of equals); "" if none.
std::string nearest_name(std::string_view name, std::span<const std::string> candidates);

}  // namespace cuvee
