#include "cuvee/sampling/token_windows.h"

#include "cuvee/core/error.h"

namespace cuvee {

TokenWindows::TokenWindows(const IndexedDataset& data, uint64_t seq_len)
    : data_(&data), seq_len_(seq_len) {
  if (seq_len == 0) fail("sequence length must be positive");
  count_ = data.tokens() > seq_len ? (data.tokens() - 1) / seq_len : 0;
}

void TokenWindows::read(uint64_t i, int64_t* out) const {
  if (i >= count_) fail("{}: window {} requested, it has {}", data_->prefix().string(), i, count_);
  data_->read(i * seq_len_, seq_len_ + 1, out);
}

void TokenWindows::prefetch(uint64_t i) const {
  if (i < count_) data_->prefetch(i * seq_len_, seq_len_ + 1);
}

void TokenWindows::read(uint64_t i, int32_t* out) const {
  if (i >= count_) fail("{}: window {} requested, it has {}", data_->prefix().string(), i, count_);
  data_->read(i * seq_len_, seq_len_ + 1, out);
}

void read_draws(std::span<const TokenWindows> windows, std::span<const Draw> draws, int64_t* out) {
  for (size_t j = 0; j < draws.size(); ++j) {
    if (draws[j].domain >= windows.size()) {
      fail("draw {} is of domain {}, but there are {} domains", j, draws[j].domain, windows.size());
    }
    const TokenWindows& w = windows[draws[j].domain];
    if (w.seq_len() != windows.front().seq_len()) {
      fail("read_draws: windows of {} and {} tokens in one batch", w.seq_len(),
           windows.front().seq_len());
    }
    if (j + 1 < draws.size() && draws[j + 1].domain < windows.size()) {
      windows[draws[j + 1].domain].prefetch(draws[j + 1].sequence);
    }
    w.read(draws[j].sequence, out + j * (w.seq_len() + 1));
  }
}

}  // namespace cuvee
