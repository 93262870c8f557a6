// Score files and what is made from them: a scores file (`select --scores`), a keep-list
// (`filter --keep`), and the partial scores an interrupted `score askllm` leaves (OUT.partial),
// which a rerun resumes from. The input is the three files, split by the part separator.
// Resuming must keep every whole line, drop a torn one, and append after them: a score added
// on resume is there, once, when the file is reopened.
#include <cmath>

#include <nlohmann/json.hpp>

#include "cuvee/selection/keep_list.h"
#include "cuvee/selection/partial_scores.h"
#include "cuvee/selection/scores.h"
#include "fuzz_support.h"

using namespace cuvee;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parts = fuzz::split_parts({reinterpret_cast<const char*>(data), size}, 3);
  parts.resize(3);
  auto scores_path = fuzz::scratch_file("scores.tsv", parts[0]);
  fuzz::expect_clean("scores.tsv", [&] {
    Scores scores = read_scores(scores_path);
    for (double s : scores.values) fuzz::require(!std::isnan(s), "a NaN score accepted");
    fuzz::require(scores.notes.empty() || scores.notes.size() == scores.values.size(),
                  "notes not one per document");
  });
  auto keep_path = fuzz::scratch_file("keep.txt", parts[2]);
  fuzz::expect_clean("keep.txt", [&] {
    auto kept = read_keep_list(keep_path);
    for (size_t i = 1; i < kept.size(); ++i) {
      fuzz::require(kept[i - 1] < kept[i], "a keep-list accepted out of order");
    }
  });
  auto out = scores_path.parent_path() / "askllm.tsv";
  fuzz::scratch_file("askllm.tsv.partial", parts[1]);
  const nlohmann::json meta = {{"method", "askllm"}, {"model", "m"}};
  fuzz::expect_clean("askllm.tsv.partial", [&] {
    size_t before = 0;
    uint64_t fresh = 0;
    {
      PartialScores partial(out, meta);
      before = partial.count();
      while (partial.done(fresh)) ++fresh;
      partial.add(fresh, 0.25, "yes-missing");
    }
    PartialScores reopened(out, meta);
    fuzz::require(reopened.count() == before + 1, "a resumed score lost or counted twice");
    fuzz::require(reopened.done(fresh), "the score added on resume is missing");
  });
  return 0;
}
