// A domain's token stream cut into training sequences: window i is tokens
// [i·T, i·T + T] of the concatenated documents (T + 1 tokens: inputs and next-token targets
// overlap by one), as Megatron's GPT dataset packs them. Documents are separated by the
// end-of-document id written at import.
#pragma once

#include <cstdint>

#include "cuvee/corpus/indexed_dataset.h"

namespace cuvee {

class TokenWindows {
 public:
  TokenWindows(const IndexedDataset& data, uint64_t seq_len);
  uint64_t count() const { return count_; }
  uint64_t seq_len() const { return seq_len_; }
  // Writes the T + 1 tokens of window i.
  void read(uint64_t i, int64_t* out) const;
  void read(uint64_t i, int32_t* out) const;

 private:
  const IndexedDataset* data_;
  uint64_t seq_len_;
  uint64_t count_;
};

}  // namespace cuvee
