// Scores written as they arrive, for scorers that may stop part-way (Ask-LLM): OUT.partial
// holds the scores file's header line and then `index<TAB>score[<TAB>note]` lines in
// completion order, each flushed as written. Reopening it resumes: lines already there count
// as done (a torn last line from a crash is dropped), and the header must match — the same
// method, model and prompt version — else the run refuses to mix scores. finish() writes the
// complete, ordered scores file (scores.h) atomically and removes the partial file.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace cuvee {

class PartialScores {
 public:
  PartialScores(const std::filesystem::path& out, nlohmann::json meta);
  ~PartialScores();
  PartialScores(const PartialScores&) = delete;
  PartialScores& operator=(const PartialScores&) = delete;

  bool done(uint64_t index) const { return scores_.contains(index); }
  size_t count() const { return scores_.size(); }
  void add(uint64_t index, double score, const std::string& note = "");
  // Errors unless every document of [0, total) has a score. `ids`: the documents' ids for the
  // scores file (scores.h), or none.
  void finish(uint64_t total, const std::vector<std::string>& ids = {});
  const std::filesystem::path& partial_path() const { return partial_; }

 private:
  std::filesystem::path out_, partial_;
  nlohmann::json meta_;
  std::map<uint64_t, std::pair<double, std::string>> scores_;
  std::FILE* file_ = nullptr;
};

}  // namespace cuvee
