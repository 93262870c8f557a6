// The domains a run trains on, cut into windows of context + 1 tokens (TokenWindows), with the
// fixed windows of the held-out splits each evaluation uses: validation (what the policy reads)
// and test (what only scores). No libtorch types: callers copy tokens into
// whatever tensor they train with.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cuvee/corpus/domain.h"
#include "cuvee/sampling/mixed_sampler.h"
#include "cuvee/sampling/token_windows.h"

namespace cuvee {

class TrainingData {
 public:
  // Opens the domains under `paths` (see open_domains). Errors name a domain whose training,
  // validation or test split is shorter than one window.
  TrainingData(std::span<const std::filesystem::path> paths, uint64_t context);

  size_t domains() const { return domains_.size(); }
  const std::vector<std::string>& names() const { return names_; }
  uint64_t vocab_size() const { return vocab_size_; }
  uint64_t context() const { return context_; }
  std::vector<uint64_t> train_tokens() const;
  std::vector<uint64_t> train_windows() const;

  // The context + 1 tokens of each draw's training window, back to back.
  void read_train(std::span<const Draw> draws, int64_t* out) const;

  // The windows of domain d's held-out split (validation or test) that every evaluation uses: up
  // to `max` of them, spread evenly over the split (window i·n/max for i < max, n the split's
  // windows).
  std::vector<uint64_t> eval_windows(size_t d, Split split, uint64_t max) const;
  void read_eval(size_t d, Split split, std::span<const uint64_t> windows, int64_t* out) const;

 private:
  uint64_t context_;
  uint64_t vocab_size_ = 0;
  std::vector<std::unique_ptr<Domain>> domains_;
  std::vector<std::string> names_;
  const TokenWindows& eval_split(size_t d, Split split) const;
  const std::vector<TokenWindows>& windows(Split split) const {
    return windows_[static_cast<size_t>(split)];
  }
  // Per split (kSplits order), each domain's windows.
  std::array<std::vector<TokenWindows>, std::size(kSplits)> windows_;
};

}  // namespace cuvee
