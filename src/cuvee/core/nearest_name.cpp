#include "cuvee/core/nearest_name.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace cuvee {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string nearest_name(std::string_view name, std::span<const std::string> candidates) {
  // Candidates whose last dotted part contains the name's, or is contained in it ("warmup" for
  // "warmup_steps"), come first; edit distance decides among equals.
  auto leaf = [](std::string_view key) { return key.substr(key.rfind('.') + 1); };
  std::string best;
  std::pair<bool, size_t> best_score{true, SIZE_MAX};
  for (const auto& candidate : candidates) {
    std::string_view a = leaf(name), b = leaf(candidate);
    bool related = !a.empty() && !b.empty() &&
                   (b.find(a) != std::string_view::npos || a.find(b) != std::string_view::npos);
    std::pair<bool, size_t> score{!related, edit_distance(name, candidate)};
    if (score < best_score) {
      best = candidate;
      best_score = score;
    }
  }
  return best;
}

}  // namespace cuvee
