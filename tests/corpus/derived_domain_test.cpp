#include "cuvee/corpus/derived_domain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "cuvee/core/error.h"
#include "cuvee/corpus/domain.h"
#include "support/temp_dir.h"
#include "train/handmade_domain.h"

namespace cuvee {
namespace {

using testing::TempDir;
using testing::write_domain;

const TokenizerInfo kTokenizer{"bytes", "", "", 256, 0};

std::vector<int32_t> count_up(int32_t from, int32_t n) {
  std::vector<int32_t> tokens(n);
  std::iota(tokens.begin(), tokens.end(), from);
  return tokens;
}

// Each document keeps its tokens (as a multiset), its length and its end-of-document id last;
// the order within documents changes, the order of documents does not.
TEST(DerivedDomain, ShuffleKeepsEachDocumentsTokens) {
  TempDir dir;
  auto in = write_domain(dir.path(), "computing", kTokenizer,
                         {count_up(1, 200), count_up(50, 3), count_up(7, 1)}, {count_up(100, 64)});
  write_shuffled_domain(Domain(in), dir.path() / "noise", "noise", 5);
  Domain original(in), shuffled(dir.path() / "noise");
  EXPECT_EQ(shuffled.name(), "noise");
  EXPECT_EQ(shuffled.manifest().sources, std::vector<std::string>{in.string()});
  for (Split split : kSplits) {
    const IndexedDataset* a = &original.split(split);
    const IndexedDataset* b = &shuffled.split(split);
    ASSERT_EQ(a->documents(), b->documents());
    for (uint64_t d = 0; d < a->documents(); ++d) {
      auto x = a->document(d), y = b->document(d);
      ASSERT_EQ(x.size(), y.size());
      EXPECT_EQ(y.back(), 0);  // the end-of-document id stays last
      std::sort(x.begin(), x.end());
      std::sort(y.begin(), y.end());
      EXPECT_EQ(x, y);
    }
  }
  auto long_doc = shuffled.train().document(0);
  EXPECT_NE(long_doc, original.train().document(0));
  EXPECT_FALSE(std::is_sorted(long_doc.begin(), long_doc.end() - 1));
  // Deterministic by seed.
  write_shuffled_domain(Domain(in), dir.path() / "again", "noise", 5);
  EXPECT_EQ(Domain(dir.path() / "again").train().document(0), long_doc);
  write_shuffled_domain(Domain(in), dir.path() / "other", "noise", 6);
  EXPECT_NE(Domain(dir.path() / "other").train().document(0), long_doc);
}

// A budget of 250 tokens over documents of 101, 101, 101 and 51 tokens (with their
// end-of-document ids): whole documents in a seeded order until the budget, the last cut.
TEST(DerivedDomain, CapKeepsTheBudgetAndTheHeldoutSplits) {
  TempDir dir;
  std::vector<std::vector<int32_t>> train = {count_up(1, 100), count_up(101, 100),
                                             count_up(201, 100), count_up(40, 50)};
  auto in = write_domain(dir.path(), "brown_fiction", kTokenizer, train, {count_up(5, 30)});
  write_capped_domain(Domain(in), dir.path() / "capped", 250, 1);
  Domain capped(dir.path() / "capped");
  EXPECT_EQ(capped.name(), "brown_fiction");
  EXPECT_EQ(capped.train().tokens(), 250u);
  EXPECT_EQ(capped.manifest().train.tokens, 250u);
  for (Split split : {Split::kValidation, Split::kTest}) {
    EXPECT_EQ(capped.split(split).documents(), 1u);
    EXPECT_EQ(capped.split(split).document(0), Domain(in).split(split).document(0));
  }
  // Every kept document is a prefix of an input document, in the input's order, ending with the
  // end-of-document id; at most one is cut.
  Domain original(in);
  uint64_t previous = 0, cut = 0;
  for (uint64_t d = 0; d < capped.train().documents(); ++d) {
    auto kept = capped.train().document(d);
    EXPECT_EQ(kept.back(), 0);
    bool found = false;
    for (uint64_t o = 0; o < original.train().documents(); ++o) {
      auto full = original.train().document(o);
      if (full.size() >= kept.size() && std::equal(kept.begin(), kept.end() - 1, full.begin())) {
        EXPECT_TRUE(d == 0 || o > previous);
        previous = o;
        found = true;
        cut += kept.size() < full.size();
      }
    }
    EXPECT_TRUE(found) << d;
  }
  EXPECT_LE(cut, 1u);
  // A budget above the domain's size keeps it all.
  write_capped_domain(Domain(in), dir.path() / "all", 10000, 1);
  EXPECT_EQ(Domain(dir.path() / "all").train().tokens(), original.train().tokens());
}

TEST(DerivedDomain, RefusesBadRequests) {
  TempDir dir;
  auto in = write_domain(dir.path(), "d", kTokenizer, {count_up(1, 10)});
  EXPECT_THROW(write_capped_domain(Domain(in), dir.path() / "x", 0, 1), Error);
  EXPECT_THROW(write_shuffled_domain(Domain(in), dir.path() / "y", "", 1), Error);
  try {
    write_shuffled_domain(Domain(in), in, "d", 1);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is the input domain itself"), std::string::npos);
  }
  EXPECT_NO_THROW(Domain{in});  // left as it was
}

}  // namespace
}  // namespace cuvee
