#include "cuvee/corpus/tokenizer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cuvee/core/atomic_file.h"
#include "cuvee/core/error.h"
#include "cuvee/core/progress.h"
#include "cuvee/corpus/importer.h"
#include "cuvee/corpus/tokenizer_trainer.h"
#include "support/temp_dir.h"

namespace cuvee {
namespace {

using testing::TempDir;

TEST(ByteTokenizer, EncodesUtf8BytesAndDecodesBack) {
  auto tokenizer = open_tokenizer(std::filesystem::path());
  std::vector<int32_t> ids;
  tokenizer->encode("h\u00e9", ids);
  EXPECT_EQ(ids, (std::vector<int32_t>{'h', 0xC3, 0xA9}));
  EXPECT_EQ(tokenizer->decode(ids), "h\u00e9");
  EXPECT_EQ(tokenizer->info().vocab_size, 257u);
  EXPECT_EQ(tokenizer->info().eos_id, 256);
}

std::filesystem::path train_small_model(const TempDir& dir, const std::string& name = "tok.model") {
  Progress::set_enabled(false);
  std::string a, b;
  for (int i = 0; i < 400; ++i) {
    a += nlohmann::json{{"text",
                         fmt::format(
                             "the quick brown fox {} jumps over the lazy dog\n    indented line {}",
                             i, i * 7)}}
             .dump() +
         "\n";
    b += nlohmann::json{{"text", fmt::format("{} + {} = {}", i, i * 3, i * 4)}}.dump() + "\n";
  }
  TokenizerTrainOptions options;
  options.inputs = {dir.write("a.jsonl", a), dir.write("b.jsonl", b)};
  options.out = dir / name;
  options.vocab_size = 320;
  auto report = train_tokenizer(options);
  EXPECT_GT(report.sample_lines, 0u);
  return options.out;
}

TEST(SentencePieceTokenizer, TrainsAModelThatRoundTripsTextAndKeepsWhitespace) {
  TempDir dir;
  auto model = train_small_model(dir);
  auto tokenizer = open_tokenizer(model);
  EXPECT_EQ(tokenizer->info().kind, "sentencepiece");
  EXPECT_EQ(tokenizer->info().vocab_size, 320u);
  EXPECT_EQ(tokenizer->info().eos_id, 2);
  for (std::string text :
       {"the lazy fox", "    indented  twice", "12 + 36 = 48", "unseen \u00fc\u00df \u4e2d"}) {
    std::vector<int32_t> ids;
    tokenizer->encode(text, ids);
    EXPECT_EQ(tokenizer->decode(ids), text);
  }
  std::vector<int32_t> ids;
  tokenizer->encode("the quick brown fox", ids);
  EXPECT_LT(ids.size(), 13u);  // 19 characters: merges were learnt
}

TEST(SentencePieceTokenizer, TheSameCommandWritesTheSameBytes) {
  TempDir dir;
  std::string first = read_file(train_small_model(dir));
  EXPECT_EQ(read_file(train_small_model(dir)), first);
}

TEST(SentencePieceTokenizer, ImportRecordsTheModelAndRefusesAChangedOne) {
  TempDir dir;
  auto model = train_small_model(dir);
  ImportOptions options;
  options.domain = "d";
  options.out = dir / "domains";
  options.inputs = {dir / "a.jsonl"};
  options.tokenizer = model;
  import_domain(options);
  Domain domain(dir / "domains/d");
  EXPECT_EQ(domain.manifest().tokenizer.kind, "sentencepiece");
  auto reopened = open_tokenizer(domain.manifest().tokenizer);
  auto doc = domain.train().document(0);
  EXPECT_EQ(doc.back(), 2);
  doc.pop_back();
  EXPECT_EQ(reopened->decode(doc).rfind("the quick brown fox", 0), 0u);
  std::filesystem::copy_file(dir / "b.jsonl", model,
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_THROW(open_tokenizer(domain.manifest().tokenizer), Error);
}

TEST(SentencePieceTokenizer, NotAModelIsAClearError) {
  TempDir dir;
  auto bogus = dir.write("bogus.model", "not a model");
  EXPECT_THROW(open_tokenizer(bogus), Error);
  EXPECT_THROW(open_tokenizer(dir / "absent.model"), Error);
}

}  // namespace
}  // namespace cuvee
