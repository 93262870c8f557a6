#include "cuvee/selection/documents.h"

#include <algorithm>

#include "cuvee/core/error.h"

namespace cuvee {

DocumentTable::DocumentTable(std::span<const std::filesystem::path> data)
    : domains_(open_domains(data)) {
  starts_.push_back(0);
  for (const auto& domain : domains_) {
    starts_.push_back(starts_.back() + domain->train().documents());
    starts_.push_back(starts_.back() + domain->heldout().documents());
  }
}

DocumentRef DocumentTable::at(uint64_t i) const {
  if (i >= size()) fail("document {} does not exist: --data holds {} documents", i, size());
  size_t s = std::upper_bound(starts_.begin(), starts_.end(), i) - starts_.begin() - 1;
  const Domain* domain = domains_[s / 2].get();
  return {domain, s % 2 == 0 ? &domain->train() : &domain->heldout(), i - starts_[s]};
}

std::vector<int32_t> DocumentTable::tokens(uint64_t i) const {
  auto ref = at(i);
  auto tokens = ref.split->document(ref.index);
  if (!tokens.empty() && tokens.back() == ref.domain->manifest().tokenizer.eos_id)
    tokens.pop_back();
  return tokens;
}

}  // namespace cuvee
