#include "cuvee/corpus/derived_domain.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "cuvee/core/error.h"
#include "cuvee/core/hash.h"
#include "cuvee/core/rng.h"
#include "cuvee/corpus/document_ids.h"
#include "cuvee/corpus/domain.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;

// Generator addresses (CounterRng's `a`) of the derivations' draws.
enum : uint64_t { kShuffleTrain = 0, kShuffleHeldout = 1, kCapOrder = 2 };

// The new domain's manifest, from the input's, once its folder is ready to be written: as the
// importer does, an old manifest goes first, so a half-written domain reads as incomplete.
DomainManifest start_domain(const Domain& in, const fs::path& out) {
  if (fs::exists(manifest_path(out)) && fs::equivalent(out, in.dir())) {
    fail("--out {} is the input domain itself; choose a new folder", out.string());
  }
  fs::create_directories(out);
  fs::remove(manifest_path(out));
  DomainManifest manifest = in.manifest();
  manifest.sources = {in.dir().string()};
  // Derived documents are not the source's rows any more (shuffled, or cut to a budget): they
  // carry no ids, and ids an earlier domain left in the folder go.
  manifest.id_key.clear();
  fs::remove(ids_path(out, "train"));
  fs::remove(ids_path(out, "heldout"));
  return manifest;
}

SplitInfo commit_split(IndexedDatasetWriter& writer, const fs::path& prefix) {
  writer.commit();
  SplitInfo info{writer.documents(), writer.tokens(), "", "", ""};
  info.bin_hash = file_hash(prefix.string() + ".bin");
  info.idx_hash = file_hash(prefix.string() + ".idx");
  return info;
}

SplitInfo shuffled_split(const IndexedDataset& split, const fs::path& prefix, int32_t eos,
                         uint64_t seed, uint64_t address) {
  IndexedDatasetWriter writer(prefix, split.dtype());
  BlockRng rng(seed, Stream::kDerivedDomain, address);
  for (uint64_t d = 0; d < split.documents(); ++d) {
    std::vector<int32_t> tokens = split.document(d);
    size_t n = tokens.size();
    if (n > 0 && tokens.back() == eos) --n;  // the end-of-document id stays last
    for (size_t i = n; i > 1; --i) std::swap(tokens[i - 1], tokens[rng.below(i)]);
    writer.add_document(tokens);
  }
  return commit_split(writer, prefix);
}

SplitInfo copied_split(const IndexedDataset& split, const fs::path& prefix) {
  IndexedDatasetWriter writer(prefix, split.dtype());
  for (uint64_t d = 0; d < split.documents(); ++d) writer.add_document(split.document(d));
  return commit_split(writer, prefix);
}

}  // namespace

void write_shuffled_domain(const Domain& in, const fs::path& out, const std::string& name,
                           uint64_t seed) {
  if (name.empty()) fail("a shuffled domain needs a name");
  DomainManifest manifest = start_domain(in, out);
  const int32_t eos = manifest.tokenizer.eos_id;
  manifest.name = name;
  manifest.train = shuffled_split(in.train(), out / "train", eos, seed, kShuffleTrain);
  manifest.heldout = shuffled_split(in.heldout(), out / "heldout", eos, seed, kShuffleHeldout);
  write_domain_manifest(out, manifest);
}

void write_capped_domain(const Domain& in, const fs::path& out, uint64_t train_tokens,
                         uint64_t seed) {
  if (train_tokens == 0) fail("a capped domain needs a budget of at least one training token");
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
  DomainManifest manifest = start_domain(in, out);
  IndexedDatasetWriter writer(out / "train", train.dtype());
  for (uint64_t d = 0; d < train.documents(); ++d) {
    if (taken[d] == 0) continue;
    std::vector<int32_t> tokens = train.document(d);
    if (taken[d] < tokens.size()) {
      tokens.resize(taken[d]);
      tokens.back() = manifest.tokenizer.eos_id;
    }
    writer.add_document(tokens);
  }
  manifest.train = commit_split(writer, out / "train");
  manifest.heldout = copied_split(in.heldout(), out / "heldout");
  write_domain_manifest(out, manifest);
}

}  // namespace cuvee
