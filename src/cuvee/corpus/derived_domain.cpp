#include "cuvee/corpus/derived_domain.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "cuvee/core/error.h"
#include "cuvee/core/rng.h"
#include "cuvee/corpus/domain.h"
#include "cuvee/corpus/domain_writer.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;

// Generator addresses (CounterRng's `a`) of the derivations' draws: the shuffle's one per split
// (kSplits order), then the cap's.
enum : uint64_t { kShuffleFirst = 0, kCapOrder = 3 };

// The new domain's manifest, from the input's. Derived documents are not the source's rows any
// more (shuffled, or cut to a budget): they carry no ids.
DomainManifest derived_manifest(const Domain& in) {
  DomainManifest manifest = in.manifest();
  manifest.sources = {in.dir().string()};
  manifest.id_key.clear();
  return manifest;
}

void copy_split(const Domain& in, Split split, DomainWriter& out) {
  const IndexedDataset& data = in.split(split);
  for (uint64_t d = 0; d < data.documents(); ++d) out.add(split, data.document(d));
}

}  // namespace

void write_shuffled_domain(const Domain& in, const fs::path& out, const std::string& name,
                           uint64_t seed) {
  if (name.empty()) fail("a shuffled domain needs a name");
  check_not_input(out, in);
  DomainManifest manifest = derived_manifest(in);
  manifest.name = name;
  const int32_t eos = manifest.tokenizer.eos_id;
  DomainWriter writer(out, in.train().dtype());
  for (Split split : kSplits) {
    const IndexedDataset& data = in.split(split);
    BlockRng rng(seed, Stream::kDerivedDomain, kShuffleFirst + static_cast<uint64_t>(split));
    for (uint64_t d = 0; d < data.documents(); ++d) {
      std::vector<int32_t> tokens = data.document(d);
      size_t n = tokens.size();
      if (n > 0 && tokens.back() == eos) --n;  // the end-of-document id stays last
      for (size_t i = n; i > 1; --i) std::swap(tokens[i - 1], tokens[rng.below(i)]);
      writer.add(split, tokens);
    }
  }
  writer.commit(manifest);
}

void write_capped_domain(const Domain& in, const fs::path& out, uint64_t train_tokens,
                         uint64_t seed) {
  if (train_tokens == 0) fail("a capped domain needs a budget of at least one training token");
  check_not_input(out, in);
  const IndexedDataset& train = in.train();
  std::vector<uint64_t> order(train.documents());
  std::iota(order.begin(), order.end(), uint64_t{0});
  BlockRng rng(seed, Stream::kDerivedDomain, kCapOrder);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  std::vector<uint64_t> taken(train.documents(), 0);  // tokens kept of each document
  uint64_t left = train_tokens;
  for (uint64_t d : order) {
    if (left == 0) break;
    taken[d] = std::min(left, train.document_end(d) - train.document_begin(d));
    left -= taken[d];
  }
  DomainManifest manifest = derived_manifest(in);
  DomainWriter writer(out, train.dtype());
  for (uint64_t d = 0; d < train.documents(); ++d) {
    if (taken[d] == 0) continue;
    std::vector<int32_t> tokens = train.document(d);
    if (taken[d] < tokens.size()) {
      tokens.resize(taken[d]);
      tokens.back() = manifest.tokenizer.eos_id;
    }
    writer.add(Split::kTrain, tokens);
  }
  copy_split(in, Split::kValidation, writer);
  copy_split(in, Split::kTest, writer);
  writer.commit(manifest);
}

}  // namespace cuvee
