#include "cuvee/selection/keep_list.h"

#include <charconv>
#include <fstream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"

namespace cuvee {

std::vector<uint64_t> read_keep_list(const std::filesystem::path& path,
                                     std::vector<std::string>* ids) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open the keep-list", path.string());
  std::vector<uint64_t> kept;
  std::string line;
  for (uint64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    const std::string_view field(line.data(), tab == std::string::npos ? line.size() : tab);
    uint64_t index = 0;
    auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), index);
    if (error != std::errc() || end != field.data() + field.size()) {
      fail("{}:{}: '{}' is not a document index", path.string(), number, field);
    }
    if (ids != nullptr) ids->push_back(tab == std::string::npos ? "" : line.substr(tab + 1));
    if (!kept.empty() && index <= kept.back()) {
      fail("{}:{}: {} after {}, expected ascending indices without repeats", path.string(), number,
           index, kept.back());
    }
    kept.push_back(index);
  }
  return kept;
}

void write_keep_list(const std::filesystem::path& path, const std::vector<uint64_t>& kept,
                     const std::vector<std::string>& ids) {
  if (!ids.empty() && ids.size() != kept.size()) {
    fail("{}: {} ids for {} kept documents", path.string(), ids.size(), kept.size());
  }
  std::string text;
  text.reserve(kept.size() * 8);
  for (size_t k = 0; k < kept.size(); ++k) {
    if (ids.empty()) {
      fmt::format_to(std::back_inserter(text), "{}\n", kept[k]);
    } else {
      fmt::format_to(std::back_inserter(text), "{}\t{}\n", kept[k], ids[k]);
    }
  }
  write_file_atomic(path, text);
}

}  // namespace cuvee
