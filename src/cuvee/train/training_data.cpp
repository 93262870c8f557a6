#include "cuvee/train/training_data.h"

#include "cuvee/core/error.h"

namespace cuvee {

TrainingData::TrainingData(std::span<const std::filesystem::path> paths, uint64_t context)
    : context_(context), domains_(open_domains(paths)) {
  vocab_size_ = domains_.front()->manifest().tokenizer.vocab_size;
  for (const auto& domain : domains_) {
    names_.push_back(domain->name());
    for (Split split : kSplits) {
      auto& windows = windows_[static_cast<size_t>(split)];
      if (windows.emplace_back(domain->split(split), context).count() > 0) continue;
      fail(
          "domain '{}' ({}): its {} split has {} tokens, fewer than one window of "
          "model.context + 1 = {}{}",
          domain->name(), domain->dir().string(), split_name(split), domain->split(split).tokens(),
          context + 1,
          split == Split::kTrain ? "" : " (import it with a larger --heldout fraction)");
    }
  }
}

const TokenWindows& TrainingData::eval_split(size_t d, Split split) const {
  if (split == Split::kTrain) {
    fail("evaluation reads the validation or the test split, not '{}'", split_name(split));
  }
  return windows(split).at(d);
}

std::vector<uint64_t> TrainingData::train_tokens() const {
  std::vector<uint64_t> tokens;
  for (const auto& domain : domains_) tokens.push_back(domain->train().tokens());
  return tokens;
}

std::vector<uint64_t> TrainingData::train_windows() const {
  std::vector<uint64_t> counts;
  for (const auto& w : windows(Split::kTrain)) counts.push_back(w.count());
  return counts;
}

void TrainingData::read_train(std::span<const Draw> draws, int64_t* out) const {
  read_draws(windows(Split::kTrain), draws, out);
}

std::vector<uint64_t> TrainingData::eval_windows(size_t d, Split split, uint64_t max) const {
  uint64_t available = eval_split(d, split).count();
  uint64_t n = std::min(max, available);
  std::vector<uint64_t> windows(n);
  for (uint64_t i = 0; i < n; ++i) {
    windows[i] = static_cast<uint64_t>((static_cast<unsigned __int128>(i) * available) / n);
  }
  return windows;
}

void TrainingData::read_eval(size_t d, Split split, std::span<const uint64_t> windows,
                             int64_t* out) const {
  const TokenWindows& heldout = eval_split(d, split);
  for (size_t i = 0; i < windows.size(); ++i) {
    if (i + 1 < windows.size()) heldout.prefetch(windows[i + 1]);
    heldout.read(windows[i], out + i * (context_ + 1));
  }
}

}  // namespace cuvee
