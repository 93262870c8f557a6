#include "cuvee/train/perplexity.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/selection/samplers.h"
#include "cuvee/train/checkpoint.h"
#include "cuvee/train/step.h"
#include "cuvee/train/trainer.h"
#include "handmade_domain.h"
#include "tiny_corpus.h"
#include "trained_model.h"

namespace cuvee {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

// A tiny model trained 40 steps on the "prose" domain, shared by the tests of this file.
struct Trained : testing::TrainedModel {
  fs::path prose = data / "prose";
  Trained() : TrainedModel({"prose"}, 40, 1e-2) {}
};

Trained& trained() {
  static Trained instance;
  return instance;
}

// The mean next-token loss of `tokens` read after the end-of-document id, computed plainly:
// one full forward pass per window (windows start every `stride` positions), log-softmax,
// the target's log-probability at the positions no earlier window reached.
double reference_nll(Gpt& model, int64_t eod, const std::vector<int32_t>& tokens, int64_t stride) {
  torch::NoGradGuard no_grad;
  std::vector<int64_t> s{eod};
  s.insert(s.end(), tokens.begin(), tokens.end());
  const int64_t n = static_cast<int64_t>(tokens.size()), context = model->shape().context;
  double sum = 0;
  int64_t reached = 0;
  for (int64_t begin = 0; reached < n; begin += stride) {
    int64_t end = std::min(begin + context, n);
    auto inputs = torch::tensor(std::vector<int64_t>(s.begin() + begin, s.begin() + end))
                      .view({1, end - begin});
    auto log_probs = torch::log_softmax(model->forward(inputs).to(torch::kFloat64), -1)[0];
    for (int64_t p = reached; p < end; ++p) sum -= log_probs[p - begin][s[p + 1]].item<double>();
    reached = end;
  }
  return sum / static_cast<double>(n);
}

DocumentPassOptions options(uint64_t batch_size = 16, int threads = 1, uint64_t stride = 0) {
  DocumentPassOptions o;
  o.batch_size = batch_size;
  o.threads = threads;
  o.stride = stride;
  return o;
}

std::string error_of(const fs::path& checkpoint, const std::vector<fs::path>& data) {
  try {
    DocumentTable documents(data);
    perplexity_scores(checkpoint, documents, options());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

std::string file_bytes(const Scores& scores, const fs::path& path) {
  write_scores(path, scores);
  return read_file(path);
}

TEST(DocumentWindows, Plan) {
  using W = DocumentWindow;
  EXPECT_TRUE(plan_windows(7, 0, 32, 16).empty());
  EXPECT_EQ(plan_windows(7, 20, 32, 16), (std::vector<W>{{7, 0, 20, 0}}));
  EXPECT_EQ(plan_windows(7, 32, 32, 16), (std::vector<W>{{7, 0, 32, 0}}));
  EXPECT_EQ(plan_windows(7, 33, 32, 16), (std::vector<W>{{7, 0, 32, 0}, {7, 16, 33, 32}}));
  // Each window after the first keeps the S positions past its predecessor, with T − S before.
  EXPECT_EQ(plan_windows(7, 80, 32, 16),
            (std::vector<W>{{7, 0, 32, 0}, {7, 16, 48, 32}, {7, 32, 64, 48}, {7, 48, 80, 64}}));
  EXPECT_EQ(plan_windows(7, 70, 32, 32),
            (std::vector<W>{{7, 0, 32, 0}, {7, 32, 64, 32}, {7, 64, 70, 64}}));
  EXPECT_THROW(plan_windows(7, 70, 32, 0), Error);
  EXPECT_THROW(plan_windows(7, 70, 32, 33), Error);
  EXPECT_EQ(window_stride(DocumentPassOptions{}, 32), 16u);
  EXPECT_EQ(window_stride(DocumentPassOptions{}, 1), 1u);
  DocumentPassOptions too_long;
  too_long.stride = 33;
  EXPECT_THROW(window_stride(too_long, 32), Error);
}

TEST(Perplexity, MatchesAPlainComputation) {
  auto& t = trained();
  DocumentTable documents(std::vector<fs::path>{t.prose});
  auto model = load_checkpoint_model(t.run, torch::kCPU).model;
  for (int64_t stride : {16, 32}) {
    auto scores = perplexity_scores(t.run, documents, options(8, 1, stride));
    ASSERT_EQ(scores.values.size(), documents.size());
    uint64_t tokens = 0;
    for (uint64_t i = 0; i < documents.size(); ++i) {
      auto doc = documents.tokens(i);
      ASSERT_GT(doc.size(), 32u);  // every document spans windows
      tokens += doc.size();
      EXPECT_NEAR(scores.values[i], reference_nll(model, t.tokenizer.eos_id, doc, stride), 1e-5)
          << "document " << i << ", stride " << stride;
    }
    EXPECT_EQ(scores.meta.at("tokens"), tokens);
    EXPECT_EQ(scores.meta.at("stride"), stride);
  }
}

TEST(Perplexity, MetaRecordsTheModel) {
  auto& t = trained();
  DocumentTable documents(std::vector<fs::path>{t.prose});
  auto scores = perplexity_scores(t.run, documents, options());
  EXPECT_EQ(scores.meta.at("method"), "perplexity");
  EXPECT_EQ(scores.meta.at("checkpoint"), (t.run / kCheckpointFile).string());
  EXPECT_EQ(scores.meta.at("step"), 40);
  EXPECT_EQ(scores.meta.at("model").at("width"), 32);
  EXPECT_EQ(scores.meta.at("stride"), 16);
  EXPECT_EQ(scores.meta.at("empty"), 0);
  EXPECT_NE(scores.meta.at("score").get<std::string>().find("nats"), std::string::npos);
  EXPECT_TRUE(scores.notes.empty());
  // A checkpoint file works as well as its run folder.
  auto again = perplexity_scores(t.run / kCheckpointFile, documents, options());
  EXPECT_EQ(again.values, scores.values);
}

TEST(Perplexity, LongDocumentsAreWindowed) {
  auto& t = trained();
  TempDir dir;
  std::string text;
  for (int i = 0; i < 6; ++i) text += testing::domain_document("prose", i) + " ";
  auto doc = testing::byte_tokens(text);
  ASSERT_GT(doc.size(), 300u);
  auto domain = testing::write_domain(dir.path(), "long", t.tokenizer, {doc});
  DocumentTable documents(std::vector<fs::path>{domain});
  auto model = load_checkpoint_model(t.run, torch::kCPU).model;
  auto half = perplexity_scores(t.run, documents, options(3, 1, 16)).values[0];
  auto cut = perplexity_scores(t.run, documents, options(3, 1, 32)).values[0];
  EXPECT_NEAR(half, reference_nll(model, t.tokenizer.eos_id, doc, 16), 1e-5);
  EXPECT_NEAR(cut, reference_nll(model, t.tokenizer.eos_id, doc, 32), 1e-5);
  EXPECT_NE(half, cut);
}

// --max-tokens N scores the document's first N tokens, as if it ended there.
TEST(Perplexity, MaxTokensScoresAPrefix) {
  auto& t = trained();
  TempDir dir;
  std::string text;
  for (int i = 0; i < 6; ++i) text += testing::domain_document("prose", i) + " ";
  auto doc = testing::byte_tokens(text);
  auto domain = testing::write_domain(dir.path(), "long", t.tokenizer, {doc});
  DocumentTable documents(std::vector<fs::path>{domain});
  auto model = load_checkpoint_model(t.run, torch::kCPU).model;
  auto capped = options(3, 1, 16);
  capped.max_tokens = 40;
  auto scores = perplexity_scores(t.run, documents, capped);
  std::vector<int32_t> prefix(doc.begin(), doc.begin() + 40);
  EXPECT_NEAR(scores.values[0], reference_nll(model, t.tokenizer.eos_id, prefix, 16), 1e-5);
  EXPECT_EQ(scores.meta.at("tokens"), 40);
  EXPECT_EQ(scores.meta.at("max_tokens"), 40);
}

TEST(Perplexity, BatchSizeAndThreadsDoNotChangeTheBytes) {
  auto& t = trained();
  TempDir dir;
  std::string long_text;
  for (int i = 0; i < 4; ++i) long_text += testing::domain_document("prose", i + 40) + " ";
  auto extra = testing::write_domain(
      dir.path(), "extra", t.tokenizer,
      {testing::byte_tokens("a"), {}, testing::byte_tokens(long_text), testing::byte_tokens("The")},
      {testing::byte_tokens("The owl sat.")});
  DocumentTable documents(std::vector<fs::path>{t.prose, extra});
  auto one = file_bytes(perplexity_scores(t.run, documents, options(1, 1)), dir / "one.tsv");
  EXPECT_EQ(file_bytes(perplexity_scores(t.run, documents, options(7, 1)), dir / "seven.tsv"), one);
  EXPECT_EQ(file_bytes(perplexity_scores(t.run, documents, options(7, 2)), dir / "two.tsv"), one);
  EXPECT_EQ(file_bytes(perplexity_scores(t.run, documents, options(64, 2)), dir / "many.tsv"), one);
}

TEST(Perplexity, TheTrainingDomainBeatsNoise) {
  auto& t = trained();
  TempDir dir;
  std::mt19937 random(7);
  std::vector<std::vector<int32_t>> noise, shuffled;
  for (int i = 0; i < 40; ++i) {
    auto doc = testing::byte_tokens(testing::domain_document("prose", 300 + i));
    std::vector<int32_t> bytes(doc.size());
    for (auto& b : bytes) b = static_cast<int32_t>(random() % 256);
    noise.push_back(bytes);
    std::shuffle(doc.begin(), doc.end(), random);
    shuffled.push_back(doc);
  }
  auto noise_dir = testing::write_domain(dir.path(), "noise", t.tokenizer, noise);
  auto shuffled_dir = testing::write_domain(dir.path(), "shuffled", t.tokenizer, shuffled);
  // Domains in name order: noise (0-39), prose (40-339), shuffled (340-379).
  DocumentTable documents(std::vector<fs::path>{t.prose, noise_dir, shuffled_dir});
  auto scores = perplexity_scores(t.run, documents, options()).values;
  ASSERT_EQ(scores.size(), 380u);
  auto worst_prose = *std::max_element(scores.begin() + 40, scores.begin() + 340);
  auto best_noise = *std::min_element(scores.begin(), scores.begin() + 40);
  auto best_shuffled = *std::min_element(scores.begin() + 340, scores.end());
  EXPECT_LT(worst_prose, best_noise);
  EXPECT_LT(worst_prose, best_shuffled);
  // Keeping the lowest quarter keeps only prose.
  SelectOptions select;
  select.method = SelectMethod::kBand;
  select.band_start = 0;
  select.keep = 95;
  for (uint64_t i : select_documents(scores, select)) EXPECT_TRUE(i >= 40 && i < 340) << i;
}

TEST(Perplexity, EmptyDocumentsScoreInfinityWithANote) {
  auto& t = trained();
  TempDir dir;
  auto domain = testing::write_domain(dir.path(), "gaps", t.tokenizer,
                                      {{}, testing::byte_tokens("The cat sat."), {}});
  DocumentTable documents(std::vector<fs::path>{domain});
  auto scores = perplexity_scores(t.run, documents, options());
  EXPECT_TRUE(std::isinf(scores.values[0]) && scores.values[0] > 0);
  EXPECT_TRUE(std::isfinite(scores.values[1]));
  EXPECT_TRUE(std::isinf(scores.values[2]));
  EXPECT_EQ(scores.notes, (std::vector<std::string>{"empty", "", "empty"}));
  EXPECT_EQ(scores.meta.at("empty"), 2);
  EXPECT_EQ(scores.meta.at("tokens"), 12);
  // The file keeps them, and they rank above every scored document.
  write_scores(dir / "s.tsv", scores);
  auto read = read_scores(dir / "s.tsv");
  EXPECT_TRUE(std::isinf(read.values[0]));
  EXPECT_EQ(read.notes[2], "empty");
  SelectOptions select;
  select.method = SelectMethod::kBand;
  select.band_start = 0;
  select.keep = 1;
  EXPECT_EQ(select_documents(read.values, select), (std::vector<uint64_t>{1}));
}

TEST(Perplexity, BadCheckpoints) {
  auto& t = trained();
  TempDir dir;
  EXPECT_NE(error_of(dir / "nowhere", {t.prose}).find("nowhere: no such file or folder"),
            std::string::npos);
  fs::create_directories(dir / "empty_run");
  EXPECT_NE(error_of(dir / "empty_run", {t.prose}).find("no checkpoint.pt in this folder"),
            std::string::npos);
  dir.write("garbage/checkpoint.pt", "not a torch archive");
  auto garbage = error_of(dir / "garbage", {t.prose});
  EXPECT_NE(garbage.find("garbage/checkpoint.pt: not a readable checkpoint"), std::string::npos)
      << garbage;
  // A header that promises another shape than the weights it holds.
  auto config = testing::tiny_config(t.data);
  ModelShape shape = config.model;
  shape.vocab_size = 257;
  Gpt model(shape);
  model->initialize(1);
  auto optimizer = make_optimizer(model, config);
  CheckpointHeader header;
  header.shape = shape;
  header.shape.width = 64;
  header.config = config.to_json();
  save_checkpoint(dir / "lying" / kCheckpointFile, header, model, optimizer);
  auto lying = error_of(dir / "lying", {t.prose});
  EXPECT_NE(lying.find("lying/checkpoint.pt: weight 'wte.weight' has shape [257,32]; a model of "
                       "vocab 257, context 32, width 64"),
            std::string::npos)
      << lying;
}

TEST(Perplexity, DocumentsNotTokenisedForTheModel) {
  auto& t = trained();
  TempDir dir;
  TokenizerInfo larger = t.tokenizer;
  larger.vocab_size = 300;
  auto other = testing::write_domain(dir.path(), "other", larger, {{1, 2, 299}});
  auto message = error_of(t.run, {other});
  EXPECT_NE(message.find("other/manifest.json: domain 'other' was tokenised with a vocabulary of "
                         "300; the model has 257"),
            std::string::npos)
      << message;
  auto bad = testing::write_domain(dir.path(), "bad", t.tokenizer, {{65, 66}, {65, 280}});
  message = error_of(t.run, {bad});
  EXPECT_NE(message.find("bad/train.bin: document 1 holds token id 280; the model's vocabulary is "
                         "0 to 256"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace cuvee
