#include "cuvee/selection/scores.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <vector>

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
  bool with_ids = false;
  if (scores.meta.is_object() && scores.meta.contains("ids")) {
    const auto& ids = scores.meta["ids"];
    if (!ids.is_boolean())
      fail("{}:1: 'ids' must be true or false, got {}", path.string(), ids.dump());
    with_ids = ids.get<bool>();
  }
  bool any_note = false;
  for (uint64_t number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    for (size_t start = 0;;) {
      size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (with_ids ? fields.size() != 4 : (fields.size() < 2 || fields.size() > 3)) {
      fail("{}:{}: expected '{}'", path.string(), number,
           with_ids ? "index<TAB>score<TAB>note<TAB>id" : "index<TAB>score[<TAB>note]");
    }
    uint64_t index = 0;
    auto [end, error] =
        std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), index);
    if (error != std::errc() || end != fields[0].data() + fields[0].size()) {
      fail("{}:{}: '{}' is not a document index", path.string(), number, fields[0]);
    }
    if (index != scores.values.size()) {
      fail("{}:{}: document {} where {} was expected (one line per document, ascending)",
           path.string(), number, index, scores.values.size());
    }
    const std::string& value = fields[1];
    char* stop = nullptr;
    double score = std::strtod(value.c_str(), &stop);
    if (value.empty() || *stop != '\0' || std::isnan(score)) {
      fail("{}:{}: score '{}' is not a number", path.string(), number, value);
    }
    scores.values.push_back(score);
    scores.notes.push_back(fields.size() > 2 ? fields[2] : "");
    any_note = any_note || !scores.notes.back().empty();
    if (with_ids) scores.ids.push_back(fields[3]);
  }
  if (!any_note) scores.notes.clear();
  return scores;
}

std::string format_score_line(uint64_t index, double score, const std::string& note) {
  return note.empty() ? fmt::format("{}\t{:.9g}", index, score)
                      : fmt::format("{}\t{:.9g}\t{}", index, score, note);
}

void write_scores(const std::filesystem::path& path, const Scores& scores) {
  const bool with_ids = !scores.ids.empty();
  if (with_ids && scores.ids.size() != scores.values.size()) {
    fail("{}: {} ids for {} scores", path.string(), scores.ids.size(), scores.values.size());
  }
  nlohmann::json meta = scores.meta;
  if (with_ids) {
    meta["ids"] = true;
  } else if (meta.is_object()) {
    meta.erase("ids");
  }
  AtomicFile out(path);
  out.write(fmt::format("{}{}\n", kTag, meta.dump()));
  std::string buffer;
  for (uint64_t i = 0; i < scores.values.size(); ++i) {
    const std::string& note = scores.notes.empty() ? "" : scores.notes[i];
    if (with_ids) {
      fmt::format_to(std::back_inserter(buffer), "{}\t{:.9g}\t{}\t{}", i, scores.values[i], note,
                     scores.ids[i]);
    } else {
      buffer += format_score_line(i, scores.values[i], note);
    }
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
