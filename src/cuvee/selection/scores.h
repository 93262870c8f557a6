// Score files: one score per document, as text.
//
//   # cuvee-scores/1 {"method": "density", ...}      first line: format tag and a JSON object
//   0	12.5                                            then `index<TAB>score[<TAB>note]`,
//   1	3.25                                            ascending by index, one per document
//
// The JSON records how the scores were made (method, parameters, model, prompt version,
// inputs' hashes). A note marks a score that is a bound rather than a value (Ask-LLM's
// "yes-missing"). Every document of the numbering (documents.h) has exactly one line. When the
// documents have ids (document_ids.h) the JSON says `"ids": true` and every line is
// `index<TAB>score<TAB>note<TAB>id` (the note possibly empty), to join back to the source rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee {

struct Scores {
  nlohmann::json meta;
  std::vector<double> values;      // values[i]: document i
  std::vector<std::string> notes;  // empty, or one per document ("" for none)
  std::vector<std::string> ids;    // empty, or one per document (DocumentTable::ids())
};

Scores read_scores(const std::filesystem::path& path);
void write_scores(const std::filesystem::path& path, const Scores& scores);
// One data line, as written (no newline).
std::string format_score_line(uint64_t index, double score, const std::string& note = "");

}  // namespace cuvee
