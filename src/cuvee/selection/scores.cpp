#include "cuvee/selection/scores.h"

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"

namespace cuvee {

constexpr std::string_view kTag = "# cuvee-scores/1 ";

Scores read_scores(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) fail("{}: cannot open the scores file", path.string());
  Scores scores;
  std::string line;
  if (!std::getline(in, line) || !line.starts_with(kTag)) {
    fail("{}:1: expected the header '{}{{...}}'", path.string(), kTag);
  }
  try {
    scores.meta = nlohmann::json::parse(line.substr(kTag.size()));
  } catch (const nlohmann::json::exception& e) {
    fail("{}:1: header is not JSON: {}", path.string(), e.what());
  }
  bool any_note = false;
  for (uint64_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::istringstream fields(line);
    uint64_t index;
    std::string value, note;
    if (!(fields >> index >> value))
      fail("{}:{}: expected 'index<TAB>score'", path.string(), number);
    fields >> note;
    if (index != scores.values.size()) {
      fail("{}:{}: document {} where {} was expected (one line per document, ascending)",
           path.string(), number, index, scores.values.size());
    }
    char* end = nullptr;
    double score = std::strtod(value.c_str(), &end);
    if (*end != '\0' || std::isnan(score)) {
      fail("{}:{}: score '{}' is not a number", path.string(), number, value);
    }
    scores.values.push_back(score);
    scores.notes.push_back(note);
    any_note = any_note || !note.empty();
  }
  if (!any_note) scores.notes.clear();
  return scores;
}

std::string format_score_line(uint64_t index, double score, const std::string& note) {
  return note.empty() ? fmt::format("{}\t{:.9g}", index, score)
                      : fmt::format("{}\t{:.9g}\t{}", index, score, note);
}

void write_scores(const std::filesystem::path& path, const Scores& scores) {
  AtomicFile out(path);
  out.write(fmt::format("{}{}\n", kTag, scores.meta.dump()));
  std::string buffer;
  for (uint64_t i = 0; i < scores.values.size(); ++i) {
    buffer += format_score_line(i, scores.values[i], scores.notes.empty() ? "" : scores.notes[i]);
    buffer += '\n';
    if (buffer.size() > (1 << 20)) {
      out.write(buffer);
      buffer.clear();
    }
  }
  out.write(buffer);
  out.commit();
}

}  // namespace cuvee
