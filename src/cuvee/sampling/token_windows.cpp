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

void TokenWindows::read(uint64_t i, int32_t* out) const {
  if (i >= count_) fail("{}: window {} requested, it has {}", data_->prefix().string(), i, count_);
  data_->read(i * seq_len_, seq_len_ + 1, out);
}

}  // namespace cuvee
