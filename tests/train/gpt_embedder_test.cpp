#include "cuvee/train/gpt_embedder.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "cuvee/core/error.h"
#include "cuvee/train/checkpoint.h"
#include "cuvee/train/trainer.h"
#include "handmade_domain.h"
#include "tiny_corpus.h"
#include "trained_model.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A tiny model trained a few steps on "prose" and "sums", shared by the tests of this file.
struct Trained : testing::TrainedModel {
  Trained() : TrainedModel({"prose", "sums"}, 8) {}
};

Trained& trained() {
  static Trained instance;
  return instance;
}

DocumentPassOptions options(uint64_t batch_size = 16, int threads = 1, uint64_t stride = 0) {
  DocumentPassOptions o;
  o.batch_size = batch_size;
  o.threads = threads;
  o.stride = stride;
  return o;
}

std::vector<float> row(const Embeddings& e, uint64_t i) {
  return {e.row(i), e.row(i) + e.dim};
}

TEST(GptEmbedder, ShapeOrderAndUnitRows) {
  auto& t = trained();
  DocumentTable both(std::vector<fs::path>{t.data});
  DocumentTable sums(std::vector<fs::path>{t.data / "sums"});
  auto e = embed_gpt(t.run, both, options());
  EXPECT_EQ(e.rows, both.size());
  EXPECT_EQ(e.dim, 32u);
  ASSERT_EQ(e.values.size(), e.rows * e.dim);
  for (uint64_t i = 0; i < e.rows; ++i) {
    double norm = 0;
    for (float v : row(e, i)) norm += static_cast<double>(v) * v;
    EXPECT_NEAR(norm, 1.0, 1e-5) << i;
  }
  // Rows follow the numbering: "sums" alone gives the rows that follow "prose"'s.
  auto alone = embed_gpt(t.run, sums, options());
  const uint64_t offset = both.size() - sums.size();
  for (uint64_t i = 0; i < sums.size(); ++i) EXPECT_EQ(row(alone, i), row(e, offset + i)) << i;
  // Two domains of different text sit apart: each row is nearer its domain's mean.
  std::vector<double> mean_prose(e.dim, 0.0), mean_sums(e.dim, 0.0);
  for (uint64_t i = 0; i < e.rows; ++i) {
    auto& mean = i < offset ? mean_prose : mean_sums;
    for (uint64_t j = 0; j < e.dim; ++j) mean[j] += e.row(i)[j];
  }
  uint64_t nearer_own = 0;
  for (uint64_t i = 0; i < e.rows; ++i) {
    double to_prose = 0, to_sums = 0;
    for (uint64_t j = 0; j < e.dim; ++j) {
      to_prose += e.row(i)[j] * mean_prose[j];
      to_sums += e.row(i)[j] * mean_sums[j];
    }
    nearer_own += (i < offset) == (to_prose / offset > to_sums / (e.rows - offset));
  }
  EXPECT_GT(nearer_own, e.rows * 9 / 10);
}

TEST(GptEmbedder, MeanOfTheFinalHiddenStates) {
  auto& t = trained();
  TempDir dir;
  auto text = testing::byte_tokens("The owl saw a fox.");  // one window
  auto domain = testing::write_domain(dir.path(), "one", t.tokenizer, {text, {}});
  DocumentTable documents(std::vector<fs::path>{domain});
  auto e = embed_gpt(t.run, documents, options());
  auto model = load_checkpoint_model(t.run, torch::kCPU).model;
  torch::NoGradGuard no_grad;
  std::vector<int64_t> s{t.tokenizer.eos_id};
  s.insert(s.end(), text.begin(), text.end());
  auto hidden = model->hidden(torch::tensor(s).view({1, -1}))[0].to(torch::kFloat64);
  auto mean = hidden.slice(0, 1).mean(0);  // the states of the document's tokens
  auto expected = mean / mean.norm();
  for (uint64_t j = 0; j < e.dim; ++j) {
    EXPECT_NEAR(e.row(0)[j], expected[j].item<double>(), 1e-5) << j;
  }
  // An empty document: the state at its end-of-document id.
  auto eod = hidden[0] / hidden[0].norm();
  for (uint64_t j = 0; j < e.dim; ++j) EXPECT_NEAR(e.row(1)[j], eod[j].item<double>(), 1e-5) << j;
}

TEST(GptEmbedder, DeterministicAndIdenticalDocumentsGiveIdenticalRows) {
  auto& t = trained();
  TempDir dir;
  std::string long_text;
  for (int i = 0; i < 5; ++i) long_text += testing::domain_document("prose", i) + " ";
  auto a = testing::byte_tokens("12+34=46\n"), b = testing::byte_tokens(long_text);
  auto domain = testing::write_domain(dir.path(), "dups", t.tokenizer, {a, b, a, {}, b}, {a});
  DocumentTable documents(std::vector<fs::path>{t.data, domain});
  auto first = embed_gpt(t.run, documents, options(1, 1));
  const uint64_t base = 0;  // "dups" comes first in name order
  EXPECT_EQ(row(first, base), row(first, base + 2));
  EXPECT_EQ(row(first, base), row(first, base + 5));
  EXPECT_EQ(row(first, base + 1), row(first, base + 4));
  EXPECT_NE(row(first, base), row(first, base + 1));
  for (auto [batch, threads] : {std::pair<uint64_t, int>{7, 1}, {7, 2}, {64, 2}}) {
    EXPECT_EQ(embed_gpt(t.run, documents, options(batch, threads)).values, first.values)
        << "batch " << batch << ", threads " << threads;
  }
}

TEST(GptEmbedder, BadCheckpoint) {
  auto& t = trained();
  TempDir dir;
  DocumentTable documents(std::vector<fs::path>{t.data});
  try {
    embed_gpt(dir / "missing", documents, options());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing: no such file or folder"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cuvee
