#include "cuvee/selection/partial_scores.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cuvee/core/error.h"
#include "cuvee/selection/scores.h"

namespace cuvee {

PartialScores::PartialScores(const std::filesystem::path& out, nlohmann::json meta)
    : out_(out), partial_(out.string() + ".partial"), meta_(std::move(meta)) {
  const std::string header = "# cuvee-scores/1 " + meta_.dump();
  uint64_t keep_bytes = 0;
  if (std::filesystem::exists(partial_)) {
    std::ifstream in(partial_, std::ios::binary);
    std::string line;
    if (!std::getline(in, line) || line != header) {
      fail("{}: made with other settings (header {}), expected {}; remove it to start over",
           partial_.string(), line, header);
    }
    keep_bytes = line.size() + 1;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // no newline: torn by a crash
      std::istringstream fields(line);
      uint64_t index;
      double score;
      std::string note;
      if (!(fields >> index >> score)) break;
      fields >> note;
      scores_[index] = {score, note};
      keep_bytes += line.size() + 1;
    }
  }
  file_ = std::fopen(partial_.c_str(), scores_.empty() && keep_bytes == 0 ? "wb" : "r+b");
  if (file_ == nullptr) fail("{}: cannot open for writing", partial_.string());
  if (keep_bytes == 0) {
    std::fputs((header + "\n").c_str(), file_);
  } else {
    // Drop a torn tail, then append after the last whole line.
    if (ftruncate(fileno(file_), static_cast<off_t>(keep_bytes)) != 0) {
      fail("{}: cannot truncate the torn tail", partial_.string());
    }
    std::fseek(file_, 0, SEEK_END);
  }
  std::fflush(file_);
}

PartialScores::~PartialScores() {
  if (file_ != nullptr) std::fclose(file_);
}

void PartialScores::add(uint64_t index, double score, const std::string& note) {
  scores_[index] = {score, note};
  std::fputs((format_score_line(index, score, note) + "\n").c_str(), file_);
  if (std::fflush(file_) != 0) fail("{}: write failed", partial_.string());
}

void PartialScores::finish(uint64_t total) {
  Scores scores;
  scores.meta = meta_;
  bool any_note = false;
  for (uint64_t i = 0; i < total; ++i) {
    auto it = scores_.find(i);
    if (it == scores_.end()) fail("document {} has no score in {}", i, partial_.string());
    scores.values.push_back(it->second.first);
    scores.notes.push_back(it->second.second);
    any_note = any_note || !it->second.second.empty();
  }
  if (!any_note) scores.notes.clear();
  write_scores(out_, scores);
  std::fclose(file_);
  file_ = nullptr;
  std::filesystem::remove(partial_);
}

}  // namespace cuvee
