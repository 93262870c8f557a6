#include "cuvee/selection/keep_list.h"

#include <charconv>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"

namespace cuvee {

std::vector<uint64_t> read_keep_list(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open the keep-list", path.string());
  std::vector<uint64_t> kept;
  std::string line;
  for (uint64_t number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    uint64_t index = 0;
    auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), index);
    if (error != std::errc() || end != line.data() + line.size()) {
      fail("{}:{}: '{}' is not a document index", path.string(), number, line);
    }
    if (!kept.empty() && index <= kept.back()) {
      fail("{}:{}: {} after {}, expected ascending indices without repeats", path.string(), number,
           index, kept.back());
    }
    kept.push_back(index);
  }
  return kept;
}

void write_keep_list(const std::filesystem::path& path, const std::vector<uint64_t>& kept) {
  std::string text;
  text.reserve(kept.size() * 8);
  for (uint64_t index : kept) fmt::format_to(std::back_inserter(text), "{}\n", index);
  write_file_atomic(path, text);
}

}  // namespace cuvee
