#include "cuvee/train/training_data.h"

#include "cuvee/core/error.h"

namespace cuvee {

TrainingData::TrainingData(std::span<const std::filesystem::path> paths, uint64_t context)
    : context_(context), domains_(open_domains(paths)) {
  vocab_size_ = domains_.front()->manifest().tokenizer.vocab_size;
  for (const auto& domain : domains_) {
    names_.push_back(domain->name());
    train_.emplace_back(domain->train(), context);
    heldout_.emplace_back(domain->heldout(), context);
    if (train_.back().count() == 0) {
      fail(
          "domain '{}' ({}): its training split has {} tokens, fewer than one window of "
          "model.context + 1 = {}",
          domain->name(), domain->dir().string(), domain->train().tokens(), context + 1);
    }
    if (heldout_.back().count() == 0) {
      fail(
          "domain '{}' ({}): its held-out split has {} tokens, fewer than one window of "
          "model.context + 1 = {} (import it with a larger --heldout fraction)",
          domain->name(), domain->dir().string(), domain->heldout().tokens(), context + 1);
    }
  }
}

std::vector<uint64_t> TrainingData::train_tokens() const {
  std::vector<uint64_t> tokens;
  for (const auto& domain : domains_) tokens.push_back(domain->train().tokens());
  return tokens;
}

std::vector<uint64_t> TrainingData::train_windows() const {
  std::vector<uint64_t> windows;
  for (const auto& w : train_) windows.push_back(w.count());
  return windows;
}

void TrainingData::read_train(std::span<const Draw> draws, int64_t* out) const {
  read_draws(train_, draws, out);
}

std::vector<uint64_t> TrainingData::eval_windows(size_t d, uint64_t max) const {
  uint64_t available = heldout_.at(d).count();
  uint64_t n = std::min(max, available);
  std::vector<uint64_t> windows(n);
  for (uint64_t i = 0; i < n; ++i) {
    windows[i] = static_cast<uint64_t>((static_cast<unsigned __int128>(i) * available) / n);
  }
  return windows;
}

void TrainingData::read_heldout(size_t d, std::span<const uint64_t> windows, int64_t* out) const {
  const TokenWindows& heldout = heldout_.at(d);
  for (size_t i = 0; i < windows.size(); ++i) {
    if (i + 1 < windows.size()) heldout.prefetch(windows[i + 1]);
    heldout.read(windows[i], out + i * (context_ + 1));
  }
}

}  // namespace cuvee
