#include "cuvee/selection/partial_scores.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "cuvee/core/error.h"
#include "cuvee/selection/scores.h"

namespace cuvee {

namespace {

// One line `index<TAB>score[<TAB>note]` as format_score_line() writes it; false if it is not.
bool parse_line(const std::string& line, uint64_t& index, double& score, std::string& note) {
  size_t tab = line.find('\t');
  if (tab == std::string::npos || tab == 0) return false;
  auto [end, error] = std::from_chars(line.data(), line.data() + tab, index);
  if (error != std::errc() || end != line.data() + tab) return false;
  size_t second = line.find('\t', tab + 1);
  std::string value =
      line.substr(tab + 1, second == std::string::npos ? std::string::npos : second - tab - 1);
  char* stop = nullptr;
  score = std::strtod(value.c_str(), &stop);
  if (value.empty() || *stop != '\0' || !std::isfinite(score)) return false;
  note = second == std::string::npos ? "" : line.substr(second + 1);
  return note.find('\t') == std::string::npos;
}

}  // namespace

PartialScores::PartialScores(const std::filesystem::path& out, nlohmann::json meta)
    : out_(out), partial_(out.string() + ".partial"), meta_(std::move(meta)) {
  const std::string header = "# cuvee-scores/1 " + meta_.dump();
  uint64_t keep_bytes = 0;
  if (std::filesystem::exists(partial_)) {
    std::ifstream in(partial_, std::ios::binary);
    std::string line;
    const bool whole = std::getline(in, line) && !in.eof();
    if (!whole && header.starts_with(line)) {
      // Empty, or a torn header: the crash came before any score was written. Start afresh.
    } else if (!whole || line != header) {
      fail("{}: made with other settings (header {}), expected {}; remove it to start over",
           partial_.string(), line, header);
    } else {
      keep_bytes = line.size() + 1;
      for (uint64_t number = 2; std::getline(in, line); ++number) {
        if (in.eof()) break;  // no newline: torn by a crash, dropped
        uint64_t index = 0;
        double score = 0;
        std::string note;
        if (!parse_line(line, index, score, note)) {
          fail("{}:{}: expected 'index<TAB>score[<TAB>note]', got '{}'", partial_.string(), number,
               line.substr(0, 100));
        }
        if (!scores_.emplace(index, std::make_pair(score, note)).second) {
          fail("{}:{}: document {} scored twice", partial_.string(), number, index);
        }
        keep_bytes += line.size() + 1;
      }
    }
  }
  // Opened without truncating, locked, and only then cut to its whole lines: one writer at a
  // time, since a second run on the same OUT would score documents twice.
  int fd = ::open(partial_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("{}: cannot open for writing: {}", partial_.string(), std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    fail("{}: another run is writing these scores", partial_.string());
  }
  file_ = ::fdopen(fd, "r+b");
  if (file_ == nullptr) {
    ::close(fd);
    fail("{}: cannot open for writing: {}", partial_.string(), std::strerror(errno));
  }
  // Unbuffered: each line goes out in one write, and nothing of a failed one lingers in a
  // buffer to be written later.
  std::setvbuf(file_, nullptr, _IONBF, 0);
  // Drops a torn tail (or everything, when starting afresh), then appends after it.
  if (::ftruncate(fd, static_cast<off_t>(keep_bytes)) != 0 || std::fseek(file_, 0, SEEK_END) != 0 ||
      (keep_bytes == 0 && std::fputs((header + "\n").c_str(), file_) < 0) ||
      std::fflush(file_) != 0) {
    std::string reason = std::strerror(errno);
    std::fclose(file_);
    file_ = nullptr;
    fail("cannot write {}: {}", partial_.string(), reason);
  }
}

PartialScores::~PartialScores() {
  if (file_ != nullptr) std::fclose(file_);
}

void PartialScores::add(uint64_t index, double score, const std::string& note) {
  if (!scores_.emplace(index, std::make_pair(score, note)).second) {
    fail("{}: document {} scored twice", partial_.string(), index);
  }
  // A whole line or nothing: what a failed write (a full disk) got out is cut off again, so the
  // file holds only whole lines and a rerun resumes from them.
  const long before = std::ftell(file_);
  if (std::fputs((format_score_line(index, score, note) + "\n").c_str(), file_) < 0 ||
      std::fflush(file_) != 0) {
    const std::string reason = std::strerror(errno);
    scores_.erase(index);
    std::clearerr(file_);
    if (before >= 0 && ::ftruncate(::fileno(file_), before) == 0) {
      std::fseek(file_, before, SEEK_SET);
    }
    fail("cannot write {}: {}", partial_.string(), reason);
  }
}

void PartialScores::finish(uint64_t total, const std::vector<std::string>& ids) {
  Scores scores;
  scores.meta = meta_;
  scores.ids = ids;
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
