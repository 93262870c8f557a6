#include "cuvee/selection/documents.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "cuvee/core/error.h"
#include "cuvee/corpus/document_ids.h"

namespace cuvee {

DocumentTable::DocumentTable(std::span<const std::filesystem::path> data)
    : domains_(open_domains(data)) {
  starts_.push_back(0);
  for (const auto& domain : domains_) {
    for (Split split : kSplits)
      starts_.push_back(starts_.back() + domain->split(split).documents());
  }
  bool any_ids = std::any_of(domains_.begin(), domains_.end(),
                             [](const auto& domain) { return !domain->manifest().id_key.empty(); });
  if (!any_ids) return;
  ids_.reserve(size());
  for (const auto& domain : domains_) {
    for (Split split : kSplits) {
      const uint64_t count = domain->split(split).documents();
      if (domain->manifest().id_key.empty()) {
        ids_.insert(ids_.end(), count, "");
      } else {
        auto ids = read_document_ids(domain->dir(), split_name(split), count);
        std::move(ids.begin(), ids.end(), std::back_inserter(ids_));
      }
    }
  }
}

DocumentRef DocumentTable::at(uint64_t i) const {
  if (i >= size()) fail("document {} does not exist: --data holds {} documents", i, size());
  size_t s = std::upper_bound(starts_.begin(), starts_.end(), i) - starts_.begin() - 1;
  const Domain* domain = domains_[s / std::size(kSplits)].get();
  return {domain, &domain->split(kSplits[s % std::size(kSplits)]), i - starts_[s]};
}

uint64_t DocumentTable::split_start(size_t d, Split split) const {
  return starts_.at(d * std::size(kSplits) + static_cast<size_t>(split));
}

std::pair<uint64_t, uint64_t> DocumentTable::domain_range(size_t d) const {
  return {starts_.at(d * std::size(kSplits)), starts_.at((d + 1) * std::size(kSplits))};
}

std::vector<int32_t> DocumentTable::tokens(uint64_t i) const {
  auto ref = at(i);
  auto tokens = ref.split->document(ref.index);
  if (!tokens.empty() && tokens.back() == ref.domain->manifest().tokenizer.eos_id)
    tokens.pop_back();
  return tokens;
}

}  // namespace cuvee
